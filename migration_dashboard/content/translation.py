"""Where core/'s words are said in the reader's language: core/ stays free
of Django and marks its messages (core/i18n.py); here Django's gettext and
ngettext become their translator, so that a finding, a plan's reason or a
progress line is translated wherever a page turns it into text, in the
language of the request being rendered."""

from django.utils.translation import gettext, ngettext

from migration_dashboard.core import i18n


def install():
    """From now on, core's messages are said with Django's gettext."""
    i18n.use(gettext, ngettext)
