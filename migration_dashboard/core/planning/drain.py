"""Planning a drain: :func:`plan_drain`, and :func:`build_plan`, which
turns planned rows into a :class:`Plan` for a drain and a move back."""

from __future__ import annotations

import dataclasses
from typing import Iterable, Optional

from migration_dashboard.core import preflight as pf
from migration_dashboard.core import versions
from migration_dashboard.core.planning.capacity import Usage, check_together
from migration_dashboard.core.planning.model import (
    MOVING,
    Plan,
    PlanOptions,
    Strategy,
    destination_of,
    submission_key,
)
from migration_dashboard.core.planning.packing import (
    affinity_notes,
    pack,
    restricted,
)
from migration_dashboard.core.planning.strategy import (
    Entry,
    choose,
    not_on_source,
)
from migration_dashboard.core.preflight import NOTE, Finding, Host, Instance
from migration_dashboard.core.i18n import N_


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
    options = options_from(options, kw)
    hosts_by_name = hosts_by_name_of(hosts, source)
    default = destination_of(options.default_destination)
    entries = []
    seen = set()
    for inst in instances:
        if inst.id in seen:
            continue
        seen.add(inst.id)
        e = Entry(inst, source, options.overrides.get(inst.id), default)
        gone = not_on_source(inst, source)
        if gone:
            e.finish(Strategy.NOTHING, gone)
            if inst.host and inst.host != source.name:
                e.findings = [
                    Finding(
                        NOTE,
                        "plan-not-on-source",
                        N_("%(instance)s is on %(host)s now, not on"
                           " %(source)s.",
                           instance=inst.label,
                           host=inst.host,
                           source=source.name),
                        N_("Reload the plan."),
                    )
                ]
        entries.append(e)
    return build_plan("drain", source.name, entries, hosts_by_name, options)


# Rows that do not move, after the moving ones: blocked, excluded, nothing.
_ROW_GROUP = {
    Strategy.LIVE: 0,
    Strategy.LIVE_BLOCK: 0,
    Strategy.COLD: 0,
    Strategy.BLOCKED: 1,
    Strategy.SKIPPED: 2,
    Strategy.NOTHING: 3,
}


def options_from(options, kw):
    """``options`` with the keyword overrides a caller passed."""
    if options is None:
        return PlanOptions(**kw)
    if kw:
        return dataclasses.replace(options, **kw)
    return options


def hosts_by_name_of(hosts, source):
    """{name: host}, the first of each name, without ``source``."""
    out = {}
    for h in hosts:
        if source is not None and h.name == source.name:
            continue
        out.setdefault(h.name, h)
    return out


def build_plan(direction, host_name, entries, hosts_by_name, options):
    """The plan of ``entries``: choose each row's strategy, check the rows
    with a chosen destination together, predict the scheduler for the
    others, then order and count the rows."""
    mv = versions.parse(options.microversion)
    plan_findings = []
    # Flavor facts derived once per distinct flavor, not once per instance.
    derived = {}
    candidates = {}
    for e in entries:
        if e.strategy is None:
            choose(e, hosts_by_name, options, mv, derived, candidates)
    moving = [e for e in entries if e.strategy in MOVING]
    up = [
        h for h in hosts_by_name.values()
        if h.status == "enabled" and h.is_down is False
    ]
    for e in moving:
        e.restricted = restricted(e, up)
    moving.sort(key=submission_key)
    chosen = [e for e in moving if e.dest is not None]
    usage = Usage()
    if chosen:
        check_together(chosen, hosts_by_name, usage)
    scheduled = [e for e in moving if e.dest is None and e.strategy in MOVING]
    if scheduled:
        pack(scheduled, hosts_by_name, usage, plan_findings)
    affinity_notes(entries, hosts_by_name, usage)

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

