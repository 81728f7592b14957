"""Strategy choice: how each instance moves (live, live block, cold), or
why it cannot, from standalone pre-flight checks of each strategy."""

from __future__ import annotations

from migration_dashboard.core import preflight as pf
from migration_dashboard.core import versions
from migration_dashboard.core.planning.model import (
    MOVING,
    PlanRow,
    Strategy,
    destination_of,
    new_request,
)
from migration_dashboard.core.preflight import (
    AUTO,
    BLOCKER,
    WARNING,
    Finding,
    Kind,
    Profile,
)
from migration_dashboard.core.preflight.profile import needs_block_migration
from migration_dashboard.core.preflight.scheduler import NO_VALID_HOST
from migration_dashboard.core.preflight.wording import local_disks
from migration_dashboard.core.states import (
    COLD_ONLY_STATUSES,
    OFF_HOST_STATUSES,
)
from migration_dashboard.core.i18n import N_, joined

# Why an instance in a status on no host has nothing to do.
_NOT_ON_A_HOST = dict(
    zip(
        OFF_HOST_STATUSES,
        (N_("deleted"), N_("deleted (soft)"),
         N_("shelved and offloaded: on no host")),
    )
)


def not_on_source(inst, source):
    """Why there is nothing to do, or "" when the instance is on source."""
    status = (inst.status or "").upper()
    if status in _NOT_ON_A_HOST:
        return _NOT_ON_A_HOST[status]
    if inst.host and inst.host != source.name:
        return N_("not on %(source)s any more (now on %(host)s)",
                  source=source.name, host=inst.host)
    if (
        not inst.host
        and source.instance_ids is not None
        and inst.id not in source.instance_ids
    ):
        return N_("not on %(source)s any more",
                  source=source.name)
    return ""


def _block_value(strategy, needs_block, mv):
    """block_migration to send: "auto" from 2.25 whenever it gives the
    planned behaviour; an explicit True/False below 2.25, and False for a
    LIVE override on an instance that needs block migration (the operator
    insists on no block copy)."""
    if strategy is Strategy.LIVE_BLOCK:
        return AUTO if mv >= versions.BLOCK_MIGRATION_AUTO else True
    if strategy is Strategy.LIVE:
        return AUTO if mv >= versions.BLOCK_MIGRATION_AUTO and not needs_block else False
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
        req = _REQUESTS[key] = new_request(kind, block, destination,
                                            options)
    return req


class Entry:
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
            dest = destination_of(override.destination)
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


def choose(e, hosts_by_name, options, mv, derived=None, candidates=None):
    """Pick the strategy of one row from standalone pre-flight checks.
    ``candidates``: {source name: preflight.Candidates}, shared by the rows
    of a plan, so that a row left to the scheduler is checked against
    every other host (None: not checked)."""
    o = e.override
    if o is not None and (o.exclude or o.strategy is Strategy.SKIPPED):
        e.finish(Strategy.SKIPPED, N_("excluded by the operator"))
        return
    if o is not None and o.strategy in (Strategy.BLOCKED, Strategy.NOTHING):
        o = None  # not a choice an operator can impose
    insisted = o is not None and o.strategy in MOVING
    e.p = p = Profile(e.inst, derived)
    e.disk_gb = p.disk_need
    dst = None
    if e.dest is not None:
        dst = _destination_host(e, hosts_by_name)
        if dst is None:
            return
    needs_block = needs_block_migration(p, e.src, dst)
    status = (e.inst.status or "").upper()
    if insisted:
        tries = [o.strategy]
    elif status in COLD_ONLY_STATUSES:
        tries = [Strategy.COLD]
    else:
        live = Strategy.LIVE_BLOCK if needs_block else Strategy.LIVE
        tries = [live, Strategy.COLD]
    hosts = None
    if dst is None and candidates is not None and e.src is not None:
        hosts = candidates.get(e.src.name)
        if hosts is None:
            hosts = candidates[e.src.name] = pf.Candidates(
                e.src, hosts_by_name.values())
    results = _try(e, dst, tries, needs_block, mv, options, hosts)
    e.req, findings = results[-1][2:]
    if pf.has_blockers(findings):
        _blocked(e, results)
    else:
        _chosen(e, results, status)
        _warn_block_storage_unknown(e, dst, options)
    if insisted:
        if e.strategy is Strategy.BLOCKED:
            e.why = N_("chosen by the operator, but %(why)s", why=e.why)
        else:
            e.why = N_("chosen by the operator: %(why)s", why=e.why)


def _destination_host(e, hosts_by_name):
    """The chosen destination's Host (the source itself included), or None
    after blocking the row when the name is not a known compute."""
    dst = hosts_by_name.get(e.dest)
    if dst is None and e.src is not None and e.dest == e.src.name:
        dst = e.src
    if dst is None:
        e.findings = [
            Finding(
                BLOCKER,
                "plan-unknown-destination",
                N_("%(dest)s is not a known compute host.",
                   dest=e.dest),
                N_("Choose another destination, or the scheduler."),
            )
        ]
        e.block_it(N_("destination %(dest)s unknown",
                      dest=e.dest))
    return dst


def _try(e, dst, tries, needs_block, mv, options, hosts=None):
    """[(strategy, block, request, findings)] of the strategies tried in
    order, up to the first without a blocker."""
    results = []
    for strategy in tries:
        block = _block_value(strategy, needs_block, mv)
        req = _request(strategy, block, e.dest, options)
        findings = pf.check(e.inst, e.src, dst, req, hosts=hosts)
        results.append((strategy, block, req, findings))
        if not pf.has_blockers(findings):
            break
    return results


def _blocked(e, results):
    """No strategy works: the first one's findings plus the other ones'
    blockers."""
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
    # The scheduler's verdict names every host: the row says it in short,
    # the finding (often said once above the plan) has the hosts.
    said = first.reason if first.code == NO_VALID_HOST else first.message
    if len(results) > 1:
        e.why = N_("neither %(what)s nor cold migration is possible: %(said)s",
                   what=WHAT[results[0][0]], said=said)
    else:
        e.why = N_("%(what)s is not possible: %(said)s",
                   what=WHAT[results[0][0]], said=said)


def _chosen(e, results, status):
    """The last strategy tried works; say why it was chosen (and why live
    migration was not, when it fell back to cold)."""
    strategy, block, _req, findings = results[-1]
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
                N_("Live migration of %(instance)s is not possible: %(blockers)s"
                   " Cold migration stops it while it moves.",
                   instance=e.p.label,
                   blockers=joined([f.message for f in live_blockers], " ")),
                live_blockers[0].remedy,
            )
        )
        e.why = N_("cannot live migrate (%(codes)s); cold migration stops it",
                   codes=", ".join(sorted({f.code for f in live_blockers})))
    else:
        e.why = _why(strategy, status, e.p, block)


def _warn_block_storage_unknown(e, dst, options):
    """Block migration True (below 2.25) where sharing is unknown: Nova
    refuses it if the storage turns out to be shared."""
    if (
        e.strategy is Strategy.LIVE_BLOCK
        and e.block is True
        and needs_block_migration(e.p, e.src, dst)
        and _storage_unknown(e.src, dst)
    ):
        e.findings.append(
            Finding(
                WARNING,
                "plan-block-storage-unknown",
                N_("It is unknown whether %(source)s and %(destination)s share"
                   " instance storage; at microversion %(microversion)s block"
                   " migration must be chosen explicitly, and Nova refuses"
                   " block migration on shared storage.",
                   source=e.src.name,
                   destination=e.dest or N_("the destination"),
                   microversion=options.microversion),
                N_("Confirm the storage is local, or use microversion 2.25 or"
                   " later (block migration 'auto')."),
            )
        )


WHAT = {
    Strategy.LIVE: N_("live migration"),
    Strategy.LIVE_BLOCK: N_("live block migration"),
    Strategy.COLD: N_("cold migration"),
}


def _storage_unknown(src, dst):
    if dst is None:
        return src.shared_storage is None
    return src.shared_storage is None or dst.shared_storage is None


def _why(strategy, status, p, block):
    if strategy is Strategy.COLD:
        if status in COLD_ONLY_STATUSES:
            return N_("shut off: cold migration (no further downtime)")
        return N_("cold migration")
    auto = N_(" (block_migration auto: Nova decides)") if block == AUTO else ""
    if strategy is Strategy.LIVE_BLOCK:
        return N_("running with %(local_disks)s not on shared storage: live"
                  " block migration%(auto)s",
                  local_disks=local_disks(p), auto=auto)
    if p.has_local_disk is False:
        reason = N_("volume-backed, no local disk")
    elif p.has_local_disk is None:
        reason = N_("local disks unknown")
    else:
        reason = N_("instance storage shared")
    return N_("running, %(reason)s: live migration%(auto)s",
              reason=reason, auto=auto)

