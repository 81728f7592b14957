"""Nova's raw values shown as data (a compute service's status and state,
a migration's status) said through words a translation reaches, as
Horizon's own tables do with ``display_choices``.  The English words are
Nova's own, so a page reads as before; a value Nova adds later is shown
as Nova says it."""
from django.utils.translation import pgettext_lazy

from migration_dashboard.core import progress

SERVICE_STATUS = (
    ("enabled", pgettext_lazy("compute service status", "enabled")),
    ("disabled", pgettext_lazy("compute service status", "disabled")),
)
SERVICE_STATE = (
    ("up", pgettext_lazy("compute service state", "up")),
    ("down", pgettext_lazy("compute service state", "down")),
)
# A migration's status: core's words for the steps of a migration page
# (core.progress.STATUS_TEXT, said through content/translation.py).
MIGRATION_STATUS = tuple(progress.STATUS_TEXT.items())


def said(choices, value):
    """``value`` as ``choices`` say it (Nova's own word otherwise)."""
    return dict(choices).get(value, value)
