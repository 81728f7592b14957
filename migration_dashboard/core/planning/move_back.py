"""Planning the move back: the instances that left a host in its last
drain go back once the maintenance is over (:func:`move_back_plan`)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Iterable, Optional, Union

from migration_dashboard.core.planning.drain import (
    build_plan,
    hosts_by_name_of,
    options_from,
)
from migration_dashboard.core.planning.model import (
    COMPLETED_STATUSES,
    MOVE_TYPES,
    MigrationRecord,
    Plan,
    PlanOptions,
    Strategy,
    destination_of,
)
from migration_dashboard.core.planning.strategy import Entry, not_on_source
from migration_dashboard.core.preflight import Host, Instance
from migration_dashboard.core.i18n import N_

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def move_back_plan(
    host: Host,
    instances: Iterable[Instance],
    migrations: Iterable,
    hosts: Iterable[Host],
    options: Optional[PlanOptions] = None,
    since: Union[str, datetime.datetime, None] = None,
    **kw,
) -> Plan:
    """Plan moving back to ``host`` the instances that left it.

    ``migrations``: migration records (dicts, :class:`MigrationRecord`
    or ``api.nova.Migration``) of the host, e.g. GET /os-migrations
    ?host=<host>; only those created at or after ``since`` (the start of
    the last drain, when known) count.  For each instance the last
    completed live, cold or evacuation record decides: if it left
    ``host`` and the instance is still on its destination, the instance
    moves back (destination ``host``, same strategy choice and pre-flight
    as a drain); otherwise its row says why not (NOTHING).  Instances
    whose completed records never left ``host`` get no row.
    ``instances``: the current records of those instances (any others are
    ignored; a missing one is reported as gone).  ``hosts``: the hosts
    they are on now (the sources of the move back).
    """
    options = options_from(options, kw)
    if options.default_destination is None:
        options = dataclasses.replace(options, default_destination=host.name)
    hosts_by_name = hosts_by_name_of(hosts, None)
    hosts_by_name[host.name] = host
    default = destination_of(options.default_destination)
    current = {}
    for inst in instances:
        current.setdefault(inst.id, inst)
    cutoff = record_time(since) if since is not None else None
    last, left = _last_moves(migrations, host.name, cutoff)
    entries = [
        _entry(host.name, iid, last[iid], current.get(iid), hosts_by_name,
               options, default)
        for iid in sorted(left)
    ]
    return build_plan("move-back", host.name, entries, hosts_by_name, options)


def _last_moves(migrations, host_name, cutoff):
    """({instance id: its last completed move record}, the ids of the
    instances that left ``host_name``), over the completed live, cold and
    evacuation records created at or after ``cutoff``."""
    last = {}  # instance id -> (sort key, record)
    left = set()
    for raw in migrations:
        rec = MigrationRecord.coerce(raw)
        if not rec.instance_id:
            continue
        if (rec.status or "").lower() not in COMPLETED_STATUSES:
            continue
        if rec.type is not None and rec.type not in MOVE_TYPES:
            continue
        when = record_time(rec.created_at)
        if cutoff is not None and when < cutoff:
            continue
        key = (when, id_key(rec.id))
        if rec.source == host_name and rec.dest != host_name:
            left.add(rec.instance_id)
        old = last.get(rec.instance_id)
        if old is None or key > old[0]:
            last[rec.instance_id] = (key, rec)
    return {iid: value[1] for iid, value in last.items()}, left


def _entry(host_name, iid, rec, inst, hosts_by_name, options, default):
    """The row of one instance that left ``host_name``: moving back, or
    NOTHING with the reason."""
    if inst is None:
        inst = Instance(id=iid, status=None, host=None)
        e = Entry(inst, unknown_host(rec.dest), None, default)
        e.finish(Strategy.NOTHING, N_("no longer exists"))
        return e
    src = hosts_by_name.get(inst.host) if inst.host else None
    src = src or unknown_host(inst.host or rec.dest)
    e = Entry(inst, src, options.overrides.get(iid), default)
    if rec.source != host_name:
        # Whole sentences, one per case: a translator sees no fragment.
        if rec.dest == host_name:
            why = N_("already back on %(host_name)s", host_name=host_name)
        elif rec.source:
            why = N_("moved from %(source)s to %(dest)s since the drain",
                     source=rec.source, dest=rec.dest)
        else:
            why = N_("moved to %(dest)s since the drain", dest=rec.dest)
        e.finish(Strategy.NOTHING, why)
    elif not inst.host:
        e.finish(Strategy.NOTHING, N_("its host is unknown"))
    elif inst.host == host_name:
        e.finish(Strategy.NOTHING, N_("already on %(host_name)s",
                                      host_name=host_name))
    elif inst.host != rec.dest:
        e.finish(
            Strategy.NOTHING,
            N_("moved on to %(host)s since it left for %(dest)s",
               host=inst.host, dest=rec.dest),
        )
    else:
        gone = not_on_source(inst, src)
        if gone:
            e.finish(Strategy.NOTHING, gone)
    return e


def unknown_host(name):
    return Host(name=name or "?", status=None, state=None, forced_down=None)


def record_time(value):
    """A sortable UTC datetime from Nova's created_at (or a datetime);
    the epoch when there is none."""
    if value is None or value == "":
        return EPOCH
    if isinstance(value, datetime.datetime):
        dt = value
    else:
        text = str(value).strip().replace(" ", "T")
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.datetime.fromisoformat(text)
        except ValueError:
            return EPOCH
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt


def id_key(value):
    """Migration ids are integers; compare them as numbers when they are."""
    if isinstance(value, int):
        return (0, value, "")
    text = str(value or "")
    return (0, int(text), "") if text.isdigit() else (1, 0, text)

