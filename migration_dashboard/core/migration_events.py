"""What a migration's instance action events tell about it: the step at
which a failed or cancelled migration stopped, and which services logged
why.

Nova keeps no "last step reached" on a migration record: a failed one is
just "error" or "failed", a cancelled one "cancelled".  The instance
action of the move (``live-migration``, ``migrate``, ``resize``,
``evacuate``) keeps one event per step Nova's services ran, each with its
result and, from microversion 2.62, its host.  Every event name below is a
method Nova wraps with ``@wrap_instance_event`` (nova/compute/manager.py,
prefix ``compute_``; nova/conductor/manager.py, prefix ``conductor_``),
and every step a status Nova sets on the migration record while that
method runs (``_set_migration_status``, conductor/tasks/migrate.py,
resource_tracker.rebuild_claim).

Pure Python: no Django, no HTTP.
"""
import dataclasses

# event -> (the migration's step while the event runs,
#           the step it has reached once the event succeeded)
EVENT_STEPS = {
    # Live: the conductor schedules and pre-checks ("accepted") and casts
    # to the source, which queues the move; pre_live_migration on the
    # destination is "preparing", after which the source sets "running"
    # (the copy itself runs in a thread no event wraps).
    "conductor_live_migrate_instance": ("accepted", "queued"),
    "compute_check_can_live_migrate_destination": ("accepted", "accepted"),
    "compute_check_can_live_migrate_source": ("accepted", "accepted"),
    "compute_live_migration": ("queued", "queued"),
    "compute_pre_live_migration": ("preparing", "running"),
    "compute_post_live_migration_at_destination": ("post-migrating",
                                                   "post-migrating"),
    # Cold migration and resize: prep_resize claims on the destination,
    # resize_instance copies from the source ("migrating", then
    # "post-migrating"), finish_resize leaves it "finished".
    "conductor_migrate_server": ("pre-migrating", "pre-migrating"),
    "compute_prep_resize": ("pre-migrating", "migrating"),
    "compute_resize_instance": ("migrating", "post-migrating"),
    "compute_finish_resize": ("post-migrating", "finished"),
    # Evacuation: the rebuild on the destination claims ("pre-migrating")
    # and ends "done".
    "compute_rebuild_instance": ("pre-migrating", "done"),
}

FAILED_RESULTS = ("error", "failed")


def _result(event):
    return (event.get("result") or "").strip().lower()


def _name(event):
    return (event.get("event") or "").strip()


def failed_events(events):
    """The events that failed, in Nova's order."""
    return [e for e in events or () if _result(e) in FAILED_RESULTS]


def stopped_at(path, events):
    """The step of ``path`` (a migration family's steps, in order) at which
    a migration that did not end well stopped, from its action's
    ``events`` (dicts as Nova returns them); None when they tell nothing.

    The step of the first failed event known here, else the furthest step
    a succeeded event proves reached: a live migration whose
    pre_live_migration succeeded stopped while "running".
    """
    path = list(path)
    for event in failed_events(events):
        during = EVENT_STEPS.get(_name(event), (None, None))[0]
        if during in path:
            return during
    reached = -1
    for event in events or ():
        if _result(event) != "success":
            continue
        after = EVENT_STEPS.get(_name(event), (None, None))[1]
        if after in path:
            reached = max(reached, path.index(after))
    if reached >= 0:
        return path[reached]
    if events:
        # The action exists but no step of it ran to success: it stopped
        # where it began (scheduling, pre-checks).
        return path[0]
    return None


@dataclasses.dataclass(frozen=True)
class LogSource:
    """A service whose log holds the cause of a failed move."""
    binary: str  # nova-compute | nova-conductor
    host: str  # None: not known (a conductor, any of them)
    role: str  # failed-event | source | destination | conductor


def log_sources(source, dest, events):
    """Where to read why a move failed, most telling first: the host of
    the failed event (from 2.62), the source and destination computes, and
    nova-conductor when the failure came before any compute (no
    destination chosen, or a conductor event failed)."""
    found = []

    def add(binary, host, role):
        if not any(s.binary == binary and s.host in (host, None)
                   for s in found):
            found.append(LogSource(binary, host, role))

    for event in failed_events(events):
        name, host = _name(event), event.get("host")
        if name.startswith("conductor_"):
            # (its host, from 2.62, is the conductor's)
            add("nova-conductor", host, "failed-event")
        elif host:
            add("nova-compute", host, "failed-event")
    if source:
        add("nova-compute", source, "source")
    if dest:
        add("nova-compute", dest, "destination")
    elif not any(s.binary == "nova-conductor" for s in found):
        add("nova-conductor", None, "conductor")
    return found
