"""NUMA topology, CPU pinning and huge pages."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    Kind,
    NOTE,
    SVC_NUMA_LIVE_MIGRATION,
    WARNING,
)
from migration_dashboard.core.preflight.profile import numa_fit
from migration_dashboard.core.preflight.wording import mib, numa_what


@rule()
def rule_numa_live_support(c):
    """NUMA-aware live migration arrived in Train (service version 40);
    before that Nova refused it (or migrated blindly with a workaround)."""
    p = c.p
    if not p.numa or c.kind is not Kind.LIVE:
        return
    svc = c.computes_older_than(SVC_NUMA_LIVE_MIGRATION)
    if svc is not None:
        c.add(
            BLOCKER,
            "numa-live-old-compute",
            "%s uses %s; NUMA-aware live migration needs every nova-compute at"
            " Train (service version 40), the oldest here is %d."
            % (p.label, numa_what(p), svc),
            "Upgrade the computes, or use cold migration.",
        )


@rule(needs_destination=True)
def rule_numa_room(c):
    """The destination needs free room on enough NUMA nodes (scheduler
    NUMATopologyFilter; the compute claim for forced moves)."""
    p, dst = c.p, c.dst
    if not p.numa:
        return
    if dst.numa_cells is None:
        c.add(
            NOTE,
            "numa-unknown",
            "Could not check NUMA room on %s for %s, which uses %s."
            % (dst.name, p.label, numa_what(p)),
            "Check `numactl --hardware` and `virsh capabilities` on %s"
            " (section 5.4)."
            % dst.name,
        )
    else:
        fits, chosen, cpu_per, mem_per = numa_fit(
            p, dst.numa_cells, c.used.numa
        )
        if fits is None:
            c.add(
                NOTE,
                "numa-unknown",
                "Could not check NUMA room on %s: free CPUs or memory of its"
                " NUMA nodes are unknown."
                % dst.name,
                "Check `numactl --hardware` on %s (section 5.4)." % dst.name,
            )
        elif not fits:
            need = "%s%s%s" % (
                "%d pinned CPUs and " % cpu_per if cpu_per else "",
                mib(mem_per),
                " of huge pages" if p.hugepages else " of RAM",
            )
            c.add(
                BLOCKER,
                "numa-insufficient",
                "%s needs %d NUMA node(s) with %s each; %s has %d such node(s)"
                " of %d."
                % (
                    p.label,
                    p.numa_nodes,
                    need,
                    dst.name,
                    len(chosen),
                    len(dst.numa_cells),
                ),
                "Choose a host with room on enough NUMA nodes, or free it"
                " first (section 5.4).",
                reason="NUMA: %d of %d node(s) with %s free" % (
                    len(chosen), p.numa_nodes, need),
            )
    s_cells = c.src.numa_cells
    if (
        s_cells is not None
        and dst.numa_cells is not None
        and len(s_cells) != len(dst.numa_cells)
    ):
        c.add(
            WARNING,
            "numa-layout-differs",
            "%s has %d NUMA nodes but %s has %d; the move can succeed while %s"
            " performs worse (section 5.10.3)."
            % (
                c.src.name,
                len(s_cells),
                dst.name,
                len(dst.numa_cells),
                p.label,
            ),
            "Prefer a destination with identical hardware.",
            reason="%d NUMA nodes, the source has %d" % (
                len(dst.numa_cells), len(s_cells)),
        )


@rule(kinds=(Kind.LIVE, Kind.COLD), needs_destination=True)
def rule_pinned_empty_destination(c):
    """Pinned, huge-page and DPDK instances want an empty
    destination with identical hardware, so the source NUMA placement is
    preserved (instances moved there by this plan are fine)."""
    p, dst = c.p, c.dst
    if not (p.pinned or p.hugepages):
        return
    if dst.instance_ids is None:
        c.add(
            NOTE,
            "pinned-dest-unknown",
            "Could not check whether %s is empty; %s uses %s and wants an"
            " empty destination (section 5.4)."
            % (dst.name, p.label, numa_what(p)),
            "Check `openstack server list --host %s --all-projects`."
            % dst.name,
        )
        return
    others = [
        i for i in dst.instance_ids if i not in c.moved and i != c.inst.id
    ]
    if others:
        c.add(
            WARNING,
            "pinned-dest-not-empty",
            "%s uses %s; %s runs %d other instance(s), so its NUMA layout may"
            " not match the source's and performance may suffer."
            % (p.label, numa_what(p), dst.name, len(others)),
            "Empty the destination first (section 5.4). Keep %s enabled for"
            " the move itself: Nova's scheduler refuses a disabled destination"
            " unless the move is forced (microversion 2.30-2.67)."
            % dst.name,
            reason="runs %d other instance(s); pinned guests want an empty"
            " host" % len(others),
        )


RULES = (
    rule_numa_live_support,
    rule_numa_room,
    rule_pinned_empty_destination,
)
