"""The Nova and Placement microversions the plugin asks for, in one place.

Each constant names the newest microversion a group of calls needs; when the
cloud is older, :func:`negotiate` lowers the request to what the cloud serves
and the caller falls back to the older shape of the API (see api/nova.py).
python-novaclient 18.x speaks up to 2.96, so nothing here goes above it.
"""
import threading
import time

from novaclient import api_versions

# One rule for "ours, or the cloud's maximum if lower", shared with core/.
from migration_dashboard.core.versions import capped  # noqa: F401

# Client ceiling: python-novaclient 18.x knows no microversion above this.
CLIENT_MAX = "2.96"
# The compute API without microversions: what any cloud serves.
BASE = "2.1"

# GET /os-services: 2.11 adds forced_down, 2.53 adds UUID ids and the
# PUT /os-services/{uuid} update.
SERVICES = "2.53"
SERVICES_FORCED_DOWN = "2.11"

# GET /os-hypervisors/detail: 2.87 is the last one that still carries
# vcpus/memory_mb/local_gb, their used values and cpu_info (2.88 drops them),
# so one call gives the capacity of every host.
HYPERVISORS = "2.87"
# ?with_servers=true adds each node's instances (uuid, name) to the same
# list (2.53; from 2.75 an empty list rather than no key).
HYPERVISORS_WITH_SERVERS = "2.53"

# GET /servers/detail: 2.47 embeds the flavor with its extra specs, 2.16 adds
# host_status; 2.96 adds pinned_availability_zone.
SERVERS = "2.96"

# Past novaclient's ceiling, asked through the same Keystone session with
# the microversion header (api.nova.served), never above the cloud's own
# maximum:
# GET /servers/detail at 2.98 embeds each server's image properties (those
# Nova recorded at boot; a volume-backed server shows no image at all).
SERVERS_IMAGE_PROPERTIES = "2.98"
# GET /servers/{id}/shares (2.97): Manila shares attached to a server.
SERVER_SHARES = "2.97"

# GET /os-migrations: 2.59 paging and uuid, 2.66 changes-before,
# 2.80 user_id/project_id.
MIGRATIONS = "2.80"

_CACHE_SECONDS = 600
_server_max = {}
_lock = threading.Lock()


def _parse(version):
    return api_versions.APIVersion(version)


def server_max_version(client):
    """The newest microversion the compute endpoint serves.

    Asked once per endpoint and remembered for ten minutes so that a page
    does not pay a version-discovery call on every load.
    """
    endpoint = getattr(client.client, "endpoint_override", None) or "default"
    now = time.monotonic()
    with _lock:
        cached = _server_max.get(endpoint)
        if cached and now - cached[1] < _CACHE_SECONDS:
            return cached[0]
    _min, max_version = api_versions._get_server_version_range(client)
    if max_version.is_null():
        # Legacy v2.0 endpoint without microversions.
        max_version = _parse("2.0")
    with _lock:
        _server_max[endpoint] = (max_version, now)
    return max_version


def negotiate(client, wanted):
    """The microversion to use: ``wanted`` or the cloud's maximum if lower."""
    ceiling = min(server_max_version(client), _parse(CLIENT_MAX))
    return _parse(capped(wanted, ceiling.get_string()))


def served(client, wanted):
    """``wanted`` or the cloud's maximum if lower, with no client ceiling:
    for calls sent through the session rather than novaclient."""
    return _parse(capped(wanted, server_max_version(client).get_string()))


def at_least(version, minimum):
    """True when ``version`` (APIVersion or str) is >= ``minimum``."""
    if isinstance(version, str):
        version = _parse(version)
    return version >= _parse(minimum)


def forget():
    """Drop the cached server versions (tests, or after an upgrade)."""
    with _lock:
        _server_max.clear()


# ----------------------------------------------------- migration status
# GET /servers/{id}/migrations[/{mid}]: 2.23 (in-progress live migrations
# with memory_*/disk_* bytes), 2.59 uuid, 2.80 user_id/project_id.
SERVER_MIGRATIONS = "2.80"
SERVER_MIGRATIONS_MIN = "2.23"
# POST /servers/{id}/migrations/{mid}/action {"force_complete": null}.
MIGRATION_FORCE_COMPLETE = "2.22"
# DELETE /servers/{id}/migrations/{mid}: 2.24 running; 2.65 also queued and
# preparing (which end "cancelled").
MIGRATION_ABORT = "2.65"
MIGRATION_ABORT_MIN = "2.24"
# GET /os-migrations paging (limit, marker = uuid) and changes-since.
MIGRATIONS_PAGING = "2.59"
# GET /servers/{id}/os-instance-actions[/{request_id}]: 2.51 events for
# admins, 2.62 event host, 2.84 event details (the failure reason).
INSTANCE_ACTIONS = "2.84"


# -------------------------------------------------------- instance moves
# POST /servers/{id}/action os-migrateLive: 2.25 block_migration "auto"
# (and no disk_over_commit), 2.30 force, 2.34 async pre-checks, 2.68 force
# removed.  The plugin never forces, so it asks for 2.68.
LIVE_MIGRATE = "2.68"
LIVE_MIGRATE_AUTO = "2.25"
# From 2.34 Nova checks the destination after accepting the request: a
# refusal shows as a failed migration, not as the call's answer.
LIVE_MIGRATE_ASYNC_CHECKS = "2.34"
# POST /servers/{id}/action migrate {"host": ...}: the host needs 2.56.
COLD_MIGRATE = "2.56"
COLD_MIGRATE_HOST = "2.56"
# GET /os-server-groups?all_projects=True: 2.64 "policy" + "rules"
# (max_server_per_host) instead of the "policies" list.
SERVER_GROUPS = "2.64"
# Placement GET /resource_providers/{uuid}/inventories and /usages: 1.14
# is enough, and is what Horizon itself asks for.
PLACEMENT_PROVIDER = "1.14"
# Placement GET /allocation_candidates: 1.12 provider_summaries with
# capacity and used per resource class, 1.17 adds each provider's traits.
PLACEMENT_ALLOCATION_CANDIDATES = "1.17"
# The hosts list asks GET /allocation_candidates at 1.27, from which each
# provider summary lists every resource class the provider holds, not only
# those asked for: one unit of vCPU asked gives RAM and disk as well.
PLACEMENT_EVERY_CLASS = "1.27"


# ------------------------------------------------------------ evacuation
# POST /servers/{id}/action {"evacuate": {host, adminPass}}
# (nova/api/openstack/compute/evacuate.py): below 2.14 onSharedStorage is
# required and the answer carries adminPass when [api]
# enable_instance_password is set; from 2.14 the answer is empty (a password
# Nova generates itself is never told); 2.29-2.67 accept force (never sent);
# 2.95 offers no parameter for the final state: the instance always lands
# SHUTOFF (every nova-compute must be at service version 62).  Asking for
# 2.94 keeps the state it had (an ACTIVE instance is started again).
EVACUATE = "2.95"
EVACUATE_KEEP_STATE = "2.94"
EVACUATE_NO_SHARED_STORAGE = "2.14"
