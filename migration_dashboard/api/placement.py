"""Placement calls for one resource provider (host detail page only).

The hosts overview never calls Placement: capacity for every host comes from
one /os-hypervisors/detail call.  The detail page reads the provider's
inventories (with allocation ratios and reserved amounts) and usages.
"""
from keystoneauth1 import adapter
from openstack_dashboard.contrib.developer.profiler import api as profiler

from migration_dashboard.api import base

# 1.14 is enough for inventories/usages and is what Horizon itself asks for.
PLACEMENT_VERSION = "placement 1.14"


def _adapter(request):
    return adapter.Adapter(base.token_session(request, "placement"),
                           endpoint_override=base.endpoint(request,
                                                           "placement"),
                           raise_exc=True)


def _get(api, path):
    return api.get(path, headers={"OpenStack-API-Version":
                                  PLACEMENT_VERSION}).json()


@profiler.trace
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
