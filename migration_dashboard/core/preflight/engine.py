"""The pre-flight engine: runs the rules (see ``rules.RULES``) for one
instance (:func:`check`) or a whole plan (:func:`check_many`), worst
findings first and, within a severity, in the rules' order.

With no destination chosen and the cloud's hosts given, the destination
rules run against every candidate (see :mod:`.scheduler`)."""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence, Union

from migration_dashboard.core.preflight.context import Context, Usage
from migration_dashboard.core.preflight.model import (
    Host,
    Instance,
    Request,
    has_blockers,
)
from migration_dashboard.core.preflight.profile import Profile, numa_fit
from migration_dashboard.core.preflight.rules import RULES
from migration_dashboard.core.preflight.rules.state import (
    rule_scheduler_chooses,
)
from migration_dashboard.core.preflight.scheduler import Candidates

# The rule functions per (kind, destination mode): computed once.
_plans = {}


def _plan(kind, mode):
    """The rule functions to run for a kind and a destination mode
    ("none", "scheduled": none chosen but every candidate checked apart,
    "other", "same" as the source), computed once."""
    key = (kind, mode)
    fns = _plans.get(key)
    if fns is None:
        fns = _plans[key] = tuple(
            r.fn
            for r in RULES
            if kind in r.kinds
            and (
                not r.needs_destination
                or mode == "other"
                # Moving to the source itself: only say so.
                or (mode == "same" and r.on_source)
            )
            and not (mode == "scheduled" and r.fn is rule_scheduler_chooses)
        )
    return fns


def _run(p, source, destination, request, usage=None, moved=frozenset(),
         candidates=None):
    """(findings, the host the scheduler would most likely pick or None)."""
    c = Context(p, source, destination, request, usage, moved)
    if destination is not None:
        mode = "same" if destination.name == source.name else "other"
    else:
        mode = "none" if candidates is None else "scheduled"
    for fn in _plan(c.kind, mode):
        fn(c)
    out = c.out
    picked = None
    if mode == "scheduled":
        finding, picked = candidates.finding(p, request, usage, moved)
        out.append(finding)
    if len(out) > 1:
        out.sort(key=_severity_desc)
    return out, picked


def _severity_desc(finding):
    return -finding.severity


def _candidates(source, hosts):
    if hosts is None or isinstance(hosts, Candidates):
        return hosts
    return Candidates(source, hosts)


def check(
    instance: Instance,
    source: Host,
    destination: Optional[Host],
    request: Request,
    hosts: Union[Iterable[Host], Candidates, None] = None,
) -> list:
    """Findings for moving ``instance`` from ``source`` to ``destination``
    (None: the scheduler chooses), worst first.  ``hosts``: the cloud's
    compute hosts (or a :class:`Candidates` over them, to share its
    verdicts between calls), checked one by one when the scheduler
    chooses; None: not known, the destination is not checked."""
    return _run(Profile(instance), source, destination, request,
                candidates=_candidates(source, hosts))[0]


def check_many(
    instances: Sequence[Instance],
    source: Host,
    destinations: Union[Host, None, Mapping[str, Optional[Host]]],
    request: Request,
    hosts: Union[Iterable[Host], Candidates, None] = None,
) -> dict:
    """Check a plan that moves several instances off ``source``.

    ``destinations`` is one host (or None) for all, or a mapping from
    instance id to host (or None = scheduler).  Instances are taken in
    order; each one that has no blocker is assumed to move, so the next
    ones see the RAM, vCPUs, PCPUs, disk and NUMA room it takes on its
    destination, and server-group rules see it there (and no longer on
    the source).  With ``hosts`` (see :func:`check`), an instance the
    scheduler places is assumed on the host it would most likely pick, so
    the next ones see that room taken too.  Returns {instance id:
    findings}, in input order.
    """
    usage = {}
    moved = set()
    results = {}
    derived = {}
    per_instance = isinstance(destinations, Mapping)
    candidates = _candidates(source, hosts)
    for inst in instances:
        dst = destinations.get(inst.id) if per_instance else destinations
        p = Profile(inst, derived)
        findings, picked = _run(p, source, dst, request, usage, moved,
                                candidates)
        results[inst.id] = findings
        dst = dst or picked
        if dst is None or has_blockers(findings):
            continue
        _take(usage, dst, p)
        moved.add(inst.id)
    return results


def _take(usage, dst, p):
    """Record on ``dst`` what moving profile ``p`` there takes: RAM, vCPUs,
    PCPUs, disk, room on the NUMA nodes it would use, its arrival."""
    u = usage.get(dst.name)
    if u is None:
        u = usage[dst.name] = Usage()
    u.ram += p.ram
    u.vcpus += p.vcpu_need
    u.pcpus += p.pcpu_need
    u.disk += p.disk_need
    if p.numa and dst.numa_cells:
        fits, chosen, cpu_per, mem_per = numa_fit(p, dst.numa_cells, u.numa)
        if fits:
            for cell_id in chosen:
                cu = u.numa.setdefault(cell_id, [0, 0])
                cu[0] += cpu_per
                cu[1] += mem_per
    u.arrived.add(p.inst.id)
