"""When a move or an evacuation request counts as lost.

A request that shows no sign of life for STALL_SECONDS was lost on its way
(nova-conductor killed or restarted while it held it): Nova leaves the
instance in its task for ever and never retries.  Moves take seconds to a
few minutes to leave their first state.
"""
import datetime

from django.conf import settings
from django.utils.translation import ngettext

STALL_SECONDS = 300


def stall_seconds():
    """The delay after which the pages call a request lost (setting
    MIGRATION_DASHBOARD_STALL_SECONDS)."""
    return int(getattr(settings, "MIGRATION_DASHBOARD_STALL_SECONDS",
                       STALL_SECONDS))


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def stalled_for(last, now=None):
    """Whole seconds since ``last`` (an aware datetime, the last sign of
    life of a request) when that is at least stall_seconds(); else None
    (also when ``last`` is unknown)."""
    if last is None:
        return None
    age = ((now or utcnow()) - last).total_seconds()
    return int(age) if age >= stall_seconds() else None


def age_text(seconds):
    """'45 seconds' / '7 minutes' for the stall messages."""
    seconds = int(seconds)
    if seconds < 120:
        return ngettext("%d second", "%d seconds", seconds) % seconds
    minutes = seconds // 60
    return ngettext("%d minute", "%d minutes", minutes) % minutes
