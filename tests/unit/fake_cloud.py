"""A fake Nova/Placement/Keystone at the HTTP layer (requests-mock).

The plugin's real api module, novaclient, Horizon's tables and templates all
run; only the HTTP answers are made up, at any scale.  Every request is
recorded so tests can count the calls a page costs.
"""
import json
import re
from urllib import parse

import requests_mock

MAX_VERSION = "2.96"


class FakeCloud:
    def __init__(self, hosts=3, instances_per_host=4, migrations=10,
                 page_limit=1000):
        self.hosts = ["cmp%d" % i for i in range(1, hosts + 1)]
        self.page_limit = page_limit
        self.instances = [
            {"id": "inst-%s-%d" % (h, n), "name": "vm-%s-%d" % (h, n),
             "status": "ACTIVE", "tenant_id": "proj-%d" % (n % 2),
             "OS-EXT-SRV-ATTR:host": h, "OS-EXT-STS:task_state": None,
             "flavor": {"original_name": "m1.small", "vcpus": 1,
                        "ram": 2048, "disk": 10,
                        "extra_specs": {"hw:cpu_policy": "dedicated"}
                        if n == 0 else {}},
             "image": {"id": "img"}, "config_drive": ""}
            for h in self.hosts for n in range(instances_per_host)]
        self.migrations = [
            {"id": n, "uuid": "mig-%d" % n,
             "instance_uuid": self.instances[n % len(self.instances)]["id"]
             if self.instances else "x",
             "source_compute": self.hosts[n % len(self.hosts)],
             "dest_compute": self.hosts[(n + 1) % len(self.hosts)],
             "status": "running" if n % 5 == 0 else "completed",
             "migration_type": "live-migration", "project_id": "proj-0",
             "created_at": "2026-11-26T10:00:%02d.000000" % (n % 60),
             "updated_at": "2026-11-26T10:01:%02d.000000" % (n % 60)}
            for n in range(migrations)]
        self.calls = []
        self.failures = {}

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

    def _nova(self, request, context, path, query):
        if path.rstrip("/") in ("", "/v2", "/v2.1"):
            return {"version": {"id": "v2.1", "status": "CURRENT",
                                "version": MAX_VERSION,
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
            body = request.json()
            return {"service": dict(body, id=path.split("/")[-1])}
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
            return self._page(items, query, "hypervisors")
        if path == "/servers/detail":
            host = query.get("host", [None])[0]
            items = [i for i in self.instances
                     if host in (None, i["OS-EXT-SRV-ATTR:host"])]
            return self._page(items, query, "servers")
        if path == "/os-migrations":
            host = query.get("host", [None])[0]
            items = [m for m in self.migrations
                     if host in (None, m["source_compute"],
                                 m["dest_compute"])]
            return self._page(items, query, "migrations")
        context.status_code = 404
        return {"itemNotFound": {"code": 404,
                                 "message": "fake: no route %s" % path}}

    def _router(self, request, context):
        url = parse.urlsplit(request.url)
        query = parse.parse_qs(url.query)
        host = url.hostname or ""
        service = ("nova" if "nova" in host else
                   "placement" if "placement" in host else
                   "keystone" if "keystone" in host else host)
        self.calls.append((service, request.method, url.path))
        for regex, (status, message) in self.failures.items():
            if regex.search(url.path):
                context.status_code = status
                return {"error": {"code": status, "message": message}}
        context.headers["Content-Type"] = "application/json"
        if service == "nova":
            context.headers["OpenStack-API-Version"] = "compute " + \
                MAX_VERSION
            return self._nova(request, context, url.path, query)
        if service == "keystone" and url.path.endswith("/projects"):
            return {"projects": [{"id": "proj-%d" % i, "name": "p%d" % i,
                                  "domain_id": "default", "enabled": True}
                                 for i in range(2)], "links": {}}
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
