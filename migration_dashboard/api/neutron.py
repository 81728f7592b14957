"""Neutron calls: the vnic types of the ports of the instances to move.

SR-IOV, vDPA, macvtap and accelerator ports change what a move may do; the
pre-flight engine needs each port's ``binding:vnic_type``.  One call lists
the ports of every instance in question (``device_id`` repeated), asking for
two fields only.
"""
from urllib import parse

from keystoneauth1 import adapter

from migration_dashboard.api import base

# device_id values per request: keeps the URL well under the 8 KiB most
# front ends accept (a UUID and its "device_id=" cost ~47 bytes).  A host
# with more instances than this costs one more call per 100.
MAX_IDS_PER_CALL = 100


def _adapter(request):
    endpoint = base.endpoint(request, "network").rstrip("/")
    # Catalogs list Neutron with or without its version suffix.
    if endpoint.endswith("/v2.0"):
        endpoint = endpoint[:-len("/v2.0")]
    return adapter.Adapter(base.token_session(request, "network"),
                           endpoint_override=endpoint, raise_exc=True)


def port_vnic_types(request, instance_ids):
    """{instance id: [binding:vnic_type of each port]} for ``instance_ids``
    ([] for an instance without ports).  Raises when Neutron is absent from
    the catalog or the call fails: the caller then treats ports as unknown.
    """
    ids = sorted(set(instance_ids))
    result = {i: [] for i in ids}
    if not ids:
        return result
    api = _adapter(request)
    for start in range(0, len(ids), MAX_IDS_PER_CALL):
        chunk = ids[start:start + MAX_IDS_PER_CALL]
        query = parse.urlencode(
            [("device_id", i) for i in chunk] +
            [("fields", "device_id"), ("fields", "binding:vnic_type")])
        body = api.get("/v2.0/ports?" + query).json()
        for port in body.get("ports", []):
            device = port.get("device_id")
            if device in result:
                result[device].append(
                    port.get("binding:vnic_type") or "normal")
    return result


# Horizon's profiler trace of each call (base.trace_calls says why not as
# decorators).
base.trace_calls(globals(), "port_vnic_types")
