"""Nova statuses, and which of them allow which move.

Instance statuses are the API's ``status`` (upper case); migration statuses
are the ``status`` of GET /os-migrations records (lower case).  Every part
of the plugin that asks "may this instance be live migrated now?" or "is
this migration still running?" asks here, so the answers cannot drift.

Pure Python: no Django, no HTTP.
"""

from __future__ import annotations

import enum

__all__ = [
    "Kind",
    "ALLOWED",
    "LIVE_STATUSES",
    "COLD_STATUSES",
    "EVACUATE_STATUSES",
    "COLD_ONLY_STATUSES",
    "BUSY_STATUSES",
    "OFF_HOST_STATUSES",
    "MOVE_TASKS",
    "allows",
    "LIVE_IN_PROGRESS",
    "COLD_IN_PROGRESS",
    "EVACUATION_IN_PROGRESS",
    "IN_PROGRESS",
    "MIGRATION_COMPLETED",
]


class Kind(str, enum.Enum):
    """A move of an instance to another host."""

    LIVE = "live"
    COLD = "cold"
    EVACUATE = "evacuate"


# Instance statuses -----------------------------------------------------------

ACTIVE = "ACTIVE"
PAUSED = "PAUSED"
SHUTOFF = "SHUTOFF"
STOPPED = "STOPPED"  # what older clients and the vm_state call SHUTOFF
ERROR = "ERROR"
VERIFY_RESIZE = "VERIFY_RESIZE"
SHELVED_OFFLOADED = "SHELVED_OFFLOADED"

# Which statuses each move accepts (nova/compute/api.py
# check_instance_state on live_migrate, resize/migrate and evacuate).
LIVE_STATUSES = (ACTIVE, PAUSED)
COLD_STATUSES = (ACTIVE, SHUTOFF, STOPPED)
EVACUATE_STATUSES = (ACTIVE, SHUTOFF, STOPPED, ERROR)
ALLOWED = {
    Kind.LIVE: LIVE_STATUSES,
    Kind.COLD: COLD_STATUSES,
    Kind.EVACUATE: EVACUATE_STATUSES,
}
# A stopped instance can only be cold migrated (no live migration).
COLD_ONLY_STATUSES = (SHUTOFF, STOPPED)
# An operation is running: every move waits until it ends.
BUSY_STATUSES = (
    "BUILD",
    "MIGRATING",
    "RESIZE",
    "REBUILD",
    "REBOOT",
    "HARD_REBOOT",
    "PASSWORD",
    "REVERT_RESIZE",
)
# Task states of an instance while it moves (live: migrating; cold and
# resize: nova/compute/task_states.py, up to the confirm or revert).
MOVE_TASKS = frozenset({
    "migrating", "resize_prep", "resize_migrating", "resize_migrated",
    "resize_finish", "resize_reverting", "resize_confirming"})
# The instance is on no compute host: nothing to move.
OFF_HOST_STATUSES = ("DELETED", "SOFT_DELETED", SHELVED_OFFLOADED)


def allows(kind, status) -> bool:
    """Whether Nova accepts ``kind`` (a :class:`Kind` or its value) for an
    instance in ``status`` (the task state aside)."""
    return (status or "").upper() in ALLOWED[Kind(kind)]


# Migration statuses ----------------------------------------------------------

# Not finished yet, by kind of migration.  Nova's API records a live
# migration as "accepted" before the scheduler picks a destination (no
# dest_compute yet), then "queued" on the source compute.
LIVE_IN_PROGRESS = ("accepted", "queued", "preparing", "running",
                    "post-migrating")
COLD_IN_PROGRESS = ("pre-migrating", "migrating", "post-migrating",
                    "finished", "confirming", "reverting")
# An evacuation record stays "done" until the source compute restarts.
EVACUATION_IN_PROGRESS = ("accepted", "pre-migrating", "done")
IN_PROGRESS = frozenset(LIVE_IN_PROGRESS + COLD_IN_PROGRESS
                        + EVACUATION_IN_PROGRESS)
# The instance is on the destination now ("done": an evacuation whose
# source compute has not restarted yet).
MIGRATION_COMPLETED = frozenset({"completed", "confirmed", "done"})
