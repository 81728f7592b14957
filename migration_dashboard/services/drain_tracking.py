"""Where a drain (or a move back) stands, read from Nova every time.

Costs (constant, whatever the number of instances):

* the status page: one service list, one migration list (created since
  the drain began), the servers of the host, the servers changed since the
  drain began (only when an instance of the drain is no longer on the
  host), and one read of the bytes per *running* live migration (Nova runs
  one per source compute at a time), the same for each of the page's
  refreshes (rows do not refresh one by one).
"""
import dataclasses

from django.utils.translation import gettext_lazy as _

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.core import drain_queue as dq
from migration_dashboard.core import progress as core_progress
from migration_dashboard.services import drain
from migration_dashboard.services import drain_queue
from migration_dashboard.services import instance_rows
from migration_dashboard.services import migrations as migrations_svc
from migration_dashboard.services import stall
from migration_dashboard.services import submit
from migration_dashboard.services.drain import BACK
from migration_dashboard.services.drain import DRAIN

# Tracking states.
WAITING = "waiting"
MIGRATING = "migrating"
CONFIRM = "confirm"
DONE = "done"
FAILED = "failed"
GONE = "gone"
# Not sent yet: fewer than N moves in flight is what it waits for.
QUEUED = "queued"
STATE_TEXT = {
    QUEUED: _("Queued"), WAITING: _("Waiting"), MIGRATING: _("Migrating"),
    CONFIRM: _("Needs confirm"), DONE: _("Done"), FAILED: _("Failed"),
    GONE: _("Gone"),
}


# Task states Nova's API sets before it hands a move to nova-conductor.
_MOVE_TASKS = ("migrating", "resize_prep")


# --------------------------------------------------------------- tracking

@dataclasses.dataclass
class TrackRow(instance_rows.Row):
    """One instance of the drain (or move back) status table."""
    state: str = WAITING
    migration_type: str = None
    migration_source: str = None
    progress: object = None  # core.progress.Progress while running
    progress_text: str = ""
    progress_error: str = None
    queue_position: tuple = None  # (k, n) while queued

    @property
    def in_flight(self):
        return self.state in (WAITING, MIGRATING)

    @property
    def instance_id(self):
        return self.id


def _lost_for(inst, mig, now=None):
    """Seconds a move request has shown no sign of life when it looks lost
    on its way to nova-conductor, else None: the instance still carries
    the task the API set, and either no move of it is under way or its
    record never left `accepted`, for longer than
    stall.stall_seconds()."""
    if inst is None or inst.task_state not in _MOVE_TASKS:
        return None
    moving = mig is not None and core_progress.is_in_progress(
        mig.status, mig.migration_type)
    if moving and (mig.status or "").lower() != "accepted":
        return None
    last = base.parse_time(inst.updated)
    if moving:
        last = max(filter(None, (last, base.parse_time(
            mig.updated_at) or base.parse_time(mig.created_at))),
            default=None)
    return stall.stalled_for(last, now)


def classify(row, inst, mig, host, direction=DRAIN, now=None):
    """Fill ``row``'s state and reason from the instance and its newest
    record (either may be None)."""
    if mig is not None:
        row.migration_id = mig.id
        row.migration_type = mig.migration_type
        row.migration_status = mig.status
        row.migration_source = mig.source_compute
        row.migration_dest = mig.dest_compute
        row.created_at = mig.created_at
    if inst is None:
        row.state = GONE
        row.reason = str(_("The instance no longer exists (deleted?)."))
        return row
    row.name = inst.name or row.name or inst.id
    row.status = inst.status
    row.task_state = inst.task_state
    row.host = inst.host
    status = (mig.status or "").lower() if mig is not None else ""
    arrived = (inst.host != host) if direction == DRAIN else \
        (inst.host == host)
    if inst.status == "VERIFY_RESIZE" or status == "finished":
        row.state = CONFIRM
        row.reason = str(_("On %s: check it, then confirm (or revert).")
                         % (inst.host or row.migration_dest or "?"))
        return row
    lost = _lost_for(inst, mig, now)
    if lost is not None:
        # Nothing will ever happen to it: say so, rather than "Migrating"
        # for ever.
        row.state = FAILED
        row.reason = str(_(
            "Stalled: Nova accepted the move %(age)s ago "
            "and %(what)s since; the request was lost (was nova-conductor "
            "restarted?) and Nova will not retry it. It stays on %(host)s "
            "in task '%(task)s': reset its state (openstack server set "
            "--state active %(id)s), then plan the drain again.") % {
                "age": stall.age_text(lost), "host": inst.host or "?",
                "task": inst.task_state, "id": inst.id,
                "what": (_("its record is still '%s'") % mig.status
                         if mig is not None and core_progress.is_in_progress(
                             mig.status, mig.migration_type)
                         else _("no migration has started"))})
        return row
    if mig is not None and core_progress.is_in_progress(
            mig.status, mig.migration_type):
        row.state = MIGRATING
        row.reason = str(_("%(type)s %(status)s") % {
            "type": mig.migration_type, "status": mig.status})
        return row
    if arrived and inst.host:
        row.state = DONE
        row.reason = str(_("Now on %s.") % inst.host)
        if status in ("failed", "error", "cancelled"):
            row.reason += " " + str(_("(its last record %s)") % status)
        return row
    if inst.task_state:
        row.state = MIGRATING
        row.reason = str(_("Task: %s") % inst.task_state)
        return row
    if status in ("failed", "error", "cancelled"):
        row.state = FAILED
        row.reason = str(_("Migration %(status)s; still on %(host)s.") % {
            "status": status, "host": inst.host or "?"})
        if inst.fault:
            row.reason += " " + inst.fault
        else:
            # Nova keeps a live instance's failure reason in its action
            # events, not in its fault; reading them here would cost calls
            # per failed row, so point at the record's page, which shows them.
            row.reason += " " + str(_("Nova's reason: open the migration "
                                      "record."))
        return row
    row.state = WAITING
    if status == "reverted":
        row.reason = str(_("Reverted: back on %s.") % inst.host)
    elif status:
        row.reason = str(_("Last record %(status)s; on %(host)s.") % {
            "status": status, "host": inst.host or "?"})
    else:
        row.reason = str(_("Not moved yet (queued, not submitted or "
                           "excluded)."))
    if inst.status not in ("ACTIVE", "SHUTOFF", "PAUSED"):
        row.reason += " " + str(_("Status %s.") % inst.status)
    return row


def attach_progress(request, row, mig):
    """Bytes of a running live migration (one call), via the Migrations
    panel's progress arithmetic."""
    if mig is None or row.state != MIGRATING:
        return row
    if core_progress.family(mig.migration_type) != "live" or \
            (mig.status or "").lower() not in ("running", "preparing",
                                               "post-migrating"):
        return row
    mrow = migrations_svc.MigrationRow(mig)
    migrations_svc.attach_progress(request, mrow)
    row.progress = mrow.progress
    row.progress_error = mrow.progress_error
    row.progress_text = str(mrow.progress_text or "")
    return row


@dataclasses.dataclass
class Tracking:
    host: str
    direction: str
    since: object  # datetime or None
    service: object  # api Service or None
    rows: list
    on_host: list  # names of the instances Nova lists on the host now
    error: str = None
    limit: int = None  # N, the moves in flight at once, when queued
    queued: int = 0
    # Instances wait on the host but the plan's choices for them are not
    # in this Horizon's cache: the queue cannot send them.
    queue_unknown: bool = False

    @property
    def host_empty(self):
        """Nothing on the host and nothing of the drain under way or
        waiting for a confirm (a revert would bring it back)."""
        return self.direction == DRAIN and self.error is None and \
            not self.on_host and not self.waiting_confirm and \
            not self.still_moving

    @property
    def waiting_confirm(self):
        return self.count(CONFIRM)

    @property
    def still_moving(self):
        return self.count(MIGRATING)

    def count(self, state):
        return sum(1 for r in self.rows if r.state == state)

    @property
    def summary(self):
        return [(state, STATE_TEXT[state], self.count(state))
                for state in (DONE, MIGRATING, CONFIRM, QUEUED, WAITING,
                              FAILED, GONE)]

    @property
    def in_flight(self):
        return any(r.in_flight or r.state in (CONFIRM, QUEUED)
                   for r in self.rows)


def read_instances(request, host, records, since, wanted=(),
                   on_host=None):
    """{id: instance} of what a drain's (or a move back's) status shows:
    the servers of ``host`` (``on_host`` when the caller read them in
    this request), and, only when an instance of ``records`` ({id:
    record}) or of ``wanted`` (ids) is not among them, the servers changed
    since the drain began (``since``; without it, since the oldest of
    those records).  Never every server of the cloud: an instance that
    left the host since then was changed then (Nova stamps its updated_at
    when it moves, when its task changes, when it is deleted).  A deleted
    instance (listed by changes-since) counts as absent, as in a plain
    server list."""
    if on_host is None:
        on_host = api.nova.instance_list(request, host=host)
    instances = {i.id: i for i in on_host if i.host == host}
    missing = (set(records) | set(wanted)) - set(instances)
    if not missing:
        return instances
    after = since
    if after is None:
        created = [drain.record_time(records[i]) for i in missing
                   if i in records]
        after = min(created) if created and None not in created else None
    changed = api.nova.instance_list(
        request, changes_since=drain.stamp(after - drain.CLOCK_SKEW)
        if after is not None else None)
    for inst in changed:  # newer than the host's list: it wins
        if (inst.status or "").upper() == "DELETED":
            instances.pop(inst.id, None)
        else:
            instances[inst.id] = inst
    return instances


def _names_on(instances, host):
    return sorted((i for i in instances.values() if i.host == host),
                  key=lambda i: (i.name or "", i.id))


def track(request, host, direction=DRAIN, since=None, now=None,
          limit=None, drain_since=None, on_host=None):
    """Every instance of the drain (or of the move back) with its state,
    from Nova's lists (see :func:`read_instances`), and the queue moved
    on (see :func:`apply_queue`).  For a drain ``since`` and ``limit`` (N)
    default to the marker of the host's disabled reason; a move back
    started at ``since`` follows the instances of the drain that began at
    ``drain_since``.  ``on_host``: the host's servers when the caller has
    just read them (a drain's submit), not read again.  ``now``: the
    clock."""
    service = api.nova.compute_service(request, host)
    if direction == BACK:
        tracking, instances, queue = _track_back(request, host, service,
                                                 since, drain_since, now)
        apply_queue(request, tracking, instances, limit, now, queue)
        _sort(tracking.rows)
        return tracking
    if service is not None:
        if since is None:
            since, _reason = drain.parse_marker(service.disabled_reason)
        limit = limit or drain.marker_limit(service.disabled_reason)
    migrations = drain.migrations_since(request, host, since)
    records = drain.drain_records(migrations, host, since, direction)
    if since is None:
        # No drain marker (or no start time): only the moves under way,
        # not every move the host ever saw.
        records = {i: m for i, m in records.items()
                   if core_progress.is_in_progress(m.status,
                                                   m.migration_type)}
    queue = _load_queue(direction, host, since)
    instances = read_instances(request, host, records, since,
                               [e.id for e in queue[1] or ()], on_host)
    on_host = _names_on(instances, host)
    ids = list(records)
    if direction == DRAIN:
        ids += [i.id for i in on_host if i.id not in records]
    rows = []
    for iid in ids:
        inst = instances.get(iid)
        mig = records.get(iid)
        row = classify(TrackRow(id=iid), inst, mig, host, direction, now)
        attach_progress(request, row, mig)
        rows.append(row)
    tracking = Tracking(host=host, direction=direction, since=since,
                        service=service, rows=rows,
                        on_host=[i.name or i.id for i in on_host])
    apply_queue(request, tracking, instances, limit, now, queue)
    _sort(tracking.rows)
    return tracking


def _load_queue(direction, host, since):
    """(limit, [Entry]) of the queue stored at the submit; (None, None)
    without a start or a stored queue."""
    if since is None:
        return None, None
    return drain_queue.load(direction, host, drain.stamp(since))


def _sort(rows):
    order = {FAILED: 0, CONFIRM: 1, MIGRATING: 2, QUEUED: 3, WAITING: 4,
             GONE: 5, DONE: 6}
    rows.sort(key=lambda r: (order.get(r.state, 4), r.queue_position or (),
                             r.name or r.id))


def _track_back(request, host, service, since, drain_since, now=None):
    """(the move back started at ``since``, {id: instance}): every
    instance the drain moved off ``host`` that Nova accepted to move back
    (a record since ``since``, or the move task the API sets before any
    record exists) or that is back already.  Matched on the instance and
    the record's source, never on the destination, which Nova fills in
    only after scheduling.  Queued moves are added by apply_queue."""
    if drain_since is None:
        drain_since, _from = drain.drain_start(request, host, service)
    departures = drain.drain_records(
        drain.migrations_since(request, host, drain_since), host,
        drain_since, DRAIN)
    started = since or drain_since
    recent = api.nova.migration_list(
        request, created_since=started - drain.CLOCK_SKEW) \
        if started is not None else []
    back = drain.drain_records(
        [m for m in recent if m.instance_id in departures], host, started,
        BACK)
    queue = _load_queue(BACK, host, since)
    instances = read_instances(request, host, departures, drain_since,
                               [e.id for e in queue[1] or ()])
    rows = []
    for iid in departures:
        inst = instances.get(iid)
        mig = back.get(iid)
        if mig is None and (inst is None or (
                inst.host != host and inst.task_state not in _MOVE_TASKS)):
            continue  # not sent back (queued, blocked, excluded), or gone
        row = classify(TrackRow(id=iid), inst, mig, host, BACK, now)
        attach_progress(request, row, mig)
        rows.append(row)
    tracking = Tracking(host=host, direction=BACK, since=since,
                        service=service, rows=rows,
                        on_host=[i.name or i.id for i in instances.values()
                                 if i.host == host])
    return tracking, instances, queue


# ------------------------------------------------------------------ queue

def _waits(row, host, direction):
    """Nova shows it where the drain (or the move back) found it, idle,
    with no move since the start: the queue may send it."""
    if row.state != WAITING or row.migration_id is not None or \
            row.task_state or not row.host:
        return False
    return (row.host == host) if direction == DRAIN else (row.host != host)


def _refused_text(reason, host):
    return str(_("Nova refused the move: %(reason)s. It stays on "
                 "%(host)s; plan the drain again to retry.")
               % {"reason": reason, "host": host or "?"})


def apply_queue(request, tracking, instances, limit=None, now=None,
                queue=None):
    """Mark the queued rows "Queued (k of n)" and send the head of the
    queue while fewer than N moves are in flight (services.drain_queue).

    In flight: every row migrating (records off the host, or onto it for
    a move back, the drain's or not; accepted moves whose record conductor
    has not written yet), and moves sent a moment ago that this read does
    not show yet.  A lost request is Failed (stalled), so it stops holding
    a place.  ``instances``: {id: instance} as track() read them;
    ``queue``: (limit, entries) as track() loaded it."""
    if tracking.since is None or tracking.error:
        return tracking
    since = drain.stamp(tracking.since)
    stored, entries = queue or _load_queue(tracking.direction,
                                           tracking.host, tracking.since)
    if entries is None:
        tracking.queue_unknown = tracking.direction == DRAIN and \
            limit is not None and any(
                _waits(r, tracking.host, tracking.direction)
                for r in tracking.rows)
        return tracking
    limit = dq.clamp(limit or stored)
    rows = {r.id: r for r in tracking.rows}
    for entry in entries:
        if entry.id not in rows:  # a move back not sent yet: no record
            row = classify(TrackRow(id=entry.id, name=entry.name),
                           instances.get(entry.id), None, tracking.host,
                           tracking.direction, now)
            tracking.rows.append(row)
            rows[entry.id] = row
    waiting = {e.id for e in entries
               if _waits(rows[e.id], tracking.host, tracking.direction)}
    just_sent = drain_queue.recently_sent(tracking.direction, tracking.host,
                                          since, waiting)
    in_flight = {r.id for r in tracking.rows if r.state == MIGRATING}
    refused = drain_queue.refusals(tracking.direction, tracking.host, since,
                                   waiting)
    for instance_id, reason in refused.items():
        rows[instance_id].state = FAILED
        rows[instance_id].reason = _refused_text(reason,
                                                 rows[instance_id].host)
    state = dq.derive(entries, waiting, in_flight | just_sent, limit,
                      refused)
    sent = drain_queue.send_head(request, tracking.direction, tracking.host,
                                 since, state.to_send, _MOVE_TASKS)
    for entry, exc in sent:
        row = rows[entry.id]
        if exc is None:
            row.state = MIGRATING
            row.reason = str(_("Sent to Nova from the queue."))
        else:
            row.state = FAILED
            row.reason = _refused_text(submit.explain(exc), row.host)
    sent_ids = {e.id for e, _exc in sent}
    for row in rows.values():
        if row.id in just_sent and row.id not in sent_ids:
            row.state = MIGRATING
            row.reason = str(_("Sent to Nova a moment ago."))
    queued = [e for e in state.queued if e.id not in sent_ids]
    for k, entry in enumerate(queued, 1):
        row = rows[entry.id]
        row.state = QUEUED
        row.queue_position = (k, len(queued))
        row.reason = str(_("Queued (%(k)d of %(n)d): sent when one of the "
                           "%(limit)d places in flight is free.")
                         % {"k": k, "n": len(queued), "limit": limit})
    tracking.limit = limit
    tracking.queued = len(queued)
    if tracking.direction == DRAIN:
        drain_queue.snapshot(DRAIN, tracking.host, since, len(queued), limit)
    return tracking
