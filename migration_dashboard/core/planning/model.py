"""The planner's data: strategies, options and overrides, plan rows and
plans, migration records, and the submission order of the rows."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import Mapping, Optional, Union

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import BLOCKER, Kind, Request
from migration_dashboard.core.states import MIGRATION_COMPLETED
from migration_dashboard.core.i18n import N_


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
            "live": N_("Live migration"),
            "live-block": N_("Live block migration"),
            "cold": N_("Cold migration"),
            "blocked": N_("Blocked"),
            "skipped": N_("Excluded"),
            "nothing": N_("Nothing to do"),
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


def destination_of(value):
    """None for the scheduler, else a host name."""
    if value is None or value == SCHEDULER or value == "":
        return None
    return value

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
        return new_request(self.strategy.kind, self.block_migration,
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

    def rows_in(self, shown):
        """The rows in the order of ``shown`` (instance ids, as a page
        showed them before), the others after in the plan's order: a row
        whose choice changed in a dry run stays where the operator left it
        (its position number still says when it is sent)."""
        rank = {iid: i for i, iid in enumerate(dict.fromkeys(shown or ()))}
        return sorted(self.rows, key=lambda r: (
            0, rank[r.instance_id]) if r.instance_id in rank else (1, 0))


# Migration records -----------------------------------------------------------

# Statuses that mean "the instance is on the destination now".
COMPLETED_STATUSES = MIGRATION_COMPLETED
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


def new_request(kind, block, destination, options):
    """The pre-flight (and submission) request of a row."""
    return Request(
        kind,
        block_migration=block if kind is Kind.LIVE else None,
        microversion=options.microversion,
        force=bool(
            options.force and kind is Kind.LIVE and destination is not None
        ),
        compute_service_version=options.compute_service_version,
    )


def request_key(req):
    """What tells two rows' requests apart within one plan."""
    return (req.kind, req.block_migration, req.force)

