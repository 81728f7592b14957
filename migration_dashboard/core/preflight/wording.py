"""How findings word numbers and facts: memory sizes, hypervisor versions,
lists of names, kinds of move, an instance's local disks and NUMA needs.
One wording each, shared by the rules and the planner."""

from __future__ import annotations

import functools

from migration_dashboard.core.i18n import N_, NP_, joined
from migration_dashboard.core.states import Kind


def mib(mb):
    """2048 -> "2048 MiB (2 GiB)"."""
    return _mib(int(mb))


# A few flavor sizes recur on every row of a page: their (immutable)
# wording is made once each.
@functools.lru_cache(maxsize=256)
def _mib(mb):
    gib = mb / 1024
    return N_("%(mb)d MiB (%(gib)s GiB)",
              mb=mb, gib=("%d" % gib) if mb % 1024 == 0 else "%.1f" % gib)


def hv_version(v):
    """8002000 -> "8.2.0" (major*1e6 + minor*1e3 + micro)."""
    if v is None:
        return N_("unknown")
    v = int(v)
    return "%d.%d.%d" % (v // 1000000, v // 1000 % 1000, v % 1000)


def short_list(items, limit=8):
    """Sorted, comma-separated, the first ``limit`` then "and N more"."""
    return first_names(sorted(items), limit)


def first_names(items, limit=8):
    """In the given order, comma-separated, the first ``limit`` then "and N
    more"."""
    items = list(items)
    text = joined(items[:limit], N_(", "))
    if len(items) > limit:
        return NP_("%(names)s and %(count)d more",
                   "%(names)s and %(count)d more",
                   len(items) - limit, names=text)
    return text


def either(items):
    """"ACTIVE or SHUTOFF": each item an alternative."""
    return joined(items, N_(" or "))


def both(items):
    """"COMPUTE_X and COMPUTE_Y": every item needed."""
    return joined(items, N_(" and "))


KIND_TEXT = {
    Kind.LIVE: N_("live migration"),
    Kind.COLD: N_("cold migration"),
    Kind.EVACUATE: N_("evacuation"),
}


def local_disks(p):
    """What live block migration copies for profile ``p``."""
    if p.local_disk_gb:
        return _local_disk(p.local_disk_gb)
    return N_("a local config drive")


@functools.lru_cache(maxsize=256)
def _local_disk(gb):
    return N_("%(gb)d GiB of local disk", gb=gb)


def numa_what(p):
    """What gives profile ``p`` a NUMA topology, e.g. "CPU pinning
    (dedicated), 2 NUMA nodes"."""
    bits = []
    if p.cpu_policy in ("dedicated", "mixed"):
        bits.append(N_("CPU pinning (%(cpu_policy)s)",
                       cpu_policy=p.cpu_policy))
    if p.hugepages:
        bits.append(N_("huge pages (%(page_size)s)",
                       page_size=p.page_size))
    if p.numa_nodes > 1:
        bits.append(N_("%(numa_nodes)d NUMA nodes",
                       numa_nodes=p.numa_nodes))
    if not bits:
        bits.append(N_("a NUMA topology"))
    return joined(bits, N_(", "))

