"""What the scheduler counts on each host, from answers about every host.

Nova's hypervisor record gives physical totals and counts the memory and
disk reserved for the host as used; the scheduler counts Placement's
figures instead: capacity = (total - reserved) x allocation ratio, used =
what instances are allocated.  Placement has no read of every provider's
inventory, so the hosts list asks ``GET /allocation_candidates`` for one
unit of each of :data:`PROBES`: each answer's provider summaries carry
capacity and usage of every class of every provider with room for that
unit (microversion 1.27), and ``GET /resource_providers`` names every
provider.  A provider in neither answer has no room for a vCPU nor for a
MiB of RAM: the scheduler can place nothing on it.

Works on the plain dicts api.placement returns and on any row with
``nodes`` (hypervisor hostnames) and ``node_ids`` (compute node ids, the
provider uuids from compute microversion 2.53); no Django, no HTTP.
"""
import dataclasses

# The classes the hosts list shows.
CLASSES = ("VCPU", "MEMORY_MB", "DISK_GB")
# A host with room for a vCPU or for a MiB of RAM is in one of the answers
# (a host full of vCPUs still has RAM, and the other way round).  Asked in
# this order, the second only when a host is missing from the first.
PROBES = ({"VCPU": 1}, {"MEMORY_MB": 1})

# The three answers about a host.
COUNTED = "counted"
NO_ROOM = "no-room"
NOT_PROVIDER = "not-provider"


@dataclasses.dataclass(frozen=True)
class SchedulerCount:
    """Placement's figures for one host; ``resources``: {resource class:
    (used, capacity)}, summed over the host's compute nodes found."""
    state: str
    resources: dict = dataclasses.field(default_factory=dict)

    def figures(self, resource_class):
        """(used, capacity) or None when the host has none of the class."""
        return self.resources.get(resource_class)


def _provider_of(node_id, node_name, providers, by_name):
    """The provider uuid of a compute node: its id when Placement knows
    it (Nova 2.53+ ids are the provider uuids), else the provider named
    after the node (older Nova sends integer ids)."""
    if node_id is not None and str(node_id) in providers:
        return str(node_id)
    return by_name.get(node_name)


def merge(answers):
    """One {provider uuid: summary} from several allocation candidate
    answers (a provider in two answers has the same figures in both)."""
    merged = {}
    for answer in answers:
        for uuid, summary in (answer or {}).items():
            merged.setdefault(uuid, summary)
    return merged


def _by_name(providers):
    return {name: uuid for uuid, name in providers.items() if name}


def count(row, providers, summaries, by_name=None):
    """The :class:`SchedulerCount` of one host.

    ``providers``: {uuid: name} of every provider; ``summaries``: the
    merged answers (:func:`merge`); ``by_name``: {name: uuid}, made from
    ``providers`` when not given.
    """
    if by_name is None:
        by_name = _by_name(providers)
    uuids = []
    for node_id, name in zip(row.node_ids or (), row.nodes or ()):
        uuid = _provider_of(node_id, name, providers, by_name)
        if uuid is not None and uuid not in uuids:
            uuids.append(uuid)
    if not uuids:
        return SchedulerCount(NOT_PROVIDER)
    found = [summaries[u] for u in uuids if u in summaries]
    if not found:
        return SchedulerCount(NO_ROOM)
    resources = {}
    for summary in found:
        for rc, res in (summary.get("resources") or {}).items():
            used, capacity = resources.get(rc, (0, 0))
            resources[rc] = (used + int(res.get("used", 0)),
                             capacity + int(res.get("capacity", 0)))
    return SchedulerCount(COUNTED, resources)


def count_hosts(rows, providers, answers):
    """{host: SchedulerCount} for ``rows``: no call, one pass over the
    answers whatever the number of hosts."""
    summaries = merge(answers)
    by_name = _by_name(providers)
    return {row.host: count(row, providers, summaries, by_name)
            for row in rows}
