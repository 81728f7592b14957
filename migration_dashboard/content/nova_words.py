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
# An instance's status, in Nova's own upper-case words: the plugin's
# guidance and the CLI name them so ("waits in VERIFY_RESIZE"), so the
# English page keeps them; a translation may say them in its language.
INSTANCE_STATUS = (
    ("ACTIVE", pgettext_lazy("instance status", "ACTIVE")),
    ("BUILD", pgettext_lazy("instance status", "BUILD")),
    ("DELETED", pgettext_lazy("instance status", "DELETED")),
    ("ERROR", pgettext_lazy("instance status", "ERROR")),
    ("HARD_REBOOT", pgettext_lazy("instance status", "HARD_REBOOT")),
    ("MIGRATING", pgettext_lazy("instance status", "MIGRATING")),
    ("PASSWORD", pgettext_lazy("instance status", "PASSWORD")),
    ("PAUSED", pgettext_lazy("instance status", "PAUSED")),
    ("REBOOT", pgettext_lazy("instance status", "REBOOT")),
    ("REBUILD", pgettext_lazy("instance status", "REBUILD")),
    ("RESCUE", pgettext_lazy("instance status", "RESCUE")),
    ("RESIZE", pgettext_lazy("instance status", "RESIZE")),
    ("REVERT_RESIZE", pgettext_lazy("instance status", "REVERT_RESIZE")),
    ("SHELVED", pgettext_lazy("instance status", "SHELVED")),
    ("SHELVED_OFFLOADED", pgettext_lazy("instance status", "SHELVED_OFFLOADED")),
    ("SHUTOFF", pgettext_lazy("instance status", "SHUTOFF")),
    ("SOFT_DELETED", pgettext_lazy("instance status", "SOFT_DELETED")),
    ("SUSPENDED", pgettext_lazy("instance status", "SUSPENDED")),
    ("UNKNOWN", pgettext_lazy("instance status", "UNKNOWN")),
    ("VERIFY_RESIZE", pgettext_lazy("instance status", "VERIFY_RESIZE")),
)
# A migration's status: core's words for the steps of a migration page
# (core.progress.STATUS_TEXT, said through content/translation.py).
MIGRATION_STATUS = tuple(progress.STATUS_TEXT.items())


def said(choices, value):
    """``value`` as ``choices`` say it (Nova's own word otherwise)."""
    return dict(choices).get(value, value)
