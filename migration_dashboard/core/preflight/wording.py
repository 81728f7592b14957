"""How findings word numbers and facts: memory sizes, hypervisor versions,
lists of names, kinds of move, an instance's local disks and NUMA needs.
One wording each, shared by the rules and the planner."""

from __future__ import annotations

from migration_dashboard.core.states import Kind

def mib(mb):
    """2048 -> "2048 MiB (2 GiB)"."""
    mb = int(mb)
    gib = mb / 1024
    return "%d MiB (%s GiB)" % (
        mb,
        ("%d" % gib) if mb % 1024 == 0 else "%.1f" % gib,
    )


def hv_version(v):
    """8002000 -> "8.2.0" (major*1e6 + minor*1e3 + micro)."""
    if v is None:
        return "unknown"
    v = int(v)
    return "%d.%d.%d" % (v // 1000000, v // 1000 % 1000, v % 1000)


def short_list(items, limit=8):
    """Sorted, comma-separated, the first ``limit`` then "and N more"."""
    return first_names(sorted(items), limit)


def first_names(items, limit=8):
    """In the given order, comma-separated, the first ``limit`` then "and N
    more"."""
    items = list(items)
    text = ", ".join(items[:limit])
    if len(items) > limit:
        text += " and %d more" % (len(items) - limit)
    return text


KIND_TEXT = {
    Kind.LIVE: "live migration",
    Kind.COLD: "cold migration",
    Kind.EVACUATE: "evacuation",
}


def local_disks(p):
    """What live block migration copies for profile ``p``."""
    if p.local_disk_gb:
        return "%d GiB of local disk" % p.local_disk_gb
    return "a local config drive"


def numa_what(p):
    """What gives profile ``p`` a NUMA topology, e.g. "CPU pinning
    (dedicated), 2 NUMA nodes"."""
    bits = []
    if p.cpu_policy in ("dedicated", "mixed"):
        bits.append("CPU pinning (%s)" % p.cpu_policy)
    if p.hugepages:
        bits.append("huge pages (%s)" % p.page_size)
    if p.numa_nodes > 1:
        bits.append("%d NUMA nodes" % p.numa_nodes)
    if not bits:
        bits.append("a NUMA topology")
    return ", ".join(bits)

