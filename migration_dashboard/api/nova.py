"""Nova calls, through Horizon's Keystone session for the logged-in user.

Lists are fetched whole (following Nova's ``*_links`` pages, so one call per
page of up to ``osapi_max_limit`` items, never one call per row) and returned
as the objects of :mod:`api.nova_records` over the JSON Nova sent.  Errors
from novaclient are raised unchanged: views turn them into messages.
"""
import re
from urllib import parse

from horizon import exceptions as horizon_exceptions
from horizon.utils import memoized
from keystoneauth1 import adapter
from novaclient import client as nova_client
from novaclient import exceptions as nova_exceptions

from migration_dashboard.api import base
from migration_dashboard.api import microversions as mv
from migration_dashboard.api import nova_records as records


class NotSupported(horizon_exceptions.HorizonException):
    """The cloud's Nova is too old for the operation asked for."""


# ------------------------------------------------------------- the client

@memoized.memoized
def _client(request, version):
    # One client per request and version (memoized on a weak reference to
    # the request, as Horizon does).
    return nova_client.Client(
        version, session=base.token_session(request, "compute"),
        endpoint_override=base.endpoint(request, "compute"))


def novaclient(request, wanted):
    """A novaclient for this user at ``wanted`` or the cloud's maximum."""
    version = mv.negotiate(_client(request, mv.BASE), wanted)
    return _client(request, version.get_string())


class _Served:
    """GETs through the user's Keystone session at a microversion
    novaclient 18 cannot ask for (it stops at 2.96): the same token and
    endpoint, the header set by keystoneauth; errors raised as novaclient's
    exceptions, like every other call here."""

    def __init__(self, request, version):
        self.api_version = version
        self.client = self
        self._api = adapter.Adapter(
            base.token_session(request, "compute"), service_type="compute",
            endpoint_override=base.endpoint(request, "compute"))

    def get(self, url):
        resp = self._api.get(url, microversion=self.api_version.get_string(),
                             raise_exc=False)
        try:
            body = resp.json() if resp.content else {}
        except ValueError:
            body = {}
        if resp.status_code >= 400:
            raise nova_exceptions.from_response(resp, body, url, "GET")
        return resp, body


def served(request, wanted):
    """A client for GETs at ``wanted`` or the cloud's maximum if lower,
    past novaclient's ceiling when the cloud serves more: a call above what
    the cloud serves is never sent."""
    version = mv.served(_client(request, mv.BASE), wanted)
    if version <= mv._parse(mv.CLIENT_MAX):
        return _client(request, version.get_string())
    return _Served(request, version)


def _get_all(client, path, key, params=None):
    """GET every page of a Nova collection, following its ``next`` links."""
    items = []
    query = dict(params or {})
    url = path + ("?" + parse.urlencode(query, doseq=True) if query else "")
    while url:
        _resp, body = client.client.get(url)
        items.extend(body.get(key, []))
        url = None
        for link in body.get(key + "_links", []) or []:
            if link.get("rel") == "next":
                # The link is absolute and points at the public endpoint;
                # keep only its path and query so the session's endpoint
                # (and Horizon's endpoint_override) is used.
                parts = parse.urlsplit(link["href"])
                marker_query = parse.parse_qs(parts.query)
                query.update({k: v for k, v in marker_query.items()})
                url = path + "?" + parse.urlencode(query, doseq=True)
    return items


# ---------------------------------------------------------------- services

def service_list(request, host=None):
    """Every nova-compute service (one call)."""
    client = novaclient(request, mv.SERVICES)
    params = {"binary": "nova-compute"}
    if host:
        params["host"] = host
    _resp, body = client.client.get(
        "/os-services?" + parse.urlencode(params))
    return [records.Service(s) for s in body.get("services", [])]


def _service_put(client, service, body):
    """Update one service: by UUID at 2.53+, by host/binary before."""
    if mv.at_least(client.api_version, mv.SERVICES):
        _resp, result = client.client.put(
            "/os-services/%s" % service.id, body=body)
        return records.Service(result.get("service", {}))
    legacy = {"host": service.host, "binary": service.binary}
    if "forced_down" in body:
        _require(client, mv.SERVICES_FORCED_DOWN, "Forcing a service down")
        legacy["forced_down"] = body["forced_down"]
        action = "force-down"
    elif body.get("status") == "enabled":
        action = "enable"
    elif body.get("disabled_reason"):
        legacy["disabled_reason"] = body["disabled_reason"]
        action = "disable-log-reason"
    else:
        action = "disable"
    _resp, result = client.client.put("/os-services/%s" % action,
                                      body=legacy)
    data = dict(service.to_dict())
    data.update(result.get("service", {}))
    return records.Service(data)


def compute_service(request, host):
    """The nova-compute service of ``host`` (one call; None when there is
    none)."""
    return next((s for s in service_list(request, host=host)
                 if s.host == host), None)


def _update_service(request, host, body):
    service = compute_service(request, host)
    if service is None:
        raise nova_exceptions.NotFound(
            404, message="No nova-compute service on host %s" % host)
    return _service_put(novaclient(request, mv.SERVICES), service, body)


def service_disable(request, host, reason):
    return _update_service(request, host, {"status": "disabled",
                                           "disabled_reason": reason})


def service_enable(request, host):
    return _update_service(request, host, {"status": "enabled"})


def service_force_down(request, host, forced_down):
    return _update_service(request, host,
                           {"forced_down": bool(forced_down)})


# ------------------------------------------------------------- hypervisors

def hypervisor_list(request, with_servers=False):
    """Every compute node with its capacity and cpu_info (2.87, one call
    per page of nodes).

    ``with_servers`` also asks which instances run on each node's host
    (2.53+; the ids ride along in the same pages, see Hypervisor.servers).
    Below 2.53 Nova cannot say: ``servers`` stays None.
    """
    client = novaclient(request, mv.HYPERVISORS)
    asked = bool(with_servers) and mv.at_least(client.api_version,
                                               mv.HYPERVISORS_WITH_SERVERS)
    params = {"with_servers": "true"} if asked else None
    return [records.Hypervisor(h, servers_asked=asked)
            for h in _get_all(client, "/os-hypervisors/detail",
                              "hypervisors", params)]


# ----------------------------------------------------------------- servers

def instance_list(request, host=None, changes_since=None, name=None,
                  image_properties=False):
    """Every instance in every project, optionally only those on one host,
    changed since a time (deleted ones included, as Nova does), or with
    exactly this name.  ``image_properties``: ask at up to 2.98 so that each
    server carries them (the same one call; see Instance.image_properties).
    """
    if image_properties:
        client = served(request, mv.SERVERS_IMAGE_PROPERTIES)
    else:
        client = novaclient(request, mv.SERVERS)
    params = {"all_tenants": "True"}
    if host:
        params["host"] = host
    if changes_since:
        params["changes-since"] = changes_since
    if name:
        # Nova matches names as a regular expression.
        params["name"] = "^%s$" % re.escape(name)
    return [records.Instance(s)
            for s in _get_all(client, "/servers/detail", "servers", params)]


# -------------------------------------------------------------- migrations

def migration_list(request, host=None, status=None, instance_id=None,
                   migration_type=None, limit=None, marker=None,
                   changes_since=None, created_since=None):
    """Migrations newest first (one call per page of Nova's results).

    ``marker`` (a migration uuid) and ``changes_since`` (ISO 8601) need
    microversion 2.59; Nova ignores them before.  ``created_since`` (an
    aware datetime): only the migrations created at or after it, see
    :func:`_created_since`.
    """
    client = novaclient(request, mv.MIGRATIONS)
    params = {name: value for name, value in (
        ("marker", marker), ("changes-since", changes_since), ("host", host),
        ("status", status), ("instance_uuid", instance_id),
        ("migration_type", migration_type)) if value}
    if created_since is not None:
        items = _created_since(client, params, created_since)
    elif limit:
        params["limit"] = int(limit)
        _resp, body = client.client.get(
            "/os-migrations?" + parse.urlencode(params))
        items = body.get("migrations", [])
    else:
        items = _get_all(client, "/os-migrations", "migrations", params)
    migrations = [records.Migration(m) for m in items]
    migrations.sort(key=lambda m: (m.created_at or "", m.id or 0),
                    reverse=True)
    return migrations


# Migrations read per page by _created_since: a drain's moves (a few per
# instance) fit in one page; an older history is not read.
CREATED_SINCE_PAGE = 200


def _created_since(client, params, since):
    """The migrations matching ``params`` created at or after ``since``.

    Not Nova's changes-since filter: it compares updated_at, which Nova
    leaves NULL until a record is first updated, so a move whose request
    was lost right after nova-conductor wrote its record (still
    'accepted', never updated) is not listed by it.  From 2.59 Nova lists
    migrations newest first (created_at, id): pages are read until one
    reaches a record created before ``since`` (one call for a drain's
    moves, whatever the host's history).  Before 2.59 Nova answers every
    migration in one call, unpaged."""
    params = dict(params, limit=CREATED_SINCE_PAGE)
    found = []
    while True:
        _resp, body = client.client.get(
            "/os-migrations?" + parse.urlencode(params))
        page = body.get("migrations", []) or []
        found.extend(page)
        more = any(link.get("rel") == "next"
                   for link in body.get("migrations_links", []) or [])
        oldest = base.parse_time(page[-1].get("created_at")) if page \
            else None
        if not more or oldest is None or oldest < since or \
                not page[-1].get("uuid"):
            break
        params["marker"] = page[-1]["uuid"]
    return [m for m in found
            if (base.parse_time(m.get("created_at")) or since) >= since]


def _quote(value):
    value = str(value)
    # '.' and '..' survive quoting and the HTTP stack folds them into
    # another URL: never send them as a path segment.
    if value in ("", ".", ".."):
        raise ValueError("not an id: %r" % value)
    return parse.quote(value, safe="")


def _require(client, minimum, what):
    if not mv.at_least(client.api_version, minimum):
        raise NotSupported("%s needs Nova microversion %s or later (the "
                           "cloud serves %s)." % (
                               what, minimum,
                               client.api_version.get_string()))


def compute_microversion(request):
    """The newest microversion both the cloud and the client speak ("2.NN"):
    what decides whether abort of queued migrations (2.65) is offered."""
    return novaclient(request, mv.CLIENT_MAX).api_version.get_string()


def server_migration_get(request, instance_id, migration_id):
    """One in-progress live migration (404 once it is no longer one)."""
    client = novaclient(request, mv.SERVER_MIGRATIONS)
    _require(client, mv.SERVER_MIGRATIONS_MIN, "Showing a server migration")
    _resp, body = client.client.get("/servers/%s/migrations/%s" % (
        _quote(instance_id), _quote(migration_id)))
    return records.ServerMigration(body.get("migration", {}))


def migration_abort(request, instance_id, migration_id):
    """Abort a live migration: running (2.24), queued/preparing (2.65)."""
    client = novaclient(request, mv.MIGRATION_ABORT)
    _require(client, mv.MIGRATION_ABORT_MIN, "Aborting a live migration")
    client.client.delete("/servers/%s/migrations/%s" % (
        _quote(instance_id), _quote(migration_id)))


def migration_force_complete(request, instance_id, migration_id):
    """Force a running live migration to complete (2.22): Nova pauses the
    instance so that the last memory pages can be copied."""
    client = novaclient(request, mv.MIGRATION_FORCE_COMPLETE)
    _require(client, mv.MIGRATION_FORCE_COMPLETE,
             "Forcing a live migration to complete")
    client.client.post("/servers/%s/migrations/%s/action" % (
        _quote(instance_id), _quote(migration_id)),
        body={"force_complete": None})


def instance_action_list(request, instance_id):
    """The instance's actions, newest first (one call)."""
    client = novaclient(request, mv.INSTANCE_ACTIONS)
    _resp, body = client.client.get(
        "/servers/%s/os-instance-actions" % _quote(instance_id))
    return [records.InstanceAction(a)
            for a in body.get("instanceActions", [])]


def instance_action_get(request, instance_id, request_id):
    """One action with its events (and their details at 2.84)."""
    client = novaclient(request, mv.INSTANCE_ACTIONS)
    _resp, body = client.client.get("/servers/%s/os-instance-actions/%s" % (
        _quote(instance_id), _quote(request_id)))
    return records.InstanceAction(body.get("instanceAction", {}))


def instance_get(request, instance_id):
    """One instance (any project), e.g. for its name and fault."""
    client = novaclient(request, mv.SERVERS)
    _resp, body = client.client.get("/servers/%s" % _quote(instance_id))
    return records.Instance(body.get("server", {}))


# ----------------------------------------------------------- server groups

# Nova pages server groups by limit/offset without next links; its default
# (and usual) [api]max_limit.
SERVER_GROUP_PAGE = 1000


def server_group_list(request):
    """Every server group of every project: one call, one more per further
    full page of SERVER_GROUP_PAGE groups."""
    client = novaclient(request, mv.SERVER_GROUPS)
    groups, offset = [], 0
    while True:
        _resp, body = client.client.get(
            "/os-server-groups?all_projects=True&limit=%d&offset=%d"
            % (SERVER_GROUP_PAGE, offset))
        page = body.get("server_groups", [])
        groups.extend(records.ServerGroup(g) for g in page)
        if len(page) < SERVER_GROUP_PAGE:
            return groups
        offset += len(page)


def _server_action(client, instance_id, body):
    client.client.post("/servers/%s/action" % _quote(instance_id), body=body)


def server_live_migrate(request, instance_id, host=None,
                        block_migration="auto"):
    """os-migrateLive without ``force``: the scheduler checks a chosen host
    too (2.68).  ``block_migration`` is True, False or "auto" (2.25+)."""
    client = novaclient(request, mv.LIVE_MIGRATE)
    body = {"host": host or None}
    if mv.at_least(client.api_version, mv.LIVE_MIGRATE_AUTO):
        body["block_migration"] = block_migration
    else:
        if block_migration == "auto":
            raise NotSupported(
                "Block migration 'auto' needs Nova microversion %s or later "
                "(the cloud serves %s)." % (mv.LIVE_MIGRATE_AUTO,
                                            client.api_version.get_string()))
        body["block_migration"] = bool(block_migration)
        body["disk_over_commit"] = False
    _server_action(client, instance_id, {"os-migrateLive": body})


def server_migrate(request, instance_id, host=None):
    """Cold migration; a chosen ``host`` needs 2.56 (scheduler-checked)."""
    client = novaclient(request, mv.COLD_MIGRATE)
    if host:
        _require(client, mv.COLD_MIGRATE_HOST,
                 "Cold migration to a chosen host")
        body = {"migrate": {"host": host}}
    else:
        body = {"migrate": None}
    _server_action(client, instance_id, body)


def server_confirm_resize(request, instance_id):
    """Confirm a cold migration (or resize) waiting in VERIFY_RESIZE."""
    client = novaclient(request, mv.SERVERS)
    _server_action(client, instance_id, {"confirmResize": None})


def instance_reset_state(request, instance_id, state):
    """os-resetState (admin): vm_state ``state`` ('error' or 'active'),
    task_state cleared.  Nova changes its database only."""
    client = novaclient(request, mv.SERVERS)
    _server_action(client, instance_id, {"os-resetState": {"state": state}})


def server_revert_resize(request, instance_id):
    """Revert a cold migration (or resize): back to the source host."""
    client = novaclient(request, mv.SERVERS)
    _server_action(client, instance_id, {"revertResize": None})


def server_start(request, instance_id):
    client = novaclient(request, mv.SERVERS)
    _server_action(client, instance_id, {"os-start": None})


# -------------------------------------------------------------- evacuation

def evacuate_microversion(request, keep_state=False):
    """The microversion instance_evacuate will use ("2.NN"): 2.95 (lands
    SHUTOFF) or, with ``keep_state``, 2.94; lower on an older cloud."""
    wanted = mv.EVACUATE_KEEP_STATE if keep_state else mv.EVACUATE
    return novaclient(request, wanted).api_version.get_string()


def instance_evacuate(request, instance_id, host=None, password=None,
                      keep_state=False):
    """Rebuild ``instance_id`` of a failed host on ``host`` (None: the
    scheduler chooses; a chosen host is checked by the scheduler too, the
    plugin never forces).  ``password`` becomes the instance's admin
    password; ``keep_state`` asks for 2.94, where an evacuated instance
    keeps its state, instead of 2.95, where it always lands SHUTOFF.

    Returns the admin password Nova sent back: only below microversion 2.14
    and when Nova's [api] enable_instance_password is set; None otherwise.
    """
    wanted = mv.EVACUATE_KEEP_STATE if keep_state else mv.EVACUATE
    client = novaclient(request, wanted)
    body = {}
    if host:
        body["host"] = host
    if password is not None:
        body["adminPass"] = password
    if not mv.at_least(client.api_version, mv.EVACUATE_NO_SHARED_STORAGE):
        # Required before 2.14; False: the disk is rebuilt from the image.
        body["onSharedStorage"] = False
    # log=False: keystoneauth's debug log would record the adminPass of
    # the request (and of the answer, below 2.14).
    _resp, result = client.client.post(
        "/servers/%s/action" % _quote(instance_id), body={"evacuate": body},
        log=False)
    if isinstance(result, dict):
        return result.get("adminPass")
    return None


# ------------------------------------------------------ pre-flight reads

def server_shares(request, instance_id):
    """The Manila shares attached to an instance (2.97; one call).  Raises
    NotSupported when the cloud serves less: it cannot have any then."""
    client = served(request, mv.SERVER_SHARES)
    _require(client, mv.SERVER_SHARES, "Listing the shares of a server")
    _resp, body = client.client.get(
        "/servers/%s/shares" % _quote(instance_id))
    return list(body.get("shares") or [])


def aggregate_list(request):
    """Every host aggregate with its hosts and metadata (one call)."""
    client = novaclient(request, mv.BASE)
    _resp, body = client.client.get("/os-aggregates")
    return [records.Aggregate(a) for a in body.get("aggregates", [])]


# Horizon's profiler trace of each call (base.trace_calls says why not as
# decorators).
base.trace_calls(globals(), "service_list", "compute_service",
                 "service_disable", "service_enable", "service_force_down",
                 "hypervisor_list", "instance_list", "migration_list",
                 "compute_microversion", "server_migration_get",
                 "migration_abort", "migration_force_complete",
                 "instance_action_list", "instance_action_get", "instance_get",
                 "server_group_list", "server_live_migrate", "server_migrate",
                 "server_confirm_resize", "instance_reset_state",
                 "server_revert_resize", "server_start", "instance_evacuate",
                 "server_shares", "aggregate_list")
