"""Host maintenance state, derived from what Nova holds.

The plugin keeps no state of its own: a host is "in maintenance" when its
nova-compute service is disabled, and a destination prepared for pinned/NUMA/
DPDK instances (the guide's "Additional preparation for DPDK instances")
is recognised by the disabled reason this
module writes.  Works on any objects with the attributes of
``migration_dashboard.api.nova`` wrappers; no Django, no HTTP.
"""
import dataclasses
import re

# Migration statuses by kind: defined in core.states, importable here for
# the callers that read them with the rest of the maintenance state.
from migration_dashboard.core.states import (  # noqa: F401
    COLD_IN_PROGRESS,
    EVACUATION_IN_PROGRESS,
    IN_PROGRESS,
    LIVE_IN_PROGRESS,
)

MAX_REASON_LENGTH = 255

_DESTINATION_PREFIX = "Destination for pinned/NUMA/DPDK instances from "
# The whole reason as destination_reason() writes it, nothing around it:
# an operator's free text that quotes it prepares nothing.
_DESTINATION_RE = re.compile(re.escape(_DESTINATION_PREFIX) +
                             r"(\S+?)(?:: .*)?", re.S)


def is_in_progress(migration):
    status = (migration.status or "").lower()
    # An evacuation record stays "done" until the source compute restarts;
    # count it, since force-up is refused until then.
    return status in IN_PROGRESS


def destination_reason(source_host, note=""):
    """The disabled reason that marks a host prepared as a destination."""
    reason = _DESTINATION_PREFIX + source_host
    if note:
        reason += ": " + note
    return reason[:MAX_REASON_LENGTH]


def prepared_for(disabled_reason):
    """The source host a destination was prepared for, or None."""
    match = _DESTINATION_RE.fullmatch(disabled_reason or "")
    return match.group(1) if match else None


@dataclasses.dataclass
class HostSummary:
    """One compute host: its service joined with its compute node(s)."""
    host: str
    service_id: object = None
    zone: str = ""
    status: str = ""
    state: str = ""
    forced_down: bool = False
    disabled_reason: str = ""
    updated_at: str = None
    hypervisor_type: str = None
    hypervisor_version: int = None
    nodes: list = dataclasses.field(default_factory=list)
    # Compute node ids; at microversion 2.53+ they are UUIDs, the same as
    # the node's resource provider in Placement.
    node_ids: list = dataclasses.field(default_factory=list)
    vcpus: int = None
    vcpus_used: int = None
    memory_mb: int = None
    memory_mb_used: int = None
    local_gb: int = None
    local_gb_used: int = None
    instances: int = None
    cpu_info: dict = dataclasses.field(default_factory=dict)
    migrations_from: int = 0
    migrations_to: int = 0
    # When the drain began whose moved instances can come back (the
    # hosts overview sets it; None: nothing to move back).
    move_back_since: object = None
    # What the scheduler counts (core.scheduler_counts.SchedulerCount),
    # set by the hosts overview; None: Placement was not read.
    scheduler: object = None

    @property
    def id(self):
        return self.host

    @property
    def in_maintenance(self):
        return self.status == "disabled"

    @property
    def is_down(self):
        return self.state == "down" or self.forced_down

    @property
    def prepared_for(self):
        return prepared_for(self.disabled_reason)

    @property
    def migrations_in_progress(self):
        return self.migrations_from + self.migrations_to

    @property
    def free_vcpus(self):
        return _free(self.vcpus, self.vcpus_used)

    @property
    def free_memory_mb(self):
        return _free(self.memory_mb, self.memory_mb_used)

    @property
    def free_disk_gb(self):
        return _free(self.local_gb, self.local_gb_used)


def _free(total, used):
    if total is None or used is None:
        return None
    return total - used


def _add(a, b):
    if b is None:
        return a
    return (a or 0) + b


def summarize(services, hypervisors, migrations=()):
    """Join services, hypervisors and migrations into one row per host.

    Every input is a whole list fetched once; the join is a dict lookup, so
    the cost does not depend on the number of hosts beyond the lists
    themselves.  Hosts are sorted by name.
    """
    rows = {}
    for service in services:
        rows[service.host] = HostSummary(
            host=service.host,
            service_id=service.id,
            zone=service.zone or "",
            status=service.status or "",
            state=service.state or "",
            forced_down=bool(service.forced_down),
            disabled_reason=service.disabled_reason or "",
            updated_at=service.updated_at,
        )
    for hyp in hypervisors:
        row = rows.get(hyp.host)
        if row is None:
            # A compute node whose service was deleted: nothing to maintain.
            continue
        row.nodes.append(hyp.hostname)
        row.node_ids.append(hyp.id)
        row.hypervisor_type = hyp.hypervisor_type
        row.hypervisor_version = hyp.hypervisor_version
        row.vcpus = _add(row.vcpus, hyp.vcpus)
        row.vcpus_used = _add(row.vcpus_used, hyp.vcpus_used)
        row.memory_mb = _add(row.memory_mb, hyp.memory_mb)
        row.memory_mb_used = _add(row.memory_mb_used, hyp.memory_mb_used)
        row.local_gb = _add(row.local_gb, hyp.local_gb)
        row.local_gb_used = _add(row.local_gb_used, hyp.local_gb_used)
        row.instances = _add(row.instances, hyp.running_vms)
        if hyp.cpu_info and not row.cpu_info:
            row.cpu_info = hyp.cpu_info
    for migration in migrations:
        if not is_in_progress(migration):
            continue
        source = rows.get(migration.source_compute)
        if source is not None:
            source.migrations_from += 1
        dest = rows.get(migration.dest_compute)
        if dest is not None and dest is not source:
            dest.migrations_to += 1
    return sorted(rows.values(), key=lambda r: r.host)


def cpu_summary(cpu_info):
    """(arch, vendor, model, features, numa_cells) from a cpu_info dict."""
    cpu_info = cpu_info or {}
    topology = cpu_info.get("topology") or {}
    features = cpu_info.get("features") or []
    return {
        "arch": cpu_info.get("arch"),
        "vendor": cpu_info.get("vendor"),
        "model": cpu_info.get("model"),
        "features": sorted(features),
        "sockets": topology.get("sockets"),
        "cores": topology.get("cores"),
        "threads": topology.get("threads"),
        # libvirt reports the NUMA cell count as topology "cells" only on
        # some releases; None means "not known" and is shown as such.
        "numa_cells": topology.get("cells"),
    }


def maintenance_hosts_to_enable(source, summaries):
    """What "complete maintenance" re-enables: the source host and every
    destination that was disabled as prepared for it, so that completing
    the migration leaves no host of this maintenance disabled."""
    result = []
    for row in summaries:
        if row.status != "disabled":
            continue
        if row.host == source or row.prepared_for == source:
            result.append(row)
    return result


@dataclasses.dataclass(frozen=True)
class HostCounts:
    """Counts over every host, for the overview's one-line summary (the
    table shows one page of hosts; these say what the other pages hold)."""
    total: int = 0
    enabled: int = 0
    disabled: int = 0
    up: int = 0
    down: int = 0
    forced_down: int = 0
    migrating: int = 0  # hosts with a migration in progress, in or out


def count_hosts(summaries):
    """:class:`HostCounts` of ``summaries`` (HostSummary rows)."""
    counts = dict.fromkeys(
        ("total", "enabled", "disabled", "up", "down", "forced_down",
         "migrating"), 0)
    for row in summaries:
        counts["total"] += 1
        if row.status == "enabled":
            counts["enabled"] += 1
        elif row.status == "disabled":
            counts["disabled"] += 1
        # A forced-down host counts as down whatever its last report says,
        # as the table marks it.
        if row.is_down:
            counts["down"] += 1
        elif row.state == "up":
            counts["up"] += 1
        if row.forced_down:
            counts["forced_down"] += 1
        if row.migrations_in_progress:
            counts["migrating"] += 1
    return HostCounts(**counts)
