"""Drain planning: which instance moves how, and where, to empty a host.

:func:`plan_drain` turns the instances on a host into a :class:`Plan`: one
:class:`PlanRow` per instance with a :class:`Strategy` (live, live with
block migration, cold, blocked, skipped, nothing to do), a destination
(``None`` = the scheduler chooses, or a host name), the pre-flight
findings for that choice and a short "why".  :func:`move_back_plan` does
the same for the instances that left a host in its last drain, moving them
back once the maintenance is over.

Built on :mod:`migration_dashboard.core.preflight`; every per-instance rule
is the pre-flight engine's.  What the planner adds is what no single
check can see:

* **Strategy choice.**  A running instance is live migrated when the
  live request has no blocker; otherwise (a live blocker cold migration
  does not have: SEV, a vTPM without host secret security, an old
  compute for NUMA/vGPU/vDPA, a destination with an older hypervisor ...)
  it is cold migrated; a SHUTOFF instance is cold migrated; when neither
  works the row is blocked with the findings of both.
* **Together capacity.**  With a chosen destination the rows are checked
  with :func:`preflight.check_many` in submission order, so each one sees
  the RAM, vCPUs, PCPUs, disk and server-group members the earlier ones
  put there.  With the scheduler, Nova's own checks run at submission
  time, so the planner predicts them: a first-fit-decreasing packing of
  the planned instances onto the other enabled, up hosts (their free
  capacity minus what chosen-destination rows take), honouring
  anti-affinity (at most ``max_server_per_host`` members per host, hosts
  that already hold members counted), affinity (the members that move
  form one item that must fit on one host, the host of the other members
  when there is one) and pinned availability zones.  Instances the
  packing cannot place get a ``plan-capacity-short`` finding: a BLOCKER
  when the shortage is certain (the total demand exceeds the total free
  capacity, or no host could take the instance even before the others),
  a WARNING when it is a packing effect the scheduler might still avoid.
* **Summary**: counts per strategy, totals to move, hosts used, whether
  the plan can be submitted, and the submission order (see
  :func:`submission_key`).

Pure Python, standard library only: no Django, no HTTP.  Deterministic:
the same input gives the same plan, rows sorted.  Planning n instances
over h hosts costs O(n log n) for the sort plus O(n * h) cheap
comparisons for the packing in the worst case (every instance tried on
every host); 200 instances over 50 hosts plan in a few milliseconds
(:func:`benchmark`).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Union

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight.wording import short_list
from migration_dashboard.core.preflight import (
    AUTO,
    BLOCKER,
    NOTE,
    WARNING,
    Finding,
    Host,
    Instance,
    Kind,
    Request,
)

__all__ = [
    "Strategy",
    "MOVING",
    "SCHEDULER",
    "Override",
    "PlanOptions",
    "PlanRow",
    "Plan",
    "MigrationRecord",
    "plan_drain",
    "move_back_plan",
    "submission_key",
    "PLAN_CODES",
    "COMPLETED_STATUSES",
    "MOVE_TYPES",
    "build_benchmark_case",
    "benchmark",
]


# ---------------------------------------------------------------------------
# Public data
# ---------------------------------------------------------------------------


class Strategy(str, enum.Enum):
    """What the plan does with one instance."""

    LIVE = "live"  # live migration, no block copy expected
    LIVE_BLOCK = "live-block"  # live block migration (True, or "auto")
    COLD = "cold"  # cold migration (then confirm)
    BLOCKED = "blocked"  # no strategy works: see the findings
    SKIPPED = "skipped"  # excluded by the operator
    NOTHING = "nothing"  # not on the host (gone, moved, offloaded)

    @property
    def label(self):
        return {
            "live": "Live migration",
            "live-block": "Live block migration",
            "cold": "Cold migration",
            "blocked": "Blocked",
            "skipped": "Excluded",
            "nothing": "Nothing to do",
        }[self.value]

    @property
    def kind(self) -> Optional[Kind]:
        """The pre-flight request kind, None for rows that do not move."""
        if self in (Strategy.LIVE, Strategy.LIVE_BLOCK):
            return Kind.LIVE
        if self is Strategy.COLD:
            return Kind.COLD
        return None

    def __str__(self):
        return self.value


MOVING = (Strategy.LIVE, Strategy.LIVE_BLOCK, Strategy.COLD)

# A destination meaning "let the scheduler choose", for overrides that must
# say so explicitly (``None`` there means "use the plan's default").  No
# host name can contain "<".
SCHEDULER = "<scheduler>"

# Finding codes the planner adds to the pre-flight engine's.
PLAN_CODES = frozenset(
    {
        "plan-capacity-short",  # the other hosts cannot take them all
        "plan-capacity-unknown",  # a candidate host's free capacity unknown
        "plan-host-state-unknown",  # a host not counted: state unknown
        "plan-anti-affinity-spread",  # not enough hosts for the members
        "plan-affinity-together",  # affinity members must move together
        "plan-affinity-split",  # soft affinity: members on several hosts
        "plan-groups-unknown",  # members on a candidate host unknown
        "plan-live-blocked",  # cold because live migration is blocked
        "plan-unknown-destination",  # the chosen host is not known
        "plan-block-storage-unknown",  # block True below 2.25, sharing unknown
        "plan-not-on-source",  # the instance is not on the source any more
    }
)


@dataclass(frozen=True)
class Override:
    """The operator's choice for one row.

    ``strategy``: LIVE, LIVE_BLOCK or COLD to insist on (None = let the
    planner choose; SKIPPED = exclude).  ``destination``: a host name,
    :data:`SCHEDULER`, or None for the plan's default.  ``exclude``: leave
    the instance where it is.
    """

    strategy: Optional[Strategy] = None
    destination: Optional[str] = None
    exclude: bool = False

    def __post_init__(self):
        if self.strategy is not None:
            object.__setattr__(self, "strategy", Strategy(self.strategy))


@dataclass(frozen=True)
class PlanOptions:
    microversion: str = pf.DEFAULT_MICROVERSION
    # None or SCHEDULER: the scheduler chooses; else one host name for all.
    default_destination: Optional[str] = None
    # {instance id: Override}
    overrides: Mapping[str, Override] = field(default_factory=dict)
    # Minimum nova-compute service version across the cloud, if known.
    compute_service_version: Optional[int] = None
    # Force live migrations to a chosen destination (2.30-2.67 only).
    force: bool = False


@dataclass(frozen=True)
class PlanRow:
    instance_id: str
    name: str
    status: Optional[str]  # the instance's status when planned
    source: Optional[str]  # where it is now
    strategy: Strategy
    destination: Optional[str]  # None = the scheduler chooses
    # For live rows what to send as block_migration: True, False or "auto";
    # None for the others.
    block_migration: Union[bool, str, None]
    findings: tuple  # preflight.Finding, worst first
    why: str
    # The strategy the row would have without its blocker (BLOCKED rows
    # and warnings), or the planned one; None when no move applies.
    intended: Optional[Strategy] = None
    # Scheduler rows: the host the packing predicts (not a promise).
    expected_host: Optional[str] = None
    overridden: bool = False
    # Only some of the enabled, up hosts have the traits it requires (or
    # lack those it forbids): a vTPM, a flavor's trait:X=required.  Such
    # rows are submitted first (see :func:`submission_key`).
    restricted: bool = False
    ram_mb: int = 0
    vcpus: int = 0
    disk_gb: int = 0  # Placement DISK_GB claimed on the destination
    position: Optional[int] = None  # index in Plan.order, None if not moved

    @property
    def moves(self):
        return self.strategy in MOVING

    @property
    def kind(self) -> Optional[Kind]:
        return self.strategy.kind

    @property
    def blockers(self):
        return [f for f in self.findings if f.severity is BLOCKER]

    @property
    def worst(self):
        return pf.worst(self.findings)

    def request(self, options: Optional[PlanOptions] = None):
        """The pre-flight/submission request for this row, None if the row
        does not move."""
        if not self.moves:
            return None
        options = options or PlanOptions()
        # A fresh object: the planner's cached ones are shared.
        return _new_request(self.strategy.kind, self.block_migration,
                            self.destination, options)


@dataclass(frozen=True)
class Plan:
    direction: str  # "drain" or "move-back"
    host: str  # the host being drained, or moved back to
    rows: tuple  # every instance: submission order first, then the rest
    order: tuple  # instance ids to submit, in this order
    counts: Mapping  # {Strategy: n} for every strategy
    ram_mb: int  # totals of the moving rows
    vcpus: int
    disk_gb: int
    hosts_used: tuple  # destinations and expected hosts, sorted
    findings: tuple  # plan-level findings, worst first
    microversion: str
    submittable: bool  # something to move and no blocker left

    @property
    def is_empty(self):
        """Nothing to migrate (no moving row)."""
        return not self.order

    @property
    def blocked(self):
        return [r for r in self.rows if r.strategy is Strategy.BLOCKED]

    def row(self, instance_id):
        for r in self.rows:
            if r.instance_id == instance_id:
                return r
        raise KeyError(instance_id)


# Migration records -----------------------------------------------------------

# Statuses that mean "the instance is on the destination now".  An
# evacuation stays "done" until the source compute restarts.
COMPLETED_STATUSES = frozenset({"completed", "confirmed", "done"})
# migration_type values that move an instance to another host ("resize"
# is a flavor change, not a drain move).
MOVE_TYPES = frozenset({"live-migration", "migration", "evacuation"})


@dataclass(frozen=True)
class MigrationRecord:
    """What :func:`move_back_plan` needs of one GET /os-migrations record."""

    instance_id: str
    source: Optional[str]
    dest: Optional[str]
    status: Optional[str]
    type: Optional[str] = "live-migration"
    created_at: Union[str, datetime.datetime, None] = None
    id: object = None

    _KEYS = {
        "instance_id": ("instance_id", "instance_uuid"),
        "source": ("source", "source_compute"),
        "dest": ("dest", "dest_compute"),
        "status": ("status",),
        "type": ("type", "migration_type"),
        "created_at": ("created_at",),
        "id": ("id",),
    }

    @classmethod
    def coerce(cls, record) -> "MigrationRecord":
        """From a MigrationRecord, a dict (plugin or raw Nova keys) or an
        object with the attributes of ``api.nova.Migration``."""
        if isinstance(record, cls):
            return record
        values = {}
        for name, keys in cls._KEYS.items():
            for key in keys:
                if isinstance(record, Mapping):
                    value = record.get(key)
                else:
                    value = getattr(record, key, None)
                if value is not None:
                    values[name] = value
                    break
        values.setdefault("instance_id", None)
        values.setdefault("source", None)
        values.setdefault("dest", None)
        values.setdefault("status", None)
        values.setdefault("type", None)
        return cls(**values)


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def plan_drain(
    source: Host,
    instances: Iterable[Instance],
    hosts: Iterable[Host],
    options: Optional[PlanOptions] = None,
    **kw,
) -> Plan:
    """Plan moving every instance off ``source``.

    ``instances``: every instance on the source (as the caller read
    them); ``hosts``: the other computes with their free capacity (the
    source is ignored if listed).  ``options`` (or the same fields as
    keywords): microversion, default destination, per-instance
    overrides, minimum compute service version, force.
    """
    options = _options(options, kw)
    hosts_by_name = _hosts_by_name(hosts, source)
    default = _destination(options.default_destination)
    entries = []
    seen = set()
    for inst in instances:
        if inst.id in seen:
            continue
        seen.add(inst.id)
        e = _Entry(inst, source, options.overrides.get(inst.id), default)
        gone = _not_on_source(inst, source)
        if gone:
            e.finish(Strategy.NOTHING, gone)
            if inst.host and inst.host != source.name:
                e.findings = [
                    Finding(
                        NOTE,
                        "plan-not-on-source",
                        "%s is on %s now, not on %s."
                        % (inst.label, inst.host, source.name),
                        "Reload the plan.",
                    )
                ]
        entries.append(e)
    return _plan("drain", source.name, entries, hosts_by_name, options)


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
    options = _options(options, kw)
    if options.default_destination is None:
        options = dataclasses.replace(options, default_destination=host.name)
    hosts_by_name = _hosts_by_name(hosts, None)
    hosts_by_name[host.name] = host
    default = _destination(options.default_destination)
    current = {}
    for inst in instances:
        current.setdefault(inst.id, inst)
    cutoff = _when(since) if since is not None else None

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
        when = _when(rec.created_at)
        if cutoff is not None and when < cutoff:
            continue
        key = (when, _id_key(rec.id))
        if rec.source == host.name and rec.dest != host.name:
            left.add(rec.instance_id)
        old = last.get(rec.instance_id)
        if old is None or key > old[0]:
            last[rec.instance_id] = (key, rec)

    entries = []
    for iid in sorted(left):
        rec = last[iid][1]
        inst = current.get(iid)
        if inst is None:
            inst = Instance(id=iid, status=None, host=None)
            e = _Entry(inst, _unknown_host(rec.dest), None, default)
            e.finish(Strategy.NOTHING, "no longer exists")
            entries.append(e)
            continue
        src = hosts_by_name.get(inst.host) if inst.host else None
        src = src or _unknown_host(inst.host or rec.dest)
        e = _Entry(inst, src, options.overrides.get(iid), default)
        if rec.source != host.name:
            e.finish(
                Strategy.NOTHING,
                "already back on %s" % host.name
                if rec.dest == host.name
                else "moved %s to %s since the drain"
                % (_from(rec.source), rec.dest),
            )
        elif not inst.host:
            e.finish(Strategy.NOTHING, "its host is unknown")
        elif inst.host == host.name:
            e.finish(Strategy.NOTHING, "already on %s" % host.name)
        elif inst.host != rec.dest:
            e.finish(
                Strategy.NOTHING,
                "moved on to %s since it left for %s"
                % (inst.host, rec.dest),
            )
        else:
            gone = _not_on_source(inst, src)
            if gone:
                e.finish(Strategy.NOTHING, gone)
        entries.append(e)
    return _plan("move-back", host.name, entries, hosts_by_name, options)


def submission_key(row_or_entry):
    """Sort key of the submission order.

    Host-restricted rows first, then live migrations, then cold
    migrations, and within each the largest (RAM, then vCPUs, then disk)
    first; ties by name and id, so the order is deterministic.

    * Restricted first: Placement claims room in the order the requests
      reach the scheduler, and an instance only some hosts can take (a
      vTPM needs the TPM traits) fails with "No valid host" once the
      unrestricted instances, sent before it, have filled those hosts,
      although the others had room elsewhere.  Seen on the demo cloud:
      draining cmp2, the live migrations filled cmp3 and the vTPM
      instance's cold migration, sent last, found no host.
    * Live first: the running workloads are what a maintenance puts at
      risk, and Nova runs live migrations one (``max_concurrent_live_
      migrations``) at a time per compute, so they are the long pole of
      the drain; starting them first shortens it.  Cold migrations of
      SHUTOFF instances affect no user and can wait; cold migrations of
      running instances (live-blocked) stop them and need a confirm, so
      they come last, where the operator can watch them.
    * Largest first within a phase: a big instance is the hardest to
      place, so it goes while the other hosts have the most room (the
      rule of first-fit-decreasing, which is also how the planner predicts
      the scheduler's placements, so the prediction follows the real
      order); and the largest live migrations take longest, so they start
      first.
    """
    strategy = row_or_entry.intended or row_or_entry.strategy
    phase = 1 if strategy is Strategy.COLD else 0
    return (
        0 if getattr(row_or_entry, "restricted", False) else 1,
        phase,
        -row_or_entry.ram_mb,
        -row_or_entry.vcpus,
        -row_or_entry.disk_gb,
        row_or_entry.name,
        row_or_entry.instance_id,
    )


# ---------------------------------------------------------------------------
# Internals
# ---------------------------------------------------------------------------

_LIVE_STATUSES = ("ACTIVE", "PAUSED")
_COLD_ONLY_STATUSES = ("SHUTOFF", "STOPPED")
_NOT_ON_A_HOST = {
    "DELETED": "deleted",
    "SOFT_DELETED": "deleted (soft)",
    "SHELVED_OFFLOADED": "shelved and offloaded: on no host",
}
_ROW_GROUP = {
    Strategy.LIVE: 0,
    Strategy.LIVE_BLOCK: 0,
    Strategy.COLD: 0,
    Strategy.BLOCKED: 1,
    Strategy.SKIPPED: 2,
    Strategy.NOTHING: 3,
}
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _options(options, kw):
    if options is None:
        return PlanOptions(**kw)
    if kw:
        return dataclasses.replace(options, **kw)
    return options


def _hosts_by_name(hosts, source):
    out = {}
    for h in hosts:
        if source is not None and h.name == source.name:
            continue
        out.setdefault(h.name, h)
    return out


def _destination(value):
    """None for the scheduler, else a host name."""
    if value is None or value == SCHEDULER or value == "":
        return None
    return value


def _unknown_host(name):
    return Host(name=name or "?", status=None, state=None, forced_down=None)


def _from(name):
    return "from %s" % name if name else ""


def _when(value):
    """A sortable UTC datetime from Nova's created_at (or a datetime)."""
    if value is None or value == "":
        return _EPOCH
    if isinstance(value, datetime.datetime):
        dt = value
    else:
        text = str(value).strip().replace(" ", "T")
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.datetime.fromisoformat(text)
        except ValueError:
            return _EPOCH
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt


def _id_key(value):
    """Migration ids are integers; compare them as numbers when they are."""
    if isinstance(value, int):
        return (0, value, "")
    text = str(value or "")
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _not_on_source(inst, source):
    """Why there is nothing to do, or "" when the instance is on source."""
    status = (inst.status or "").upper()
    if status in _NOT_ON_A_HOST:
        return _NOT_ON_A_HOST[status]
    if inst.host and inst.host != source.name:
        return "not on %s any more (now on %s)" % (source.name, inst.host)
    if (
        not inst.host
        and source.instance_ids is not None
        and inst.id not in source.instance_ids
    ):
        return "not on %s any more" % source.name
    return ""


def _needs_block(profile, src, dst):
    """Prediction: local disks not known to be shared with the target."""
    if profile.has_local_disk is not True:
        return False
    if dst is None:
        shared = src.shared_storage
    elif src.shared_storage is False or dst.shared_storage is False:
        shared = False
    elif src.shared_storage and dst.shared_storage:
        shared = True
    else:
        shared = None
    return shared is not True


def _block_value(strategy, needs_block, mv):
    """block_migration to send: "auto" from 2.25 whenever it gives the
    planned behaviour; an explicit True/False below 2.25, and False for a
    LIVE override on an instance that needs block migration (the operator
    insists on no block copy)."""
    if strategy is Strategy.LIVE_BLOCK:
        return AUTO if mv >= (2, 25) else True
    if strategy is Strategy.LIVE:
        return AUTO if mv >= (2, 25) and not needs_block else False
    return None


_REQUESTS = {}


def _request(strategy, block, destination, options):
    """The pre-flight request of a row; cached (a plan has a handful of
    distinct requests, and Request is never mutated by the engine)."""
    kind = strategy.kind
    key = (
        kind,
        block if kind is Kind.LIVE else None,
        bool(options.force and kind is Kind.LIVE and destination is not None),
        options.microversion,
        options.compute_service_version,
    )
    req = _REQUESTS.get(key)
    if req is None:
        if len(_REQUESTS) > 256:
            _REQUESTS.clear()
        req = _REQUESTS[key] = _new_request(kind, block, destination,
                                            options)
    return req


def _new_request(kind, block, destination, options):
    return Request(
        kind,
        block_migration=block if kind is Kind.LIVE else None,
        microversion=options.microversion,
        force=bool(
            options.force and kind is Kind.LIVE and destination is not None
        ),
        compute_service_version=options.compute_service_version,
    )


def _request_key(req):
    return (req.kind, req.block_migration, req.force)


class _Entry:
    """One row being planned (mutable while planning)."""

    __slots__ = (
        "inst",
        "p",
        "src",
        "override",
        "dest",
        "strategy",
        "intended",
        "block",
        "findings",
        "why",
        "expected_host",
        "restricted",
        "req",
        "instance_id",
        "name",
        "ram_mb",
        "vcpus",
        "disk_gb",
        "position",
    )

    def __init__(self, inst, src, override, default_dest):
        self.inst = inst
        self.p = None
        self.src = src
        self.override = override
        dest = default_dest
        if override is not None and override.destination is not None:
            dest = _destination(override.destination)
        self.dest = dest
        self.strategy = None
        self.intended = None
        self.block = None
        self.findings = []
        self.why = ""
        self.expected_host = None
        self.restricted = False
        self.req = None
        self.instance_id = inst.id
        self.name = inst.label
        self.ram_mb = int(inst.flavor.ram_mb or 0)
        self.vcpus = int(inst.flavor.vcpus or 0)
        self.disk_gb = 0
        self.position = None

    @property
    def overridden(self):
        o = self.override
        return bool(
            o is not None
            and (o.exclude or o.strategy is not None
                 or o.destination is not None)
        )

    def finish(self, strategy, why):
        self.strategy = strategy
        self.why = why

    def block_it(self, why):
        if self.strategy in MOVING:
            self.intended = self.strategy
        self.strategy = Strategy.BLOCKED
        self.block = None
        self.expected_host = None
        self.why = why

    def row(self):
        moves = self.strategy in MOVING
        return PlanRow(
            instance_id=self.instance_id,
            name=self.name,
            status=self.inst.status,
            source=self.src.name if self.src is not None else None,
            strategy=self.strategy,
            destination=self.dest if moves or self.intended else None,
            block_migration=self.block if moves else None,
            findings=tuple(pf.sort_findings(self.findings)),
            why=self.why,
            intended=self.intended,
            expected_host=self.expected_host if moves else None,
            overridden=self.overridden,
            restricted=self.restricted,
            ram_mb=self.ram_mb,
            vcpus=self.vcpus,
            disk_gb=self.disk_gb,
            position=self.position,
        )


def _plan(direction, host_name, entries, hosts_by_name, options):
    mv = pf.parse_microversion(options.microversion)
    plan_findings = []
    # Flavor facts derived once per distinct flavor, not once per instance.
    derived = {}
    for e in entries:
        if e.strategy is None:
            _choose(e, hosts_by_name, options, mv, derived)
    moving = [e for e in entries if e.strategy in MOVING]
    up = [
        h for h in hosts_by_name.values()
        if h.status == "enabled" and h.is_down is False
    ]
    for e in moving:
        e.restricted = _restricted(e, up)
    moving.sort(key=submission_key)
    chosen = [e for e in moving if e.dest is not None]
    usage = _Usage()
    if chosen:
        _check_together(chosen, hosts_by_name, usage)
    scheduled = [e for e in moving if e.dest is None and e.strategy in MOVING]
    if scheduled:
        _pack(scheduled, hosts_by_name, usage, plan_findings)
    _affinity_notes(entries, hosts_by_name, usage)

    moving = [e for e in moving if e.strategy in MOVING]
    for i, e in enumerate(moving):
        e.position = i
    rest = [e for e in entries if e.strategy not in MOVING]
    rest.sort(key=lambda e: (_ROW_GROUP[e.strategy], e.name, e.instance_id))
    rows = tuple(e.row() for e in moving + rest)

    counts = {s: 0 for s in Strategy}
    for r in rows:
        counts[r.strategy] += 1
    used = {e.dest or e.expected_host for e in moving} - {None}
    blocked = counts[Strategy.BLOCKED] or pf.has_blockers(plan_findings)
    return Plan(
        direction=direction,
        host=host_name,
        rows=rows,
        order=tuple(e.instance_id for e in moving),
        counts=counts,
        ram_mb=sum(e.ram_mb for e in moving),
        vcpus=sum(e.vcpus for e in moving),
        disk_gb=sum(e.disk_gb for e in moving),
        hosts_used=tuple(sorted(used)),
        findings=tuple(pf.sort_findings(plan_findings)),
        microversion=options.microversion,
        submittable=bool(moving) and not blocked,
    )


# Strategy choice -------------------------------------------------------------


def _choose(e, hosts_by_name, options, mv, derived=None):
    """Pick the strategy of one row from standalone pre-flight checks."""
    inst = e.inst
    o = e.override
    if o is not None and (o.exclude or o.strategy is Strategy.SKIPPED):
        e.finish(Strategy.SKIPPED, "excluded by the operator")
        return
    if o is not None and o.strategy in (Strategy.BLOCKED, Strategy.NOTHING):
        o = None  # not a choice an operator can impose
    e.p = p = pf.Profile(inst, derived)
    e.disk_gb = p.disk_need
    dst = None
    if e.dest is not None:
        dst = hosts_by_name.get(e.dest)
        if dst is None and e.src is not None and e.dest == e.src.name:
            dst = e.src
        if dst is None:
            e.findings = [
                Finding(
                    BLOCKER,
                    "plan-unknown-destination",
                    "%s is not a known compute host." % e.dest,
                    "Choose another destination, or the scheduler.",
                )
            ]
            e.block_it("destination %s unknown" % e.dest)
            return
    needs_block = _needs_block(p, e.src, dst)
    status = (inst.status or "").upper()
    if o is not None and o.strategy in MOVING:
        tries = [o.strategy]
    elif status in _COLD_ONLY_STATUSES:
        tries = [Strategy.COLD]
    else:
        live = Strategy.LIVE_BLOCK if needs_block else Strategy.LIVE
        tries = [live, Strategy.COLD]
    results = []
    for strategy in tries:
        block = _block_value(strategy, needs_block, mv)
        req = _request(strategy, block, e.dest, options)
        findings = pf.check(inst, e.src, dst, req)
        results.append((strategy, block, req, findings))
        if not pf.has_blockers(findings):
            break
    strategy, block, req, findings = results[-1]
    e.req = req
    if pf.has_blockers(findings):
        merged = list(results[0][3])
        codes = {f.code for f in merged}
        for _, _, _, other in results[1:]:
            merged += [
                f for f in other
                if f.severity is BLOCKER and f.code not in codes
            ]
        e.findings = merged
        e.intended = results[0][0]
        e.strategy = Strategy.BLOCKED
        first = next(f for f in merged if f.severity is BLOCKER)
        if len(results) > 1:
            e.why = "neither %s nor cold migration is possible: %s" % (
                _WHAT[results[0][0]], first.message)
        else:
            e.why = "%s is not possible: %s" % (
                _WHAT[results[0][0]], first.message)
        if o is not None and o.strategy in MOVING:
            e.why = "chosen by the operator, but " + e.why
        return
    e.strategy = strategy
    e.intended = strategy
    e.block = block
    e.findings = list(findings)
    if strategy is Strategy.COLD and len(results) > 1:
        live_blockers = [f for f in results[0][3] if f.severity is BLOCKER]
        e.findings.append(
            Finding(
                WARNING,
                "plan-live-blocked",
                "Live migration of %s is not possible: %s Cold migration"
                " stops it while it moves."
                % (p.label, " ".join(f.message for f in live_blockers)),
                live_blockers[0].remedy,
            )
        )
        e.why = "cannot live migrate (%s); cold migration stops it" % (
            ", ".join(sorted({f.code for f in live_blockers}))
        )
    else:
        e.why = _why(strategy, status, p, block)
    if (
        strategy is Strategy.LIVE_BLOCK
        and block is True
        and _needs_block(p, e.src, dst)
        and _storage_unknown(e.src, dst)
    ):
        e.findings.append(
            Finding(
                WARNING,
                "plan-block-storage-unknown",
                "It is unknown whether %s and %s share instance storage; at"
                " microversion %s block migration must be chosen explicitly,"
                " and Nova refuses block migration on shared storage."
                % (e.src.name, e.dest or "the destination",
                   options.microversion),
                "Confirm the storage is local, or use microversion 2.25 or"
                " later (block migration 'auto').",
            )
        )
    if o is not None and o.strategy in MOVING:
        e.why = "chosen by the operator: " + e.why


_WHAT = {
    Strategy.LIVE: "live migration",
    Strategy.LIVE_BLOCK: "live block migration",
    Strategy.COLD: "cold migration",
}


def _storage_unknown(src, dst):
    if dst is None:
        return src.shared_storage is None
    return src.shared_storage is None or dst.shared_storage is None


def _why(strategy, status, p, block):
    if strategy is Strategy.COLD:
        if status in _COLD_ONLY_STATUSES:
            return "shut off: cold migration (no further downtime)"
        return "cold migration"
    auto = " (block_migration auto: Nova decides)" if block == AUTO else ""
    if strategy is Strategy.LIVE_BLOCK:
        disks = (
            "%d GiB of local disk" % p.local_disk_gb
            if p.local_disk_gb
            else "a local config drive"
        )
        return "running with %s not on shared storage: live block" \
            " migration%s" % (disks, auto)
    if p.has_local_disk is False:
        reason = "volume-backed, no local disk"
    elif p.has_local_disk is None:
        reason = "local disks unknown"
    else:
        reason = "instance storage shared"
    return "running, %s: live migration%s" % (reason, auto)


# Together capacity for chosen destinations -----------------------------------


class _Usage:
    """What the plan puts on (and takes off) each host so far."""

    def __init__(self):
        self.by_host = {}  # name -> [ram, vcpus, pcpus, disk]
        self.arrived = {}  # name -> set of instance ids
        self.moved = set()  # instance ids leaving their source

    def add(self, host_name, p):
        u = self.by_host.get(host_name)
        if u is None:
            u = self.by_host[host_name] = [0, 0, 0, 0]
        u[0] += p.ram
        u[1] += p.vcpu_need
        u[2] += p.pcpu_need
        u[3] += p.disk_need
        self.arrived.setdefault(host_name, set()).add(p.inst.id)
        self.moved.add(p.inst.id)

    def free(self, host):
        """[ram, vcpus, pcpus, disk] free after the plan so far; None for
        an unknown value."""
        u = self.by_host.get(host.name, (0, 0, 0, 0))
        return [
            None if v is None else v - used
            for v, used in zip(
                (host.free_ram_mb, host.free_vcpus, host.free_pcpus,
                 host.free_disk_gb),
                u,
            )
        ]

    def members(self, host):
        """Instance ids on ``host`` once the plan so far is done."""
        ids = host.instance_ids
        if ids is None:
            return None
        arrived = self.arrived.get(host.name, ())
        if not arrived and not (self.moved & ids):
            return ids
        return frozenset((ids - self.moved) | set(arrived))

    def adjusted(self, host):
        """``host`` as the plan so far leaves it, for pre-flight checks."""
        if host.name not in self.by_host and not (
            host.instance_ids and self.moved & host.instance_ids
        ):
            return host
        ram, vcpus, pcpus, disk = self.free(host)
        return dataclasses.replace(
            host,
            free_ram_mb=ram,
            free_vcpus=vcpus,
            free_pcpus=pcpus,
            free_disk_gb=disk,
            instance_ids=self.members(host),
        )


def _check_together(chosen, hosts_by_name, usage):
    """Re-check the rows with a chosen destination, in submission order,
    with preflight.check_many: one call per run of consecutive rows that
    share a source and a request; between runs the hosts are passed on
    with what the earlier runs took (RAM, vCPUs, PCPUs, disk, members)."""
    runs = []
    for e in chosen:
        key = (e.src.name, _request_key(e.req))
        if runs and runs[-1][0] == key:
            runs[-1][1].append(e)
        else:
            runs.append((key, [e]))
    for _, run in runs:
        src = usage.adjusted(run[0].src)
        dests = {}
        for e in run:
            dst = hosts_by_name.get(e.dest)
            if dst is None:  # the source itself: dest-is-source
                dst = e.src
            dests[e.instance_id] = usage.adjusted(dst)
        results = pf.check_many(
            [e.inst for e in run], src, dests, run[0].req
        )
        for e in run:
            findings = results[e.instance_id]
            extra = [
                f for f in e.findings if f.code.startswith("plan-")
            ]
            e.findings = list(findings) + extra
            if pf.has_blockers(findings):
                first = next(f for f in findings if f.severity is BLOCKER)
                e.block_it(
                    "%s to %s is not possible with the rest of the plan: %s"
                    % (_WHAT[e.strategy], e.dest, first.message)
                )
            else:
                usage.add(e.dest, e.p)


# Scheduler packing -----------------------------------------------------------


_DIMENSIONS = ("RAM", "vCPUs", "PCPUs", "disk")


def _fmt_dim(i, value):
    if i == 0:
        return "%s GiB RAM" % _gib(value)
    if i == 3:
        return "%d GiB disk" % value
    return "%d %s" % (value, _DIMENSIONS[i])


def _gib(mb):
    return ("%d" % (mb // 1024)) if mb % 1024 == 0 else "%.1f" % (mb / 1024)


def _traits_fit(required, forbidden, host):
    """Placement's trait pre-filter on ``host``: True, False, or None when
    its traits are unknown."""
    if not required and not forbidden:
        return True
    if host.traits is None:
        return None
    traits = set(host.traits)
    return required <= traits and not forbidden & traits


def _restricted(e, up):
    """Whether some enabled, up host other than its source could not take
    ``e`` for its traits (unknown traits count as could not)."""
    p = e.p
    if p is None or not (p.required_traits or p.forbidden_traits):
        return False
    return any(
        _traits_fit(p.required_traits, p.forbidden_traits, h) is not True
        for h in up
        if e.src is None or h.name != e.src.name
    )


class _Unit:
    """Instances the scheduler must place together (an affinity group's
    moving members) or one instance."""

    __slots__ = ("entries", "need", "zones", "anti", "allowed", "soft",
                 "group", "required", "forbidden")

    def __init__(self, entries):
        self.entries = entries
        need = [0, 0, 0, 0]
        zones = set()
        required, forbidden = set(), set()
        for e in entries:
            p = e.p
            need[0] += p.ram
            need[1] += p.vcpu_need
            need[2] += p.pcpu_need
            need[3] += p.disk_need
            if e.inst.pinned_availability_zone:
                zones.add(e.inst.pinned_availability_zone)
            required |= p.required_traits
            forbidden |= p.forbidden_traits
        self.need = need
        self.zones = zones
        # Placement pre-filters hosts by traits before any weigher: the
        # packing must not predict a host that lacks them.
        self.required = frozenset(required)
        self.forbidden = frozenset(forbidden)
        self.anti = []  # (group, limit, hard)
        self.allowed = None  # host names, None = any
        self.soft = False  # soft-affinity unit: may be split
        self.group = None


def _groups(p):
    return p.groups or ()


def _pack(scheduled, hosts_by_name, usage, plan_findings):
    """Predict the scheduler: first-fit-decreasing over enabled, up hosts."""
    src_names = {e.src.name for e in scheduled}
    candidates = []
    for h in sorted(hosts_by_name.values(), key=lambda h: h.name):
        if h.name in src_names:
            continue
        if h.status == "enabled" and h.is_down is False:
            candidates.append(h)
        elif h.status is None or h.is_down is None:
            plan_findings.append(
                Finding(
                    NOTE,
                    "plan-host-state-unknown",
                    "Could not tell whether %s is enabled and up; its room"
                    " is not counted." % h.name,
                    "Read the compute services.",
                )
            )
    state = {}
    unknown = set()
    for h in candidates:
        free = usage.free(h)
        if any(v is None for v in free):
            unknown.add(h.name)
        state[h.name] = [free, usage.members(h), h]
    # Roomiest first: the scheduler's default RAM weigher spreads.
    order = sorted(
        candidates,
        key=lambda h: (-(state[h.name][0][0] or 0), h.name),
    )
    members_unknown = sorted(
        h.name for h in candidates if state[h.name][1] is None
    )
    if members_unknown and any(_groups(e.p) for e in scheduled):
        plan_findings.append(
            Finding(
                NOTE,
                "plan-groups-unknown",
                "Could not check server-group members on %s; the prediction"
                " assumes none are there." % short_list(members_unknown),
                "List the instances on every host.",
            )
        )

    units = _units(scheduled, state)
    units.sort(key=lambda u: min(submission_key(e) for e in u.entries))
    # Demand and free capacity summed over the candidates (None: unknown).
    demand = [0, 0, 0, 0]
    for u in units:
        for i in range(4):
            demand[i] += u.need[i]
    total_free = [0, 0, 0, 0]
    for h in candidates:
        for i, v in enumerate(state[h.name][0]):
            if total_free[i] is None or v is None:
                total_free[i] = None
            else:
                total_free[i] += max(v, 0)
    initial = {n: list(s[0]) for n, s in state.items()}
    for name in sorted(unknown):
        dims = [
            d
            for d, v, n in zip(_DIMENSIONS, state[name][0], demand)
            if v is None and n
        ]
        if not dims:
            continue
        plan_findings.append(
            Finding(
                NOTE,
                "plan-capacity-unknown",
                "Could not check the free %s of %s; the prediction assumes"
                " it has room." % (", ".join(dims), name),
                "Read Placement inventories and usages of %s." % name,
            )
        )

    placed_count = 0
    unplaced = []
    for u in units:
        host = _first_fit(u, order, state, soft_ok=False)
        if host is None and u.anti:
            host = _first_fit(u, order, state, soft_ok=True)
            if host is not None:
                for e in u.entries:
                    e.findings.append(
                        Finding(
                            WARNING,
                            "plan-anti-affinity-spread",
                            "No host without a member of %s's"
                            " soft-anti-affinity group has room; the"
                            " scheduler will likely put it next to one"
                            " (on %s)." % (e.name, host),
                            "Accept it, or free a host.",
                        )
                    )
        if host is None and u.soft and len(u.entries) > 1:
            for e in u.entries:
                e.findings.append(
                    Finding(
                        WARNING,
                        "plan-affinity-split",
                        "No single host has room for all %d moving members"
                        " of soft-affinity group %s (%s); the scheduler will"
                        " spread them." % (
                            len(u.entries), u.group, _needs_text(u.need)),
                        "Free a host, or accept the split.",
                    )
                )
            singles = [_Unit([e]) for e in u.entries]
            for s in singles:
                s.anti = [a for a in u.anti]
                h = _first_fit(s, order, state, soft_ok=True)
                if h is None:
                    unplaced.append(s)
                else:
                    _place(s, h, state, usage)
                    placed_count += 1
            continue
        if host is None:
            unplaced.append(u)
            continue
        _place(u, host, state, usage)
        placed_count += len(u.entries)

    if not unplaced:
        return
    m = sum(len(u.entries) for u in units)
    n = placed_count
    short = [
        (i, demand[i] - total_free[i])
        for i in range(4)
        if total_free[i] is not None and demand[i] > total_free[i]
    ]
    if short:
        shortage = ", ".join(_fmt_dim(i, v) for i, v in short)
        headline = (
            "The other enabled, up hosts have room for only %d of %d"
            " instances: %s short." % (n, m, shortage)
        )
    else:
        shortage = ""
        headline = (
            "The other enabled, up hosts have room for only %d of %d"
            " instances as packed; their total room would suffice, so the"
            " scheduler may still place more." % (n, m)
        )
    plan_findings.append(
        Finding(
            BLOCKER if short else WARNING,
            "plan-capacity-short",
            headline,
            "Free capacity on other hosts, enable more hosts, or exclude"
            " some instances.",
        )
    )
    for u in unplaced:
        _report_unplaced(u, order, state, initial, headline, bool(short))


def _units(scheduled, state):
    """Affinity groups' moving members as one unit, others alone."""
    by_group = {}
    units = []
    for e in scheduled:
        aff = None
        for g in _groups(e.p):
            if "affinity" in (g.policy or "").lower() and "anti" not in (
                g.policy or ""
            ).lower():
                aff = g
                break
        if aff is None:
            units.append(_Unit([e]))
        else:
            by_group.setdefault(aff.id, (aff, []))[1].append(e)
    for gid in sorted(by_group):
        g, members = by_group[gid]
        u = _Unit(members)
        u.group = g.name or g.id
        u.soft = (g.policy or "").lower().startswith("soft-")
        moving = {e.instance_id for e in members}
        outside = set(g.members) - moving
        holders = {
            name
            for name, (free, ids, h) in state.items()
            if ids is not None and outside & ids
        }
        if holders:
            u.allowed = holders
        units.append(u)
    for u in units:
        seen = set()
        for e in u.entries:
            for g in _groups(e.p):
                policy = (g.policy or "").lower()
                if "anti-affinity" not in policy or g.id in seen:
                    continue
                seen.add(g.id)
                hard = not policy.startswith("soft-")
                limit = max(1, g.max_server_per_host) if hard else 1
                u.anti.append((g, limit, hard))
    return units


def _fits(u, name, free, ids, host, soft_ok, capacity_only=False):
    for i in range(4):
        if u.need[i] and free[i] is not None and free[i] < u.need[i]:
            return False
    if capacity_only:
        return True
    if _traits_fit(u.required, u.forbidden, host) is False:
        return False  # unknown traits: assumed to fit (noted elsewhere)
    if u.allowed is not None and name not in u.allowed:
        return False
    if u.zones and host.zone is not None and u.zones != {host.zone}:
        return False
    if u.anti and ids is not None:
        for g, limit, hard in u.anti:
            if not hard and soft_ok:
                continue
            mine = sum(1 for e in u.entries if e.instance_id in g.members)
            there = sum(1 for m in g.members if m in ids)
            if there + mine > limit:
                return False
    return True


def _first_fit(u, order, state, soft_ok):
    for h in order:
        free, ids, host = state[h.name]
        if _fits(u, h.name, free, ids, host, soft_ok):
            return h.name
    return None


def _place(u, name, state, usage):
    s = state[name]
    free = s[0]
    for i in range(4):
        if free[i] is not None:
            free[i] -= u.need[i]
    new_ids = frozenset(e.instance_id for e in u.entries)
    if s[1] is not None:
        s[1] = s[1] | new_ids
    for e in u.entries:
        e.expected_host = name
        usage.add(name, e.p)


def _needs_text(need):
    return ", ".join(_fmt_dim(i, v) for i, v in enumerate(need) if v)


def _report_unplaced(u, order, state, initial, headline, certain):
    """Say why the packing left ``u`` out, BLOCKER when certain."""
    any_capacity = any(
        _fits(u, h.name, initial[h.name], None, h, True, capacity_only=True)
        for h in order
    )
    could_alone = any(
        _fits(u, h.name, initial[h.name], state[h.name][1], h, False)
        for h in order
    )
    names = ", ".join(e.name for e in u.entries)
    hard_anti = [g for g, limit, hard in u.anti if hard]
    if hard_anti and any_capacity and not could_alone:
        g = hard_anti[0]
        code = "plan-anti-affinity-spread"
        message = (
            "%s is in anti-affinity group %s (at most %d member(s) per"
            " host); no enabled, up host with room is free of its members,"
            " so the scheduler refuses." % (
                names, g.name or g.id, max(1, g.max_server_per_host))
        )
        severity = BLOCKER
    elif u.allowed is not None and not could_alone:
        code = "plan-affinity-together"
        message = (
            "%s must join the other members of affinity group %s on %s,"
            " which lacks room for %s." % (
                names, u.group, short_list(u.allowed), _needs_text(u.need))
        )
        severity = BLOCKER if not u.soft else WARNING
    elif (u.required or u.forbidden) and not could_alone:
        code = "plan-capacity-short"
        able = [
            h.name for h in order
            if _traits_fit(u.required, u.forbidden, h) is not False
        ]
        wants = []
        if u.required:
            wants.append("trait(s) %s" % short_list(u.required))
        if u.forbidden:
            wants.append("none of %s" % short_list(u.forbidden))
        wants = " and ".join(wants)
        if able:
            message = (
                "%s can only go to a host with %s: %s, which lack%s room"
                " for it (needs %s)." % (
                    names, wants, short_list(able),
                    "s" if len(able) == 1 else "", _needs_text(u.need))
            )
        else:
            message = (
                "%s needs a host with %s; no other enabled, up host has"
                " them, so Placement finds none." % (names, wants)
            )
        severity = BLOCKER
    else:
        code = "plan-capacity-short"
        if not could_alone:
            message = (
                "No enabled, up host has room for %s (needs %s). %s"
                % (names, _needs_text(u.need), headline)
            )
            severity = BLOCKER
        else:
            message = "%s needs %s. %s" % (
                names, _needs_text(u.need), headline)
            severity = BLOCKER if certain else WARNING
    for e in u.entries:
        e.findings.append(
            Finding(
                severity,
                code,
                message,
                "Free capacity on other hosts, enable more hosts, or exclude"
                " some instances.",
            )
        )
        if severity is BLOCKER:
            e.block_it("no room predicted: " + message)


# Affinity groups that cannot move one member at a time -----------------------


def _affinity_notes(entries, hosts_by_name, usage):
    """A hard-affinity group whose members are all on the source is refused
    by the scheduler one member at a time (pre-flight says so on each
    row); say which hosts could take the whole group together."""
    groups = {}
    for e in entries:
        if e.p is None or e.strategy is not Strategy.BLOCKED:
            continue
        if not any(f.code == "affinity-conflict" for f in e.findings):
            continue
        for g in _groups(e.p):
            if (g.policy or "").lower() == "affinity":
                groups.setdefault(g.id, (g, []))[1].append(e)
    for gid in sorted(groups):
        g, members = groups[gid]
        need = _Unit(members).need
        src = members[0].src.name
        room = [
            h.name
            for h in sorted(hosts_by_name.values(), key=lambda h: h.name)
            if h.name != src
            and h.status == "enabled"
            and h.is_down is False
            and all(
                v is None or v >= n for v, n in zip(usage.free(h), need)
            )
        ]
        if room:
            message = (
                "Affinity group %s (%d member(s) here, %s) can only move"
                " together: %s %s room for all of them. Nova accepts that"
                " only as forced live migrations to one host (microversion"
                " 2.30 to 2.67 with force, or below 2.30)."
                % (g.name or g.id, len(members), _needs_text(need),
                   short_list(room), "has" if len(room) == 1 else "have")
            )
            severity = NOTE
        else:
            message = (
                "Affinity group %s (%d member(s) here) needs one host with"
                " room for all of them (%s); no enabled, up host has it."
                % (g.name or g.id, len(members), _needs_text(need))
            )
            severity = WARNING
        for e in members:
            e.findings.append(
                Finding(
                    severity,
                    "plan-affinity-together",
                    message,
                    "Exclude the group and move it by hand, or delete and"
                    " recreate its members.",
                )
            )


# ---------------------------------------------------------------------------
# Benchmark
# ---------------------------------------------------------------------------


def build_benchmark_case(n_instances=200, n_hosts=50):
    """A realistic drain: ``n_instances`` of mixed kinds on one host,
    ``n_hosts`` other hosts.  Returns (source, instances, hosts)."""
    flavors = [
        pf.Flavor(vcpus=1, ram_mb=1024, disk_gb=10),
        pf.Flavor(vcpus=2, ram_mb=4096, disk_gb=20),
        pf.Flavor(vcpus=4, ram_mb=8192, disk_gb=40, ephemeral_gb=10),
        pf.Flavor(vcpus=8, ram_mb=16384, disk_gb=80,
                  extra_specs={"hw:mem_encryption": "true"}),
    ]
    anti = pf.ServerGroup(
        "g-anti", "anti-affinity",
        members=tuple("i-%03d" % i for i in range(0, n_instances, 20)),
        name="web-anti",
    )
    instances = []
    for i in range(n_instances):
        iid = "i-%03d" % i
        instances.append(
            Instance(
                id=iid,
                name="vm-%03d" % i,
                status="SHUTOFF" if i % 7 == 0 else "ACTIVE",
                host="src",
                flavor=flavors[i % len(flavors)],
                image_properties={},
                volume_backed=i % 2 == 0,
                config_drive=False,
                server_groups=[anti] if iid in anti.members else [],
                vnic_types=["normal"],
                shares=False,
            )
        )
    source = Host(
        "src",
        status="disabled",
        hypervisor_type="QEMU",
        hypervisor_version=8002000,
        instance_ids=frozenset(i.id for i in instances),
        shared_storage=False,
    )
    hosts = [
        Host(
            "cmp%02d" % j,
            hypervisor_type="QEMU",
            hypervisor_version=8002000,
            free_vcpus=64,
            free_pcpus=0,
            free_ram_mb=65536 if j % 5 else 16384,
            free_disk_gb=2000,
            instance_ids=frozenset({"other-%d" % j}),
            shared_storage=False,
            zone="nova",
        )
        for j in range(n_hosts)
    ]
    return source, instances, hosts


def benchmark(n_instances=200, n_hosts=50, repeat=5):
    """Best wall time (seconds) of :func:`plan_drain` on
    :func:`build_benchmark_case`, for the benchmark harness."""
    source, instances, hosts = build_benchmark_case(n_instances, n_hosts)
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        plan_drain(source, instances, hosts)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


if __name__ == "__main__":  # pragma: no cover
    seconds = benchmark()
    print("plan_drain, 200 instances over 50 hosts: %.1f ms"
          % (seconds * 1000))
