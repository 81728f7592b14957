"""Together capacity: what the plan puts on (and takes off) each host, and
the re-check of the rows with a chosen destination in submission order."""

from __future__ import annotations

import dataclasses

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.planning.model import request_key
from migration_dashboard.core.planning.strategy import WHAT
from migration_dashboard.core.preflight import BLOCKER
from migration_dashboard.core.i18n import N_


class Usage:
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


def check_together(chosen, hosts_by_name, usage):
    """Re-check the rows with a chosen destination, in submission order,
    with preflight.check_many: one call per run of consecutive rows that
    share a source and a request; between runs the hosts are passed on
    with what the earlier runs took (RAM, vCPUs, PCPUs, disk, members)."""
    runs = []
    for e in chosen:
        key = (e.src.name, request_key(e.req))
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
                    N_("%(what)s to %(dest)s is not possible with the rest of"
                       " the plan: %(message)s",
                       what=WHAT[e.strategy],
                       dest=e.dest,
                       message=first.message)
                )
            else:
                usage.add(e.dest, e.p)

