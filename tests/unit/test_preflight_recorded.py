"""The pre-flight fed with what the demo cloud really answered.

tests/unit/recorded/democloud.json holds the demo cloud's answers (Nova
2.104) at the microversions the plugin asks for, recorded by record.py next
to it.  They are replayed at the HTTP layer, so the plugin's real api layer
(novaclient, and the Keystone session past novaclient's 2.96), the facts
gathering and the engine all run on them.
"""
import json
import os
import re
from urllib import parse

from openstack_auth import utils as auth_utils
from openstack_dashboard.test import helpers as test

from migration_dashboard.api import microversions
from migration_dashboard.core import preflight
from migration_dashboard.core.preflight import summary
from migration_dashboard.services import gather
from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY

RECORDED = os.path.join(os.path.dirname(__file__), "recorded",
                        "democloud.json")
with open(RECORDED) as _f:
    DATA = json.load(_f)
BY_NAME = {s["name"]: s for s in DATA["servers_2_98"]["servers"]}
LIVE = preflight.Kind.LIVE


def _version(request):
    header = request.headers.get("OpenStack-API-Version") or \
        "compute " + (request.headers.get("X-OpenStack-Nova-API-Version")
                      or "2.1")
    major, minor = header.split()[-1].split(".")
    return int(major), int(minor)


class Replay(FakeCloud):
    """The recorded answers at the HTTP layer; ``max_version`` is what the
    cloud says it serves (a 2.96 cloud answers as Nova 2.96 would)."""

    def __init__(self, max_version=DATA["max_version"], services="services",
                 aggregates=None, with_shares=()):
        # FakeCloud's HTTP mocking only, none of its made-up data.
        self.max_version = max_version
        self.services = services
        self.aggregates = aggregates or []
        self.with_shares = set(with_shares)
        self.calls = []  # (service, path, microversion)

    def _nova(self, request, path, query):
        if path.rstrip("/") in ("", "/v2", "/v2.1"):
            return {"version": {"id": "v2.1", "status": "CURRENT",
                                "version": self.max_version,
                                "min_version": "2.1"}}
        path = re.sub(r"^/v2(\.1)?", "", path)
        version = _version(request)
        assert version <= tuple(map(int, self.max_version.split("."))), (
            "asked %s above what the cloud serves" % (version,))
        if path == "/os-services":
            return DATA[self.services]
        if path == "/os-hypervisors/detail":
            return DATA["hypervisors"]
        if path == "/servers/detail":
            key = "servers_2_98" if version >= (2, 98) else "servers_2_96"
            host = query.get("host", [None])[0]
            return {"servers": [
                s for s in DATA[key]["servers"]
                if host in (None, s["OS-EXT-SRV-ATTR:host"])]}
        if path == "/os-server-groups":
            return DATA["server_groups"]
        if path == "/os-aggregates":
            return {"aggregates": self.aggregates}
        match = re.match(r"^/servers/([^/]+)$", path)
        if match:
            # One server as GET /servers/{id} answers: its record of the
            # recorded list (the names of server-group peers).
            key = "servers_2_98" if version >= (2, 98) else "servers_2_96"
            return {"server": next(s for s in DATA[key]["servers"]
                                   if s["id"] == match.group(1))}
        match = re.match(r"^/servers/([^/]+)/shares$", path)
        if match:
            # Nova 2.97's answer shape (api-ref: server shares).
            return {"shares": [
                {"share_id": "s-%s" % match.group(1)[:8],
                 "status": "active", "tag": "data"}]
                if match.group(1) in self.with_shares else []}
        raise AssertionError("not recorded: %s" % path)

    def _router(self, request, context):
        url = parse.urlsplit(request.url)
        query = parse.parse_qs(url.query)
        host = url.hostname or ""
        context.headers["Content-Type"] = "application/json"
        if "nova" in host:
            self.calls.append(("nova", url.path, _version(request)))
            return self._nova(request, url.path, query)
        self.calls.append((host, url.path, None))
        if "placement" in host:
            return DATA["allocation_candidates"]
        if "neutron" in host:
            return {"ports": []}
        raise AssertionError("not recorded: %s" % request.url)


    def __exit__(self, *exc):
        # The next test's cloud serves another maximum.
        microversions.forget()
        return super().__exit__(*exc)


class _Recorded(test.BaseAdminViewTests):

    def setUp(self):
        super().setUp()
        self.request.user = auth_utils.get_user(self.request)
        self.request.user.service_catalog = list(
            self.request.user.service_catalog) + [PLACEMENT_CATALOG_ENTRY]

    def _gather(self, host, names=None, **replay):
        ids = None if names is None else [BY_NAME[n]["id"] for n in names]
        with Replay(**replay) as cloud:
            facts = gather.gather(self.request, host, ids)
        return facts, cloud


class RecordedTests(_Recorded):

    def test_image_properties_read_at_2_98_through_the_session(self):
        facts, cloud = self._gather("cmp1")
        servers = [c for c in cloud.calls if c[1].endswith("/servers/detail")]
        self.assertEqual([(2, 98)], [c[2] for c in servers])
        # cirros-tiny has no properties: known and empty, not unknown.
        self.assertTrue(all(i.image_properties == {}
                            for i in facts.instances))
        results = facts.check(LIVE)
        codes = {f.code for fs in results.values() for f in fs}
        self.assertNotIn("image-properties-unknown", codes)

    def test_never_asks_above_what_the_cloud_serves(self):
        facts, cloud = self._gather("cmp1", max_version="2.96")
        servers = [c for c in cloud.calls if c[1].endswith("/servers/detail")]
        self.assertEqual([(2, 96)], [c[2] for c in servers])
        results = facts.check(LIVE)
        page, rows = summary.said_once(
            results, {i.id: i.label for i in facts.instances})
        # Unknown, and said once for all of them.
        unknown = [f for f in page if f.code == "image-properties-unknown"]
        self.assertEqual(1, len(unknown))
        self.assertIn("web-1", unknown[0].message)
        self.assertFalse(any(f.code == "image-properties-unknown"
                             for fs in rows.values() for f in fs))

    def test_no_manila_in_the_catalog_no_shares_read_or_said(self):
        facts, cloud = self._gather("cmp1")
        self.assertFalse([c for c in cloud.calls if "/shares" in c[1]])
        self.assertTrue(all(i.shares is False for i in facts.instances))
        results = facts.check(LIVE)
        self.assertFalse([f for fs in results.values() for f in fs
                          if "share" in f.code])

    def test_disabled_host_and_anti_affinity_peer_name_each_host(self):
        # ha-1 on cmp2; its anti-affinity peer ha-2 is on cmp3, and cmp3 is
        # disabled in this recording; cmp1 is free.
        facts, _cloud = self._gather("cmp2", ["ha-1"],
                                     services="services_cmp3_disabled")
        ha1 = BY_NAME["ha-1"]["id"]
        (note,) = [f for f in facts.check(LIVE)[ha1]
                   if f.code == "scheduler-candidates"]
        self.assertIn("among cmp1 (1 of 2 hosts)", note.message)
        self.assertEqual(
            ("cmp3: disabled (reason: 'recorded: planned maintenance')",),
            note.details)
        # To cmp3 itself: the peer is there (Nova's anti-affinity filter).
        findings = facts.check(LIVE, "cmp3")[ha1]
        conflict = [f for f in findings
                    if f.code == "anti-affinity-conflict"]
        self.assertEqual(1, len(conflict), findings)
        # The peer by its name (read once: no list the page reads has it).
        self.assertIn("(ha-2)", conflict[0].message)
        self.assertNotIn(BY_NAME["ha-2"]["id"], conflict[0].message)

    def test_no_host_left_for_ha_1(self):
        # Disabled cmp3 and cmp1 disabled by a placement "no room": the
        # recording has candidates on every node, so take cmp1 out of it.
        summaries = DATA["allocation_candidates"]["provider_summaries"]
        cmp1 = next(h["id"] for h in DATA["hypervisors"]["hypervisors"]
                    if h["service"]["host"] == "cmp1")
        saved = summaries.pop(cmp1)
        try:
            facts, _cloud = self._gather("cmp2", ["ha-1"],
                                         services="services_cmp3_disabled")
        finally:
            summaries[cmp1] = saved
        ha1 = BY_NAME["ha-1"]["id"]
        (blocker,) = [f for f in facts.check(LIVE)[ha1]
                      if f.code == "no-valid-host"]
        self.assertIn("cmp1: Placement: no room for", blocker.message)
        self.assertIn("cmp3: disabled (reason: 'recorded: planned "
                      "maintenance')", blocker.message)

    def test_physical_ram_from_the_hypervisor_record(self):
        facts, _cloud = self._gather("cmp1")
        hyp = {h["service"]["host"]: h
               for h in DATA["hypervisors"]["hypervisors"]}
        for name, host in facts.hosts.items():
            self.assertEqual(
                hyp[name]["memory_mb"] - hyp[name]["memory_mb_used"],
                host.physical_free_ram_mb)

    def test_aggregate_metadata_declares_shared_storage(self):
        aggregate = {"id": 1, "name": "ceph", "hosts": ["cmp2", "cmp3"],
                     "metadata": {"migration_dashboard:shared_storage":
                                  "true"}}
        facts, cloud = self._gather("cmp2", ["web-3"],
                                    aggregates=[aggregate])
        self.assertEqual(1, len([c for c in cloud.calls
                                 if c[1].endswith("/os-aggregates")]))
        shared = {n: h.shared_storage for n, h in facts.hosts.items()}
        self.assertEqual({"cmp1": False, "cmp2": True, "cmp3": True},
                         shared)
        web3 = facts.instances[0]
        evacuate = preflight.Request("evacuate")
        down = facts.hosts["cmp2"]
        down.state = "down"
        kept = preflight.check(web3, down, facts.hosts["cmp3"], evacuate)
        lost = preflight.check(web3, down, facts.hosts["cmp1"], evacuate)
        self.assertIn("evacuate-disk-kept", {f.code for f in kept})
        self.assertIn("evacuate-local-data-lost", {f.code for f in lost})
        self.assertFalse([n for n in facts.notes if "shared storage" in
                          str(n)])


class ManilaTests(_Recorded):
    """With a shared file system service in the catalog the shares are read
    (2.97), one call per instance, and attached shares block the move."""

    def setUp(self):
        super().setUp()
        self.request.user.service_catalog = list(
            self.request.user.service_catalog) + [{
                "type": "sharev2", "name": "manilav2", "endpoints_links": [],
                "endpoints": [{"region": "RegionOne", "interface": "public",
                               "url": "http://manila.example.com/v2"}]}]

    def test_attached_shares_block_every_move(self):
        web1 = BY_NAME["web-1"]["id"]
        facts, cloud = self._gather("cmp1", ["web-1", "web-2"],
                                    with_shares={web1})
        shares = [c for c in cloud.calls if c[1].endswith("/shares")]
        self.assertEqual([(2, 97), (2, 97)], [c[2] for c in shares])
        by_id = {i.id: i for i in facts.instances}
        self.assertIs(True, by_id[web1].shares)
        self.assertIs(False, by_id[BY_NAME["web-2"]["id"]].shares)
        findings = facts.check(LIVE)[web1]
        self.assertIn("shares", {f.code for f in findings if
                                 f.severity is preflight.BLOCKER})

    def test_a_cloud_below_2_97_is_not_asked(self):
        facts, cloud = self._gather("cmp1", ["web-1"], max_version="2.96")
        self.assertFalse([c for c in cloud.calls if "/shares" in c[1]])
        self.assertIs(False, facts.instances[0].shares)
