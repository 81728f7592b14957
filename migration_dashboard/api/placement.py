"""Placement calls.

The host detail page reads one provider's inventories (with allocation
ratios and reserved amounts) and usages.  Pages about many hosts never read
per provider: Placement has no read of every inventory, so they ask
``GET /allocation_candidates`` (whose provider summaries carry capacity and
usage of every provider that fits the request) and ``GET
/resource_providers`` (every provider's uuid and name), a fixed number of
calls whatever the number of hosts.
"""
from keystoneauth1 import adapter

from migration_dashboard.api import base
from migration_dashboard.api import microversions as mv


def _adapter(request):
    return adapter.Adapter(base.token_session(request, "placement"),
                           endpoint_override=base.endpoint(request,
                                                           "placement"),
                           raise_exc=True)


def _get(api, path, version=mv.PLACEMENT_PROVIDER):
    return api.get(path, headers={"OpenStack-API-Version":
                                  "placement %s" % version}).json()


def provider_capacity(request, provider_uuid):
    """{resource class: {total, reserved, allocation_ratio, used,
    capacity, free}} for one resource provider (two calls)."""
    api = _adapter(request)
    inventories = _get(api, "/resource_providers/%s/inventories"
                       % provider_uuid).get("inventories", {})
    usages = _get(api, "/resource_providers/%s/usages"
                  % provider_uuid).get("usages", {})
    result = {}
    for rc, inv in inventories.items():
        total = inv.get("total", 0)
        reserved = inv.get("reserved", 0)
        ratio = inv.get("allocation_ratio", 1.0)
        capacity = int((total - reserved) * ratio)
        used = usages.get(rc, 0)
        result[rc] = {
            "total": total,
            "reserved": reserved,
            "allocation_ratio": ratio,
            "capacity": capacity,
            "used": used,
            "free": capacity - used,
        }
    return result


# ------------------------------------------ capacity of every host at once

def allocation_candidates(request, resources,
                          version=mv.PLACEMENT_ALLOCATION_CANDIDATES):
    """What Placement says about every provider that can take ``resources``
    ({resource class: amount}), in ONE call whatever the number of hosts.

    Returns {provider uuid: {"resources": {rc: {"capacity", "used",
    "free"}}, "traits": frozenset or None}}.  Capacity honours allocation
    ratios and reserved amounts ((total - reserved) * ratio).  A provider
    absent from the answer cannot take ``resources``.  Below microversion
    1.27 (``version``) a summary holds only the classes asked for; from
    1.27 every class of the provider.
    """
    api = _adapter(request)
    query = ",".join("%s:%d" % (rc, int(amount))
                     for rc, amount in sorted(resources.items())
                     if amount and int(amount) > 0)
    body = _get(api, "/allocation_candidates?resources=%s" % query, version)
    result = {}
    for uuid, summary in (body.get("provider_summaries") or {}).items():
        resources_out = {}
        for rc, res in (summary.get("resources") or {}).items():
            capacity = int(res.get("capacity", 0))
            used = int(res.get("used", 0))
            resources_out[rc] = {"capacity": capacity, "used": used,
                                 "free": capacity - used}
        traits = summary.get("traits")
        result[uuid] = {
            "resources": resources_out,
            "traits": frozenset(traits) if traits is not None else None,
        }
    return result


def provider_names(request):
    """{provider uuid: name} of every resource provider, in one call
    (Placement does not page this list).  A compute node's provider is
    named after the node (its hypervisor_hostname)."""
    body = _get(_adapter(request), "/resource_providers")
    return {p["uuid"]: p.get("name")
            for p in body.get("resource_providers") or ()}


# Horizon's profiler trace of each call (base.trace_calls says why not as
# decorators).
base.trace_calls(globals(), "provider_capacity", "allocation_candidates",
                 "provider_names")
