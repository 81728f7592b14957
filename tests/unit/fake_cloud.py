"""A fake Nova/Placement/Keystone at the HTTP layer (requests-mock).

The plugin's real api module, novaclient, Horizon's tables and templates all
run; only the HTTP answers are made up, at any scale.  Every request is
recorded so tests can count the calls a page costs.

Besides what the plugin asks, it answers what Horizon's own Admin pages ask
(Hypervisors with its Compute Host tab, Instances): Keystone discovery and
token authentication (Horizon's novaclient and Placement adapter
authenticate again), openstacksdk's compute discovery, flavors, Placement
resource providers, Glance images, Neutron and Cinder lists.  Test users
need a Placement entry in their catalog: see :data:`PLACEMENT_CATALOG_ENTRY`.

``max_version`` makes it an older Nova: it announces that maximum, answers
406 to a request above it (as Nova does) and answers in the shapes of the
microversion asked (see ``_older_shape``): integer service ids and the
``/os-services/{action}`` updates before 2.53, no paging of migrations
before 2.59, no ``user_id``/``project_id`` on migrations before 2.80, no
event ``host`` before 2.62 nor ``details`` before 2.84, server groups with a
``policies`` list before 2.64.  Nova's writes (service updates, server
actions, migration abort / force complete) are accepted with 202 when their
body is valid at the microversion asked, refused with 400 as Nova would
otherwise, and recorded in ``writes``.
"""
import copy
import datetime
import json
import re
from urllib import parse

import requests_mock

MAX_VERSION = "2.96"

# Horizon's test catalog (openstack_dashboard/test/test_data/keystone_data.py)
# has compute, image, network, volume and identity but no Placement: add this
# entry to the test user's catalog to reach the fake Placement.
PLACEMENT_CATALOG_ENTRY = {
    "type": "placement", "name": "placement", "endpoints_links": [],
    "endpoints": [
        {"region": "RegionOne", "interface": iface,
         "url": "http://%s.placement.example.com/placement" % prefix}
        for iface, prefix in (("admin", "admin"), ("internal", "int"),
                              ("public", "public"))]}

class PlacementCatalogMixin:
    """For a Horizon test case: its user's catalog also has Placement."""

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]


# Hostname fragment -> the service name calls are recorded under.
SERVICES = (("placement", "placement"), ("nova", "nova"),
            ("keystone", "keystone"), ("neutron", "neutron"),
            ("glance", "glance"), ("cinder", "cinder"))

FLAVORS = [
    {"id": "f-%d" % n, "name": name, "vcpus": vcpus, "ram": ram,
     "disk": disk, "OS-FLV-EXT-DATA:ephemeral": 0, "swap": "",
     "os-flavor-access:is_public": True, "rxtx_factor": 1.0,
     "OS-FLV-DISABLED:disabled": False, "extra_specs": specs,
     "links": []}
    for n, (name, vcpus, ram, disk, specs) in enumerate([
        ("m1.small", 1, 2048, 10, {}),
        ("m1.pinned", 1, 2048, 10, {"hw:cpu_policy": "dedicated"})])]


class FakeCloud:
    def __init__(self, hosts=3, instances_per_host=4, migrations=10,
                 page_limit=1000, instances=None, in_progress_every=5,
                 projects=2, server_groups=0, max_version=MAX_VERSION):
        """``instances`` (a total, spread over the hosts round-robin)
        overrides ``instances_per_host``; every ``in_progress_every``-th
        migration is a running live migration, the others completed.
        The first instance of each host is pinned (hw:cpu_policy
        dedicated); ``server_groups`` anti-affinity groups each hold the
        second instance of two neighbouring hosts (cmp1+cmp2, cmp2+cmp3...).
        """
        self.hosts = ["cmp%d" % i for i in range(1, hosts + 1)]
        self.page_limit = page_limit
        self.projects = projects
        if instances is not None:
            instances_per_host = -(-instances // max(hosts, 1))
        self.instances = [
            {"id": "inst-%s-%d" % (h, n), "name": "vm-%s-%d" % (h, n),
             "status": "ACTIVE", "tenant_id": "proj-%d" % (n % 2),
             "OS-EXT-SRV-ATTR:host": h, "OS-EXT-STS:task_state": None,
             "flavor": {"original_name": "m1.small", "vcpus": 1,
                        "ram": 2048, "disk": 10,
                        "extra_specs": {"hw:cpu_policy": "dedicated"}
                        if n == 0 else {}},
             "image": {"id": "img"}, "config_drive": "",
             # The rest of what GET /servers/detail returns (Horizon's
             # Admin > Instances table reads these).
             "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:power_state": 1,
             "OS-EXT-SRV-ATTR:hypervisor_hostname": h,
             "OS-EXT-SRV-ATTR:instance_name": "instance-%s-%d" % (h, n),
             "OS-EXT-AZ:availability_zone": "nova", "user_id": "u-1",
             "created": "2026-11-01T10:00:00Z",
             "updated": "2026-11-01T10:01:00Z", "key_name": None,
             "metadata": {}, "locked": False, "links": [],
             "addresses": {"private": [
                 {"addr": "10.%d.%d.%d" % (k // 65536 % 256, k // 256 % 256,
                                           k % 256),
                  "version": 4, "OS-EXT-IPS:type": "fixed"}]},
             "os-extended-volumes:volumes_attached": [],
             "security_groups": [{"name": "default"}],
             "host_status": "UP"}
            for k, (h, n) in enumerate(
                (h, n) for h in self.hosts
                for n in range(instances_per_host))]
        if instances is not None:
            # Spread a total over the hosts (the first hosts get one more).
            per_host = [self.instances[i::instances_per_host]
                        for i in range(instances_per_host)]
            self.instances = [inst for chunk in per_host
                              for inst in chunk][:instances]
        if projects != 2:
            for n, inst in enumerate(self.instances):
                inst["tenant_id"] = "proj-%d" % (n % projects)
        self.migrations = [
            {"id": n, "uuid": "mig-%d" % n,
             "instance_uuid": self.instances[n % len(self.instances)]["id"]
             if self.instances else "x",
             "source_compute": self.hosts[n % len(self.hosts)],
             "dest_compute": self.hosts[(n + 1) % len(self.hosts)],
             "status": "running" if n % in_progress_every == 0
             else "completed",
             "migration_type": "live-migration", "project_id": "proj-0",
             # One a second from 10:00:00, each updated a minute later:
             # Nova's newest-first order is the reverse of creation.
             "created_at": _stamp(n), "updated_at": _stamp(n + 60)}
            for n in range(migrations)]
        self._servers = {i["id"]: i for i in self.instances}
        # Placement per host, over the class defaults _INVENTORIES and
        # _USAGES: {host: inventories} and {host: usages}; hosts in
        # ``not_providers`` have no resource provider.
        self.inventories, self.usages = {}, {}
        self.not_providers = set()
        self._by_host = {}
        for inst in self.instances:
            self._by_host.setdefault(inst["OS-EXT-SRV-ATTR:host"],
                                     []).append(inst)
        self.server_groups = []
        for g in range(server_groups if self.hosts else 0):
            members = [
                "inst-%s-1" % self.hosts[(g + k) % len(self.hosts)]
                for k in (0, 1)]
            self.server_groups.append({
                "id": "00000000-0000-4000-9000-%012d" % g,
                "name": "group-%d" % g, "policy": "anti-affinity",
                "rules": {}, "project_id": "proj-0", "user_id": "u-1",
                "members": [m for m in members if m in self._servers]})
        self.max_version = max_version
        self.calls = []
        # (service, method, path, {query parameter: [values]}) of every
        # request: what a call asked for, beyond its path.
        self.queries = []
        # (method, path, microversion asked) of every Nova request, and
        # (method, path, body, status answered) of every Nova write.
        self.nova_requests = []
        self.writes = []
        self.failures = {}
        # The catalog returned by token authentication (POST /auth/tokens);
        # a test sets it to its user's catalog.
        self.catalog = None

    def add_migration(self, mid, instance_id, source, dest, status,
                      created, updated=None):
        """One more live-migration record (requested by proj-0)."""
        self.migrations.append({
            "id": mid, "uuid": "mig-%d" % mid, "instance_uuid": instance_id,
            "source_compute": source, "dest_compute": dest,
            "status": status, "migration_type": "live-migration",
            "project_id": "proj-0", "created_at": created,
            "updated_at": updated or created})

    def _updated(self):
        """{instance id: when Nova last updated it}: as Nova, a move
        updates its instance (task, host), so an instance is never older
        than its migrations' last update (whatever a test put in
        ``migrations``)."""
        out = {i["id"]: _time(i.get("updated")) for i in self.instances}
        for mig in self.migrations:
            when = _time(mig.get("updated_at"))
            iid = mig.get("instance_uuid")
            if iid in out and when is not None and \
                    (out[iid] is None or when > out[iid]):
                out[iid] = when
        return out

    # ----------------------------------------------------------- routing
    def fail(self, path_regex, status, message="injected failure"):
        """Answer requests whose path matches with an HTTP error."""
        self.failures[re.compile(path_regex)] = (status, message)

    def count(self, service=None):
        return len([c for c in self.calls
                    if service is None or c[0] == service])

    def _page(self, items, query, key):
        limit = int(query.get("limit", [self.page_limit])[0])
        limit = min(limit, self.page_limit)
        start = 0
        if "marker" in query:
            marker = query["marker"][0]
            ids = [str(i.get("uuid", i["id"])) for i in items]
            start = ids.index(marker) + 1
        page = items[start:start + limit]
        body = {key: page}
        if start + limit < len(items):
            last = page[-1]
            body[key + "_links"] = [{
                "rel": "next",
                "href": "http://nova/v2/x?limit=%d&marker=%s" % (
                    limit, last.get("uuid", last["id"]))}]
        return body

    @staticmethod
    def _microversion(request):
        """The compute microversion a request asks for (2.1 if none)."""
        header = (request.headers.get("OpenStack-API-Version") or
                  "compute 2.1").split()[-1]
        header = request.headers.get("X-OpenStack-Nova-API-Version") or \
            header
        major, minor = header.split(".")
        return int(major), int(minor)

    def _nova(self, request, context, path, query):
        if path.rstrip("/") in ("", "/v2", "/v2.1"):
            return {"version": {"id": "v2.1", "status": "CURRENT",
                                "version": self.max_version,
                                "min_version": "2.1"}}
        path = re.sub(r"^/v2(\.1)?", "", path)
        if path == "/os-services":
            host = query.get("host", [None])[0]
            return {"services": [
                {"id": "svc-%s" % h, "binary": "nova-compute", "host": h,
                 "zone": "nova", "status": "enabled", "state": "up",
                 "forced_down": False, "disabled_reason": None,
                 "updated_at": "2026-11-26T10:00:00.000000"}
                for h in self.hosts if host in (None, h)]}
        if path.startswith("/os-services/"):
            return self._service_update(request, context, path)
        if path == "/os-hypervisors/detail":
            items = [
                {"id": "00000000-0000-4000-8000-%012d" % i,
                 "hypervisor_hostname": h, "service": {"host": h},
                 "hypervisor_type": "QEMU", "hypervisor_version": 8002000,
                 "vcpus": 64, "vcpus_used": 8, "memory_mb": 262144,
                 "memory_mb_used": 16384, "local_gb": 2000,
                 "local_gb_used": 100, "running_vms": 4,
                 "cpu_info": json.dumps({"arch": "x86_64"})}
                for i, h in enumerate(self.hosts)]
            body = self._page(items, query, "hypervisors")
            # As Nova: 2.53 lists each node's servers on request; from 2.75
            # an empty list, before that no key, for a node without any.
            version = self._microversion(request)
            asked = query.get("with_servers", ["false"])[0].lower() in (
                "true", "1", "yes", "on")
            if asked and version >= (2, 53):
                for hyp in body["hypervisors"]:
                    servers = [{"uuid": i["id"], "name": i["name"]}
                               for i in self._by_host.get(
                                   hyp["service"]["host"], [])]
                    if servers or version >= (2, 75):
                        hyp["servers"] = servers
            return body
        if path == "/servers/detail":
            host = query.get("host", [None])[0]
            # As Nova: updated_at >= changes-since (never updated: not
            # listed).
            since = _time(query.get("changes-since", [None])[0])
            updated = self._updated() if since is not None else {}
            items = [i for i in self.instances
                     if host in (None, i["OS-EXT-SRV-ATTR:host"]) and
                     (since is None or (updated[i["id"]] and
                                        updated[i["id"]] >= since))]
            return self._page(items, query, "servers")
        if path == "/os-migrations":
            host = query.get("host", [None])[0]
            instance = query.get("instance_uuid", [None])[0]
            items = [m for m in self.migrations
                     if host in (None, m["source_compute"],
                                 m["dest_compute"]) and
                     instance in (None, m["instance_uuid"])]
            if self._microversion(request) < (2, 59):
                # Nova ignores limit, marker and changes-since before 2.59:
                # every migration in one answer, no links.
                return {"migrations": items}
            # As Nova from 2.59: updated_at >= changes-since (a record never
            # updated, updated_at NULL, is not listed), newest first by
            # created_at then id.
            since = _time(query.get("changes-since", [None])[0])
            if since is not None:
                items = [m for m in items if _time(m["updated_at"]) and
                         _time(m["updated_at"]) >= since]
            items = sorted(items, key=lambda m: (_time(m["created_at"]),
                                                 m["id"]), reverse=True)
            return self._page(items, query, "migrations")
        if path in ("/flavors/detail", "/flavors"):
            return {"flavors": FLAVORS}
        match = re.match(r"^/flavors/([^/]+)/os-extra_specs$", path)
        if match:
            flavor = next((f for f in FLAVORS if f["id"] == match.group(1)),
                          None)
            if flavor is not None:
                return {"extra_specs": flavor["extra_specs"]}
        match = re.match(r"^/servers/([^/]+)/action$", path)
        if match and match.group(1) in self._servers and \
                request.method == "POST":
            return self._server_action(request, context, match.group(1))
        match = re.match(r"^/servers/([^/]+)/migrations/([^/]+)(/action)?$",
                         path)
        if match and match.group(1) in self._servers and \
                request.method in ("DELETE", "POST"):
            return self._migration_action(request, context, *match.groups())
        match = re.match(r"^/servers/([^/]+)/migrations(?:/([^/]+))?$", path)
        if match and match.group(1) in self._servers:
            return self._server_migrations(*match.groups())
        match = re.match(r"^/servers/([^/]+)/os-instance-actions(/[^/]+)?$",
                         path)
        if match and match.group(1) in self._servers:
            return ({"instanceAction": {"action": "live-migration",
                                        "request_id": "req-1",
                                        "events": []}}
                    if match.group(2) else {"instanceActions": []})
        match = re.match(r"^/servers/([^/]+)$", path)
        if match and match.group(1) in self._servers:
            return {"server": self._servers[match.group(1)]}
        if path == "/os-server-groups":
            # Nova pages groups by limit/offset, the limit capped at its
            # [api]max_limit, with no next links.
            limit = min(int(query.get("limit", [self.page_limit])[0]),
                        self.page_limit)
            offset = int(query.get("offset", ["0"])[0])
            return {"server_groups":
                    self.server_groups[offset:offset + limit]}
        if path.startswith("/os-availability-zone"):
            return {"availabilityZoneInfo": [
                {"zoneName": "nova", "zoneState": {"available": True},
                 "hosts": None}]}
        if path in ("/extensions", "/os-aggregates", "/os-keypairs"):
            return {path.strip("/").replace("os-", ""): []}
        context.status_code = 404
        return {"itemNotFound": {"code": 404,
                                 "message": "fake: no route %s" % path}}

    def _nova_versioned(self, request, context, path, query):
        """Nova at ``max_version``: 406 above it, else the answer in the
        shape of the microversion asked."""
        version = self._microversion(request)
        self.nova_requests.append((request.method, path, version))
        if version > _parse(self.max_version):
            context.status_code = 406
            return {"computeFault": {
                "code": 406, "message":
                "Version %d.%d is not supported by the API. Minimum is "
                "2.1 and maximum is %s." % (version + (self.max_version,))}}
        context.headers["OpenStack-API-Version"] = "compute %d.%d" % version
        body = self._nova(request, context, path, query)
        if request.method != "GET":
            self.writes.append((request.method,
                                re.sub(r"^/v2(\.1)?", "", path),
                                _json(request), context.status_code))
        if context.status_code < 300 and isinstance(body, dict) and \
                version < _NEWEST_SHAPE:
            # A copy: the answer may hold the fake's own records.
            body = copy.deepcopy(body)
            _older_shape(re.sub(r"^/v2(\.1)?", "", path), version, body)
        return body

    def _service_update(self, request, context, path):
        """PUT /os-services/{uuid} from 2.53; before, the host/binary
        endpoints ``disable``, ``disable-log-reason``, ``enable`` and
        ``force-down`` (2.11+)."""
        version = self._microversion(request)
        body = _json(request) or {}
        target = parse.unquote(path.split("/")[-1])
        legacy = ("disable", "disable-log-reason", "enable", "force-down")
        if version >= (2, 53):
            host = target[len("svc-"):] if target.startswith("svc-") \
                else None
            if host not in self.hosts:
                return self._refuse(context, 404, "Service %s not found."
                                    % target)
            return {"service": dict(body, id=target, host=host,
                                    binary="nova-compute")}
        if target not in legacy or (target == "force-down" and
                                    version < (2, 11)):
            return self._refuse(context, 404, "Unknown action")
        if body.get("host") not in self.hosts or \
                body.get("binary") != "nova-compute":
            return self._refuse(context, 400, "host and binary required")
        if target == "disable-log-reason" and not body.get(
                "disabled_reason"):
            return self._refuse(context, 400, "Missing disabled reason")
        answer = {"host": body["host"], "binary": body["binary"]}
        if target == "force-down":
            answer["forced_down"] = body.get("forced_down")
        else:
            answer["status"] = "enabled" if target == "enable" \
                else "disabled"
            if target == "disable-log-reason":
                answer["disabled_reason"] = body["disabled_reason"]
        return {"service": answer}

    def _server_action(self, request, context, instance_id):
        """POST /servers/{id}/action: accepted (202) when the body is valid
        at the microversion asked, else 400 as Nova's schemas answer."""
        version = self._microversion(request)
        body = _json(request) or {}
        if len(body) != 1:
            return self._refuse(context, 400, "One action per request")
        (action, args), = body.items()
        args = args or {}
        if action == "os-migrateLive":
            allowed = {"host", "block_migration"}
            if version < (2, 25):
                allowed.add("disk_over_commit")
            if (2, 30) <= version < (2, 68):
                allowed.add("force")
            if set(args) - allowed or "block_migration" not in args or \
                    "host" not in args:
                return self._refuse(context, 400, "Invalid input for "
                                    "os-migrateLive: %s" % sorted(args))
            if args["block_migration"] == "auto" and version < (2, 25):
                return self._refuse(context, 400, "block_migration auto "
                                    "needs 2.25")
        elif action == "migrate":
            if args.get("host") and version < (2, 56):
                return self._refuse(context, 400, "Additional properties "
                                    "are not allowed ('host')")
        elif action == "evacuate":
            allowed = {"host", "adminPass"}
            if version < (2, 14):
                allowed.add("onSharedStorage")
                if "onSharedStorage" not in args:
                    return self._refuse(context, 400,
                                        "onSharedStorage is required")
            if (2, 29) <= version < (2, 68):
                allowed.add("force")
            if set(args) - allowed:
                return self._refuse(context, 400, "Invalid input for "
                                    "evacuate: %s" % sorted(args))
        elif action not in ("confirmResize", "revertResize", "os-start"):
            return self._refuse(context, 400, "Unknown action %s" % action)
        context.status_code = 202
        return {} if action == "evacuate" and version >= (2, 14) else None

    def _migration_action(self, request, context, instance_id, migration_id,
                          action):
        """DELETE /servers/{id}/migrations/{mid} (abort, 2.24; queued and
        preparing ones from 2.65) and POST .../action force_complete
        (2.22, running only)."""
        version = self._microversion(request)
        migration = next((m for m in self.migrations
                          if str(m["id"]) == migration_id and
                          m["instance_uuid"] == instance_id), None)
        if request.method == "DELETE" and action is None:
            if version < (2, 24):
                return self._refuse(context, 404, "Not found")
            allowed = ("running", "queued", "preparing") \
                if version >= (2, 65) else ("running",)
        elif request.method == "POST" and action and \
                _json(request) == {"force_complete": None}:
            if version < (2, 22):
                return self._refuse(context, 404, "Not found")
            allowed = ("running",)
        else:
            return self._refuse(context, 400, "Invalid request")
        if migration is None:
            return self._refuse(context, 404, "Migration %s not found"
                                % migration_id)
        if migration["status"] not in allowed:
            return self._refuse(context, 400, "Migration %s state of "
                                "instance %s is %s" % (
                                    migration_id, instance_id,
                                    migration["status"]))
        context.status_code = 202
        return None

    @staticmethod
    def _refuse(context, status, message):
        context.status_code = status
        key = "itemNotFound" if status == 404 else "badRequest"
        return {key: {"code": status, "message": message}}

    def _server_migrations(self, instance_id, migration_id=None):
        """In-progress live migrations of an instance, with their bytes."""
        found = [m for m in self.migrations
                 if m["instance_uuid"] == instance_id and
                 m["status"] == "running" and
                 m["migration_type"] == "live-migration"]
        found = [dict(m, server_uuid=m["instance_uuid"],
                      memory_total_bytes=4 << 30,
                      memory_processed_bytes=1 << 30,
                      memory_remaining_bytes=3 << 30,
                      disk_total_bytes=0, disk_processed_bytes=0,
                      disk_remaining_bytes=0) for m in found]
        if migration_id is None:
            return {"migrations": found}
        for m in found:
            if str(m["id"]) == migration_id:
                return {"migration": m}
        raise _NotFound()

    # ------------------------------------------------------ other services
    def _providers(self):
        return [{"uuid": "00000000-0000-4000-8000-%012d" % i, "name": h,
                 "generation": 1, "parent_provider_uuid": None,
                 "root_provider_uuid": "00000000-0000-4000-8000-%012d" % i,
                 "links": []}
                for i, h in enumerate(self.hosts)
                if h not in self.not_providers]

    def _inventory(self, host):
        return self.inventories.get(host, self._INVENTORIES)

    def _usage(self, host):
        return self.usages.get(host, self._USAGES)

    @staticmethod
    def _placement_version(request):
        header = request.headers.get("OpenStack-API-Version") or \
            "placement 1.0"
        return _parse(header.split()[-1])

    def _candidates(self, request, query):
        """GET /allocation_candidates as Placement answers it: the
        providers with room for every class asked for; each summary holds
        the classes asked for, every class of the provider from 1.27, and
        the traits from 1.17."""
        version = self._placement_version(request)
        asked = {}
        for part in query.get("resources", [""])[0].split(","):
            if part:
                rc, amount = part.split(":")
                asked[rc] = int(amount)
        summaries = {}
        for p in self._providers():
            inventory = self._inventory(p["name"])
            usage = self._usage(p["name"])
            resources = {
                rc: {"capacity": int((inv["total"] - inv.get("reserved", 0))
                                     * inv.get("allocation_ratio", 1.0)),
                     "used": usage.get(rc, 0)}
                for rc, inv in inventory.items()}
            if any(rc not in resources or
                   resources[rc]["used"] + amount >
                   resources[rc]["capacity"]
                   for rc, amount in asked.items()):
                continue
            if version < (1, 27):
                resources = {rc: r for rc, r in resources.items()
                             if rc in asked}
            summaries[p["uuid"]] = {"resources": resources}
            if version >= (1, 17):
                summaries[p["uuid"]]["traits"] = ["COMPUTE_STATUS_ENABLED"]
        return {"allocation_requests": [], "provider_summaries": summaries}

    _INVENTORIES = {
        "VCPU": {"total": 64, "reserved": 0, "min_unit": 1, "max_unit": 64,
                 "step_size": 1, "allocation_ratio": 4.0},
        "MEMORY_MB": {"total": 262144, "reserved": 512, "min_unit": 1,
                      "max_unit": 262144, "step_size": 1,
                      "allocation_ratio": 1.0},
        "DISK_GB": {"total": 2000, "reserved": 0, "min_unit": 1,
                    "max_unit": 2000, "step_size": 1,
                    "allocation_ratio": 1.0}}
    _USAGES = {"VCPU": 8, "MEMORY_MB": 16384, "DISK_GB": 100}

    def _placement(self, request, path, query):
        path = re.sub(r"^/placement", "", path).rstrip("/")
        if path == "":
            return {"versions": [{"id": "v1.0", "max_version": "1.39",
                                  "min_version": "1.0", "status": "CURRENT",
                                  "links": []}]}
        if path == "/resource_providers":
            return {"resource_providers": self._providers()}
        match = re.match(r"^/resource_providers/([^/]+)/(\w+)$", path)
        if match:
            what = match.group(2)
            host = next((p["name"] for p in self._providers()
                         if p["uuid"] == match.group(1)), None)
            if what == "inventories":
                return {"inventories": self._inventory(host),
                        "resource_provider_generation": 1}
            if what == "usages":
                return {"usages": self._usage(host),
                        "resource_provider_generation": 1}
            if what in ("traits", "aggregates"):
                return {what: [], "resource_provider_generation": 1}
        if path == "/allocation_candidates":
            return self._candidates(request, query)
        raise _NotFound()

    def _token(self):
        catalog = []
        for entry in self.catalog or []:
            catalog.append({
                "type": entry["type"], "name": entry.get("name"),
                "id": entry["type"],
                "endpoints": [dict(e, id="%s-%s" % (entry["type"],
                                                    e.get("interface")),
                                   region_id=e.get("region"))
                              for e in entry.get("endpoints", [])]})
        return {"token": {
            "methods": ["token"], "expires_at": "2099-01-01T00:00:00.000000Z",
            "issued_at": "2026-11-26T10:00:00.000000Z",
            "user": {"id": "1", "name": "test_user",
                     "domain": {"id": "1", "name": "test_domain"}},
            "project": {"id": "1", "name": "test_tenant",
                        "domain": {"id": "1", "name": "test_domain"}},
            "roles": [{"id": "1", "name": "admin"}],
            "catalog": catalog}}

    def _keystone(self, request, context, path, query):
        one = re.search(r"/v3/(projects|users)/([^/]+)$", path)
        if one:
            kind, ident = one.groups()
            if kind == "projects" and ident.startswith("proj-"):
                return {"project": {"id": ident, "name": "p" + ident[5:],
                                    "domain_id": "default",
                                    "enabled": True}}
            if kind == "users" and ident.startswith("user-"):
                return {"user": {"id": ident, "name": "u" + ident[5:],
                                 "domain_id": "default", "enabled": True}}
            raise _NotFound()
        if path.endswith("/projects"):
            return {"projects": [{"id": "proj-%d" % i, "name": "p%d" % i,
                                  "domain_id": "default", "enabled": True}
                                 for i in range(self.projects)],
                    "links": {}}
        if path.endswith("/auth/tokens"):
            context.headers["X-Subject-Token"] = "fake-token"
            context.status_code = 201 if request.method == "POST" else 200
            return self._token()
        if re.search(r"/v3/?$", path) or path.rstrip("/") in ("",
                                                              "/identity"):
            base = "%s://%s%s" % (request.scheme, request.netloc,
                                  re.sub(r"/v3/?$", "", path).rstrip("/"))
            version = {"id": "v3.14", "status": "stable",
                       "updated": "2020-04-07T00:00:00Z",
                       "links": [{"rel": "self", "href": base + "/v3/"}],
                       "media-types": [{
                           "base": "application/json",
                           "type": "application/vnd.openstack.identity-"
                                   "v3+json"}]}
            if path.rstrip("/").endswith("/v3"):
                return {"version": version}
            return {"versions": {"values": [version]}}
        raise _NotFound()

    def _glance(self, path, query):
        path = path.rstrip("/")
        if path in ("", "/versions"):
            return {"versions": [{"id": "v2.16", "status": "CURRENT",
                                  "links": [{"rel": "self",
                                             "href": "/v2/"}]}]}
        if path == "/v2/images":
            return {"images": [{"id": "img", "name": "cirros",
                                "status": "active", "visibility": "public",
                                "container_format": "bare",
                                "disk_format": "qcow2", "min_disk": 0,
                                "min_ram": 0, "protected": False,
                                "owner": "proj-0", "tags": [],
                                "created_at": "2026-01-01T00:00:00Z",
                                "updated_at": "2026-01-01T00:00:00Z"}],
                    "first": "/v2/images", "schema": "/v2/schemas/images"}
        if path.startswith("/v2/schemas/"):
            return {"name": "image", "properties": {}, "links": []}
        raise _NotFound()

    def _neutron(self, path, query):
        path = re.sub(r"^/v2\.0", "", path.rstrip("/"))
        if path == "/ports":
            ids = query.get("device_id") or []
            return {"ports": [{"device_id": i,
                               "binding:vnic_type": "normal"}
                              for i in ids if i in self._servers]}
        if path == "/extensions":
            return {"extensions": []}
        name = path.strip("/")
        if re.match(r"^[a-z_-]+$", name):
            return {name.replace("-", "_"): []}
        raise _NotFound()

    def _cinder(self, path, query):
        if path.rstrip("/") == "":
            return {"versions": [{"id": "v3.0", "status": "CURRENT",
                                  "version": "3.70", "min_version": "3.0",
                                  "links": [{"rel": "self",
                                             "href": "/v3/"}]}]}
        if re.search(r"/volumes(/detail)?$", path):
            return {"volumes": []}
        if re.search(r"/snapshots(/detail)?$", path):
            return {"snapshots": []}
        raise _NotFound()

    def _router(self, request, context):
        url = parse.urlsplit(request.url)
        query = parse.parse_qs(url.query)
        host = url.hostname or ""
        service = next((name for fragment, name in SERVICES
                        if fragment in host), host)
        self.calls.append((service, request.method, url.path))
        self.queries.append((service, request.method, url.path, query))
        for regex, (status, message) in self.failures.items():
            if regex.search(url.path):
                context.status_code = status
                if service == "placement":
                    # Placement's errors: the API working group's form.
                    context.headers["Content-Type"] = "application/json"
                    return {"errors": [{
                        "status": status, "title": "Service Unavailable"
                        if status == 503 else "Error", "detail": message,
                        "code": "placement.undefined_code",
                        "request_id": "req-fake"}]}
                return {"error": {"code": status, "message": message}}
        context.headers["Content-Type"] = "application/json"
        try:
            if service == "nova":
                return self._nova_versioned(request, context, url.path,
                                            query)
            if service == "keystone":
                return self._keystone(request, context, url.path, query)
            if service == "placement":
                return self._placement(request, url.path, query)
            if service == "glance":
                return self._glance(url.path, query)
            if service == "neutron":
                return self._neutron(url.path, query)
            if service == "cinder":
                return self._cinder(url.path, query)
        except _NotFound:
            pass
        context.status_code = 404
        return {"error": {"message": "fake: no route"}}

    def __enter__(self):
        from migration_dashboard.api import microversions
        microversions.forget()
        self._mock = requests_mock.Mocker()
        self._mock.__enter__()
        self._mock.register_uri(requests_mock.ANY, re.compile(".*"),
                                json=self._router)
        return self

    def __exit__(self, *exc):
        return self._mock.__exit__(*exc)


class _NotFound(Exception):
    """No fake route: answered with a 404."""


def _parse(version):
    major, minor = version.split(".")
    return int(major), int(minor)


FIRST_MIGRATION = datetime.datetime(2026, 11, 26, 10, 0, 0)


def _stamp(seconds):
    """Nova's time format, ``seconds`` after the fake's first migration."""
    return (FIRST_MIGRATION + datetime.timedelta(seconds=seconds)) \
        .strftime("%Y-%m-%dT%H:%M:%S.%f")


def _time(value):
    """A naive UTC datetime from Nova's time strings (with or without a
    Z or microseconds); None for nothing."""
    if not value:
        return None
    value = str(value).rstrip("Z").split("+")[0]
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _json(request):
    try:
        return request.json() if request.body else None
    except ValueError:
        return None


# The newest microversion _older_shape knows a difference below.
_NEWEST_SHAPE = (2, 84)


def _older_shape(path, version, body):
    """Remove from an answer what Nova adds after ``version`` (in place)."""
    if path == "/os-services" and version < (2, 53):
        for n, svc in enumerate(body.get("services", []), 1):
            svc["id"] = n
    if path == "/os-services" and version < (2, 11):
        for svc in body.get("services", []):
            svc.pop("forced_down", None)
    if path == "/os-hypervisors/detail" and version < (2, 53):
        for n, hyp in enumerate(body.get("hypervisors", []), 1):
            hyp["id"] = n
            hyp["service"] = dict(hyp.get("service") or {}, id=n)
    migrations = body.get("migrations") or (
        [body["migration"]] if isinstance(body.get("migration"), dict)
        else [])
    for mig in migrations:
        if version < (2, 59):
            mig.pop("uuid", None)
        if version < (2, 80):
            mig.pop("user_id", None)
            mig.pop("project_id", None)
    actions = body.get("instanceActions") or (
        [body["instanceAction"]] if isinstance(body.get("instanceAction"),
                                               dict) else [])
    for action in actions:
        if version < (2, 58):
            action.pop("updated_at", None)
        for event in action.get("events") or ():
            if version < (2, 62):
                event.pop("host", None)
                event.pop("hostId", None)
            if version < (2, 84):
                event.pop("details", None)
    if path == "/os-server-groups" and version < (2, 64):
        for group in body.get("server_groups", []):
            policy = group.pop("policy", None)
            group.pop("rules", None)
            group["policies"] = [policy] if policy else []
