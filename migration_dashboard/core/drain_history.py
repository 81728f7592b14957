"""What Nova's migration records say about a host's drain once the drain
marker is gone (pure Python: no Django, no HTTP).

A drain's start lives in the host's disabled reason ("Drain since ...")
only while the host is disabled: enabling it again (Complete Maintenance,
Move Back) clears the reason in Nova.  The dashboard then carries the
start in its URLs; when nothing carries it (a fresh visit from the host's
menu) it is read from the records themselves: the drain is the last run
of moves off the host, back to the first one that is older than a move
onto the host, or than a pause longer than ``gap`` between two moves off
it (a drain sends its moves together, or a few at a time as earlier ones
end).  A move off the host before an arrival (or a long pause) is not
the drain's, so an instance that left the host earlier and stayed away is
never proposed for a move back.

Records are ``GET /os-migrations`` records of the host (``host=`` filter:
source or destination), as dicts or ``api.nova.Migration`` objects.
"""
from migration_dashboard.core import planning
from migration_dashboard.core.planning import move_back

# Record statuses of a move that did not happen (the instance stayed).
FAILED_STATUSES = frozenset({"failed", "error", "cancelled", "reverted"})


def _when(value):
    """An aware UTC datetime from Nova's created_at; None if unreadable."""
    when = move_back.record_time(value)
    return None if when == move_back.EPOCH else when


def _key(rec):
    return (_when(rec.created_at), move_back.id_key(rec.id))


def _moves(records, host):
    """The host's move records (coerced), newest first, readable times."""
    out = []
    for raw in records:
        rec = planning.MigrationRecord.coerce(raw)
        if not rec.instance_id or _when(rec.created_at) is None:
            continue
        if rec.type is not None and rec.type not in planning.MOVE_TYPES:
            continue
        if host not in (rec.source, rec.dest) or rec.source == rec.dest:
            continue
        out.append(rec)
    out.sort(key=_key, reverse=True)
    return out


def _failed(rec):
    return (rec.status or "").lower() in FAILED_STATUSES


def last_drain_start(records, host, gap=None):
    """When the host's last drain began, from its migration records alone:
    the creation time of the oldest move off ``host`` in the newest run of
    moves off it; None when the newest move involving it is an arrival (or
    there is none).  Failed moves are ignored (the instance stayed);
    ``gap`` (a timedelta, or None for no limit) ends the run at a longer
    pause between two moves off the host."""
    start = None
    for rec in _moves(records, host):
        if _failed(rec):
            continue
        if rec.dest == host:
            break  # an arrival: the drain began after it
        when = _when(rec.created_at)
        if start is not None and gap is not None and start - when > gap:
            break
        start = when
    return start


def moved_away(records, host, since, where=None):
    """{instance id: destination} of the instances that left ``host`` in
    moves created at or after ``since`` (an aware datetime) and have not
    moved since (their newest record is that move).  ``where``:
    {instance id: its host now}, when known: instances that are no longer
    on the destination (moved on, or deleted: absent) are left out."""
    newest = {}
    for rec in _moves(records, host):
        if _failed(rec):
            continue
        newest.setdefault(rec.instance_id, rec)
    out = {}
    for iid, rec in newest.items():
        if rec.source != host or _when(rec.created_at) < since:
            continue
        if where is not None and where.get(iid) != rec.dest:
            continue
        out[iid] = rec.dest
    return out
