"""The pre-flight engine: runs the rules (see ``rules.RULES``) for one
instance (:func:`check`) or a whole plan (:func:`check_many`), worst
findings first and, within a severity, in the rules' order."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence, Union

from migration_dashboard.core.preflight.context import Context, Usage
from migration_dashboard.core.preflight.model import (
    Host,
    Instance,
    Request,
    has_blockers,
)
from migration_dashboard.core.preflight.profile import Profile, numa_fit
from migration_dashboard.core.preflight.rules import RULES

# The rule functions per (kind, destination mode): computed once.
_plans = {}


def _plan(kind, mode):
    """The rule functions to run for a kind and a destination mode
    ("none", "other", "same" as the source), computed once."""
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
        )
    return fns


def _run(p, source, destination, request, usage=None, moved=frozenset()):
    c = Context(p, source, destination, request, usage, moved)
    mode = (
        "none"
        if destination is None
        else "same" if destination.name == source.name else "other"
    )
    for fn in _plan(c.kind, mode):
        fn(c)
    out = c.out
    if len(out) > 1:
        out.sort(key=_severity_desc)
    return out


def _severity_desc(finding):
    return -finding.severity


def check(
    instance: Instance,
    source: Host,
    destination: Optional[Host],
    request: Request,
) -> list:
    """Findings for moving ``instance`` from ``source`` to ``destination``
    (None: the scheduler chooses), worst first."""
    return _run(Profile(instance), source, destination, request)


def check_many(
    instances: Sequence[Instance],
    source: Host,
    destinations: Union[Host, None, Mapping[str, Optional[Host]]],
    request: Request,
) -> dict:
    """Check a plan that moves several instances off ``source``.

    ``destinations`` is one host (or None) for all, or a mapping from
    instance id to host (or None = scheduler).  Instances are taken in
    order; each one that has no blocker is assumed to move, so the next
    ones see the RAM, vCPUs, PCPUs, disk and NUMA room it takes on its
    destination, and server-group rules see it there (and no longer on
    the source).  Returns {instance id: findings}, in input order.
    """
    usage = {}
    moved = set()
    results = {}
    derived = {}
    per_instance = isinstance(destinations, Mapping)
    for inst in instances:
        dst = destinations.get(inst.id) if per_instance else destinations
        p = Profile(inst, derived)
        findings = _run(p, source, dst, request, usage, moved)
        results[inst.id] = findings
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
