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
from migration_dashboard.core.i18n import N_, NP_


def rule_numa_live_support(c):
    """NUMA-aware live migration arrived in Train (service version 40);
    before that Nova refused it (or migrated blindly with a workaround)."""
    p = c.p
    if not p.numa or c.kind is not Kind.LIVE:
        return
    c.block_if_computes_older(
        SVC_NUMA_LIVE_MIGRATION,
        "numa-live-old-compute",
        lambda svc: N_(
            "%(instance)s uses %(numa_what)s; NUMA-aware live migration"
            " needs every nova-compute at Train (service version 40), the"
            " oldest here is %(svc)d.",
            instance=p.label, numa_what=numa_what(p), svc=svc),
        N_("Upgrade the computes, or use cold migration."),
    )


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
            N_("Could not check NUMA room on %(destination)s for"
               " %(instance)s, which uses %(numa_what)s.",
               destination=dst.name, instance=p.label, numa_what=numa_what(p)),
            N_("Check `numactl --hardware` and `virsh capabilities` on"
               " %(destination)s (section 5.4).",
               destination=dst.name),
        )
    else:
        fits, chosen, cpu_per, mem_per = numa_fit(
            p, dst.numa_cells, c.used.numa
        )
        if fits is None:
            c.add(
                NOTE,
                "numa-unknown",
                N_("Could not check NUMA room on %(destination)s: free CPUs"
                   " or memory of its NUMA nodes are unknown.",
                   destination=dst.name),
                N_("Check `numactl --hardware` on %(destination)s (section"
                   " 5.4).",
                   destination=dst.name),
            )
        elif not fits:
            if p.hugepages:
                memory = N_("%(size)s of huge pages", size=mib(mem_per))
            else:
                memory = N_("%(size)s of RAM", size=mib(mem_per))
            need = memory
            if cpu_per:
                need = N_("%(cpus)d pinned CPUs and %(memory)s",
                          cpus=cpu_per, memory=memory)
            c.add(
                BLOCKER,
                "numa-insufficient",
                N_("%(instance)s needs %(numa_nodes)d NUMA node(s) with"
                   " %(need)s each; %(destination)s has %(chosen_count)d such"
                   " node(s) of %(numa_cells_count)d.",
                   instance=p.label,
                   numa_nodes=p.numa_nodes,
                   need=need,
                   destination=dst.name,
                   chosen_count=len(chosen),
                   numa_cells_count=len(dst.numa_cells)),
                N_("Choose a host with room on enough NUMA nodes, or free it"
                   " first (section 5.4)."),
                reason=NP_("NUMA: %(chosen_count)d of %(numa_nodes)d node"
                           " with %(need)s free",
                           "NUMA: %(chosen_count)d of %(numa_nodes)d nodes"
                           " with %(need)s free",
                           p.numa_nodes,
                           chosen_count=len(chosen),
                           numa_nodes=p.numa_nodes,
                           need=need),
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
            N_("%(source)s has %(s_cells_count)d NUMA nodes but"
               " %(destination)s has %(numa_cells_count)d; the move can"
               " succeed while %(instance)s performs worse (section 5.10.3).",
               source=c.src.name,
               s_cells_count=len(s_cells),
               destination=dst.name,
               numa_cells_count=len(dst.numa_cells),
               instance=p.label),
            N_("Prefer a destination with identical hardware."),
            reason=N_("%(numa_cells_count)d NUMA nodes, the source has"
                      " %(s_cells_count)d",
                      numa_cells_count=len(dst.numa_cells),
                      s_cells_count=len(s_cells)),
        )


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
            N_("Could not check whether %(destination)s is empty;"
               " %(instance)s uses %(numa_what)s and wants an empty"
               " destination (section 5.4).",
               destination=dst.name, instance=p.label, numa_what=numa_what(p)),
            N_("Check `openstack server list --host %(destination)s"
               " --all-projects`.",
               destination=dst.name),
        )
        return
    others = [
        i for i in dst.instance_ids if i not in c.moved and i != c.inst.id
    ]
    if others:
        c.add(
            WARNING,
            "pinned-dest-not-empty",
            NP_("%(instance)s uses %(numa_what)s; %(destination)s runs"
                " %(others_count)d other instance, so its NUMA layout may not"
                " match the source's and performance may suffer.",
                "%(instance)s uses %(numa_what)s; %(destination)s runs"
                " %(others_count)d other instances, so its NUMA layout may"
                " not match the source's and performance may suffer.",
                len(others),
                instance=p.label,
                numa_what=numa_what(p),
                destination=dst.name,
                others_count=len(others)),
            N_("Empty the destination first (section 5.4). Keep"
               " %(destination)s enabled for the move itself: Nova's"
               " scheduler refuses a disabled destination unless the move is"
               " forced (microversion 2.30-2.67).",
               destination=dst.name),
            reason=NP_("runs %(others_count)d other instance; pinned guests"
                       " want an empty host",
                       "runs %(others_count)d other instances; pinned guests"
                       " want an empty host",
                       len(others), others_count=len(others)),
        )


RULES = (
    rule(rule_numa_live_support),
    rule(rule_numa_room, needs_destination=True),
    rule(
        rule_pinned_empty_destination,
        kinds=(Kind.LIVE, Kind.COLD),
        needs_destination=True,
    ),
)
