"""The api layer at the HTTP layer: what each call sends and what it makes
of the answer.

View tests mock the api module, so a wrapper that dropped the operator's
chosen host, sent the wrong microversion or misread Placement's inventory
would pass them all.  Here the real wrappers, novaclient and keystoneauth
run against the fake cloud (tests/unit/fake_cloud.py) and each test reads
the request as it left: method, path, ``OpenStack-API-Version`` header and
JSON body.  Expected values are written out by hand from Nova's and
Placement's API references, not read from the plugin's constants.
"""
import json
import logging
from urllib import parse

from openstack_auth import utils as auth_utils
from openstack_dashboard.test import helpers as test

from migration_dashboard.api import nova
from migration_dashboard.api import placement
from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

INSTANCE = "inst-cmp1-0"
PROVIDER = "00000000-0000-4000-8000-000000000001"


class _ApiTest(PlacementCatalogMixin, test.BaseAdminViewTests):
    max_version = "2.96"

    def setUp(self):
        super().setUp()
        # The admin user Horizon's helpers log in, on a plain request.
        self.request.user = auth_utils.get_user(self.request)
        self.cloud = FakeCloud(max_version=self.max_version)
        self.cloud.catalog = self.service_catalog
        self.cloud.__enter__()
        self.addCleanup(self.cloud.__exit__, None, None, None)

    def _sent(self, method, path_end):
        """The requests (method, path, header, body) that ended so."""
        found = []
        for req in self.cloud._mock.request_history:
            path = parse.urlsplit(req.url).path
            if req.method == method and path.endswith(path_end):
                body = json.loads(req.body) if req.body else None
                # Below 2.27 novaclient sends only the older header.
                header = req.headers.get("OpenStack-API-Version")
                if header is None and "X-OpenStack-Nova-API-Version" in \
                        req.headers:
                    header = "compute " + req.headers[
                        "X-OpenStack-Nova-API-Version"]
                found.append((req.method, path, header, body))
        return found

    def _one(self, method, path_end):
        found = self._sent(method, path_end)
        self.assertEqual(1, len(found), found)
        return found[0]

    def _writes(self):
        return [(m, p, b) for m, p, b, _status in self.cloud.writes]


class LiveMigrationRequestTests(_ApiTest):

    def test_the_chosen_host_and_block_migration_are_sent(self):
        nova.server_live_migrate(self.request, INSTANCE, host="cmp3",
                                 block_migration=True)
        method, path, header, body = self._one("POST", "/action")
        self.assertEqual("/v2/servers/%s/action" % INSTANCE, path)
        # 2.68: no "force" at all, the scheduler checks a chosen host.
        self.assertEqual("compute 2.68", header)
        self.assertEqual({"os-migrateLive": {"host": "cmp3",
                                             "block_migration": True}},
                         body)

    def test_without_a_host_the_scheduler_chooses(self):
        nova.server_live_migrate(self.request, INSTANCE)
        _m, _p, _h, body = self._one("POST", "/action")
        self.assertEqual({"os-migrateLive": {"host": None,
                                             "block_migration": "auto"}},
                         body)

    def test_shared_storage_is_block_migration_false(self):
        nova.server_live_migrate(self.request, INSTANCE, host="cmp2",
                                 block_migration=False)
        _m, _p, _h, body = self._one("POST", "/action")
        self.assertIs(False, body["os-migrateLive"]["block_migration"])
        self.assertEqual("cmp2", body["os-migrateLive"]["host"])

    def test_instance_id_is_quoted_into_the_path(self):
        from novaclient import exceptions as nova_exceptions
        # The fake has no such instance (404): what matters is the URL.
        with self.assertRaises(nova_exceptions.NotFound):
            nova.server_live_migrate(self.request, "a/b", host="cmp2")
        found = [r for r in self.cloud._mock.request_history
                 if r.method == "POST"]
        self.assertEqual(1, len(found))
        self.assertIn("/servers/a%2Fb/action", found[0].url)


class LiveMigrationOldNovaTests(_ApiTest):
    # Before 2.25 block_migration is a boolean and disk_over_commit is
    # required.
    max_version = "2.24"

    def test_boolean_block_migration_and_disk_over_commit(self):
        nova.server_live_migrate(self.request, INSTANCE, host="cmp2",
                                 block_migration=True)
        _m, _p, header, body = self._one("POST", "/action")
        self.assertEqual("compute 2.24", header)
        self.assertEqual({"os-migrateLive": {
            "host": "cmp2", "block_migration": True,
            "disk_over_commit": False}}, body)

    def test_auto_is_refused_before_anything_is_sent(self):
        with self.assertRaises(nova.NotSupported) as caught:
            nova.server_live_migrate(self.request, INSTANCE)
        self.assertIn("2.25", str(caught.exception))
        self.assertEqual([], self._writes())


class ColdMigrationRequestTests(_ApiTest):

    def test_the_chosen_host_is_sent(self):
        nova.server_migrate(self.request, INSTANCE, host="cmp2")
        _m, path, header, body = self._one("POST", "/action")
        self.assertEqual("/v2/servers/%s/action" % INSTANCE, path)
        self.assertEqual("compute 2.56", header)
        self.assertEqual({"migrate": {"host": "cmp2"}}, body)

    def test_without_a_host(self):
        nova.server_migrate(self.request, INSTANCE)
        _m, _p, _h, body = self._one("POST", "/action")
        self.assertEqual({"migrate": None}, body)

    def test_confirm_and_revert(self):
        nova.server_confirm_resize(self.request, INSTANCE)
        nova.server_revert_resize(self.request, INSTANCE)
        self.assertEqual(
            [{"confirmResize": None}, {"revertResize": None}],
            [b for _m, _p, _h, b in self._sent("POST", "/action")])


class ColdMigrationOldNovaTests(_ApiTest):
    max_version = "2.55"

    def test_a_chosen_host_needs_2_56_and_nothing_is_sent(self):
        with self.assertRaises(nova.NotSupported):
            nova.server_migrate(self.request, INSTANCE, host="cmp2")
        self.assertEqual([], self._writes())


class ServiceUpdateRequestTests(_ApiTest):

    def test_disable_sends_the_reason_by_service_uuid(self):
        reason = "maintenance: DIMM swap (ticket 4711)"
        service = nova.service_disable(self.request, "cmp2", reason)
        _m, path, header, body = self._one("PUT", "/os-services/svc-cmp2")
        self.assertEqual("compute 2.53", header)
        self.assertEqual({"status": "disabled", "disabled_reason": reason},
                         body)
        self.assertEqual(reason, service.disabled_reason)

    def test_enable(self):
        nova.service_enable(self.request, "cmp3")
        _m, _p, _h, body = self._one("PUT", "/os-services/svc-cmp3")
        self.assertEqual({"status": "enabled"}, body)

    def test_force_down(self):
        nova.service_force_down(self.request, "cmp1", True)
        _m, _p, _h, body = self._one("PUT", "/os-services/svc-cmp1")
        self.assertEqual({"forced_down": True}, body)

    def test_the_service_is_looked_up_by_host(self):
        nova.service_enable(self.request, "cmp3")
        _m, path, _h, _b = self._one("GET", "/os-services")
        query = parse.parse_qs(parse.urlsplit(
            [r.url for r in self.cloud._mock.request_history
             if r.method == "GET" and "/os-services" in r.url][0]).query)
        self.assertEqual({"binary": ["nova-compute"], "host": ["cmp3"]},
                         query)


class ServiceUpdateOldNovaTests(_ApiTest):
    max_version = "2.52"

    def test_disable_with_a_reason_by_host_and_binary(self):
        nova.service_disable(self.request, "cmp2", "fan noise")
        _m, path, _h, body = self._one(
            "PUT", "/os-services/disable-log-reason")
        self.assertEqual({"host": "cmp2", "binary": "nova-compute",
                          "disabled_reason": "fan noise"}, body)

    def test_enable_by_host_and_binary(self):
        nova.service_enable(self.request, "cmp2")
        _m, _p, _h, body = self._one("PUT", "/os-services/enable")
        self.assertEqual({"host": "cmp2", "binary": "nova-compute"}, body)


class MigrationActionRequestTests(_ApiTest):
    # Migration 0 of the fake cloud is a running live migration of
    # inst-cmp1-0.

    def test_abort_is_a_delete_of_the_migration(self):
        nova.migration_abort(self.request, INSTANCE, 0)
        method, path, header, body = self._one("DELETE", "/migrations/0")
        self.assertEqual("/v2/servers/%s/migrations/0" % INSTANCE, path)
        # 2.65: queued and preparing migrations can be aborted too.
        self.assertEqual("compute 2.65", header)
        self.assertIsNone(body)

    def test_force_complete_posts_the_action(self):
        nova.migration_force_complete(self.request, INSTANCE, 0)
        _m, path, header, body = self._one("POST", "/migrations/0/action")
        self.assertEqual("/v2/servers/%s/migrations/0/action" % INSTANCE,
                         path)
        self.assertEqual("compute 2.22", header)
        self.assertEqual({"force_complete": None}, body)

    def test_nova_refusal_reaches_the_caller(self):
        # A completed migration: Nova answers 400 and the wrapper must
        # not swallow it (the view turns it into a message).
        from novaclient import exceptions as nova_exceptions
        self.cloud.add_migration(77, "inst-cmp2-0", "cmp2", "cmp3",
                                 "completed", "2026-01-01T00:00:00")
        with self.assertRaises(nova_exceptions.BadRequest) as caught:
            nova.migration_abort(self.request, "inst-cmp2-0", 77)
        self.assertIn("completed", str(caught.exception))


class MigrationActionOldNovaTests(_ApiTest):
    max_version = "2.23"

    def test_abort_needs_2_24_and_nothing_is_sent(self):
        with self.assertRaises(nova.NotSupported):
            nova.migration_abort(self.request, INSTANCE, 0)
        self.assertEqual([], self._sent("DELETE", "/migrations/0"))


class EvacuationRequestTests(_ApiTest):
    SECRET = "Tr0ub4dor&3-not-in-logs"

    def test_host_and_password_are_sent_at_2_95(self):
        nova.instance_evacuate(self.request, INSTANCE, host="cmp2",
                               password=self.SECRET)
        _m, path, header, body = self._one("POST", "/action")
        self.assertEqual("/v2/servers/%s/action" % INSTANCE, path)
        self.assertEqual("compute 2.95", header)
        self.assertEqual({"evacuate": {"host": "cmp2",
                                       "adminPass": self.SECRET}}, body)

    def test_keep_state_asks_2_94(self):
        nova.instance_evacuate(self.request, INSTANCE, keep_state=True)
        _m, _p, header, body = self._one("POST", "/action")
        self.assertEqual("compute 2.94", header)
        # No host: the scheduler chooses; no password: Nova generates none.
        self.assertEqual({"evacuate": {}}, body)

    def test_the_password_never_reaches_a_log(self):
        # Every logger on the way at DEBUG, as a deployment debugging its
        # Nova calls runs them (keystoneauth logs request bodies there).
        records = _capture_debug(self, ("keystoneauth", "novaclient",
                                        "migration_dashboard", "horizon",
                                        "openstack_dashboard", "urllib3"))
        nova.instance_evacuate(self.request, INSTANCE, host="cmp2",
                               password=self.SECRET)
        text = "\n".join(r.getMessage() for r in records)
        # Requests were logged (the version discovery: so the check below
        # is not vacuous) ...
        self.assertIn("REQ: curl", text)
        # ... but nowhere with the password ...
        self.assertNotIn(self.SECRET, text)
        # ... which did go out to Nova.
        _m, _p, _h, body = self._one("POST", "/action")
        self.assertEqual(self.SECRET, body["evacuate"]["adminPass"])

    def test_a_password_nova_sends_back_is_not_logged(self):
        # Below 2.14 Nova may answer with the admin password.
        records = _capture_debug(self, ("keystoneauth", "novaclient"))
        self.cloud.max_version = "2.13"
        original = self.cloud._server_action

        def answer(request, context, instance_id):
            original(request, context, instance_id)
            context.status_code = 200
            return {"adminPass": self.SECRET}
        self.cloud._server_action = answer
        returned = nova.instance_evacuate(self.request, INSTANCE)
        self.assertEqual(self.SECRET, returned)
        self.assertNotIn(self.SECRET,
                         "\n".join(r.getMessage() for r in records))


def _capture_debug(test_case, names):
    """Every record the named loggers emit at DEBUG during the test."""
    records = []

    class _Keep(logging.Handler):
        def emit(self, record):
            records.append(record)
    handler = _Keep(level=logging.DEBUG)
    for name in names:
        lg = logging.getLogger(name)
        test_case.addCleanup(lg.setLevel, lg.level)
        test_case.addCleanup(lg.removeHandler, handler)
        lg.setLevel(logging.DEBUG)
        lg.addHandler(handler)
    return records


class EvacuationOldNovaTests(_ApiTest):
    max_version = "2.13"

    def test_on_shared_storage_false_is_required_before_2_14(self):
        nova.instance_evacuate(self.request, INSTANCE, host="cmp2")
        _m, _p, header, body = self._one("POST", "/action")
        self.assertEqual("compute 2.13", header)
        self.assertEqual({"evacuate": {"host": "cmp2",
                                       "onSharedStorage": False}}, body)


class PlacementCapacityTests(_ApiTest):
    """provider_capacity: capacity = (total - reserved) * allocation_ratio,
    free = capacity - used, from Placement's inventories and usages."""

    def setUp(self):
        super().setUp()
        # Numbers chosen so that ignoring "reserved", the ratio or the
        # usage each gives a different answer.
        self.cloud._INVENTORIES = {
            "VCPU": {"total": 16, "reserved": 2, "allocation_ratio": 4.0},
            "MEMORY_MB": {"total": 32768, "reserved": 4096,
                          "allocation_ratio": 1.5},
            "DISK_GB": {"total": 500, "reserved": 0,
                        "allocation_ratio": 1.0}}
        self.cloud._USAGES = {"VCPU": 10, "MEMORY_MB": 8192}

    def test_capacity_honours_reserved_and_ratio(self):
        result = placement.provider_capacity(self.request, PROVIDER)
        self.assertEqual({
            "VCPU": {"total": 16, "reserved": 2, "allocation_ratio": 4.0,
                     "capacity": 56, "used": 10, "free": 46},
            "MEMORY_MB": {"total": 32768, "reserved": 4096,
                          "allocation_ratio": 1.5,
                          "capacity": 43008, "used": 8192,
                          "free": 34816},
            # No usage reported for a class: nothing used.
            "DISK_GB": {"total": 500, "reserved": 0,
                        "allocation_ratio": 1.0,
                        "capacity": 500, "used": 0, "free": 500},
        }, result)

    def test_a_fractional_capacity_is_rounded_down(self):
        # 3 * 1.5 = 4.5 vCPUs: the scheduler can place 4.
        self.cloud._INVENTORIES = {
            "VCPU": {"total": 4, "reserved": 1, "allocation_ratio": 1.5}}
        self.cloud._USAGES = {}
        result = placement.provider_capacity(self.request, PROVIDER)
        self.assertEqual(4, result["VCPU"]["capacity"])
        self.assertEqual(4, result["VCPU"]["free"])

    def test_missing_reserved_and_ratio_default_to_0_and_1(self):
        self.cloud._INVENTORIES = {"VCPU": {"total": 8}}
        self.cloud._USAGES = {"VCPU": 3}
        result = placement.provider_capacity(self.request, PROVIDER)
        self.assertEqual(8, result["VCPU"]["capacity"])
        self.assertEqual(5, result["VCPU"]["free"])

    def test_two_calls_with_the_placement_microversion(self):
        placement.provider_capacity(self.request, PROVIDER)
        sent = [r for r in self.cloud._mock.request_history
                if "placement" in r.url]
        self.assertEqual(
            [("GET", "/placement/resource_providers/%s/inventories"
              % PROVIDER, "placement 1.14"),
             ("GET", "/placement/resource_providers/%s/usages" % PROVIDER,
              "placement 1.14")],
            [(r.method, parse.urlsplit(r.url).path,
              r.headers.get("OpenStack-API-Version")) for r in sent])


class AllocationCandidatesTests(_ApiTest):

    def test_one_call_with_the_resources_asked(self):
        placement.allocation_candidates(
            self.request, {"VCPU": 2, "MEMORY_MB": 2048, "DISK_GB": 0})
        sent = [r for r in self.cloud._mock.request_history
                if "placement" in r.url]
        self.assertEqual(1, len(sent))
        url = parse.urlsplit(sent[0].url)
        self.assertEqual("/placement/allocation_candidates", url.path)
        # Sorted; a class asked for zero is left out (Placement refuses
        # amounts below 1).
        self.assertEqual({"resources": ["MEMORY_MB:2048,VCPU:2"]},
                         parse.parse_qs(url.query))
        self.assertEqual("placement 1.17",
                         sent[0].headers.get("OpenStack-API-Version"))

    def test_free_is_capacity_minus_used_and_traits_are_kept(self):
        # The fake's inventory: VCPU 64 x 4.0, used 8; MEMORY_MB 262144
        # minus 512 reserved, used 16384.  At 1.17 a summary holds the
        # classes asked for only.
        result = placement.allocation_candidates(
            self.request, {"VCPU": 1, "MEMORY_MB": 1})
        self.assertEqual(3, len(result))
        summary = result[PROVIDER]
        self.assertEqual({"capacity": 256, "used": 8, "free": 248},
                         summary["resources"]["VCPU"])
        self.assertEqual({"capacity": 261632, "used": 16384,
                          "free": 245248},
                         summary["resources"]["MEMORY_MB"])
        self.assertEqual(frozenset({"COMPUTE_STATUS_ENABLED"}),
                         summary["traits"])


class SchedulerCountReadTests(_ApiTest):
    """The hosts list's reads: every provider's name, and allocation
    candidates at 1.27, whose summaries hold every class of a provider."""

    def setUp(self):
        super().setUp()
        # cmp2 (PROVIDER): numbers where forgetting "reserved", the ratio
        # or the allocations each gives another answer.
        self.cloud.inventories["cmp2"] = {
            "VCPU": {"total": 8, "reserved": 0, "allocation_ratio": 4.0},
            "MEMORY_MB": {"total": 16384, "reserved": 512,
                          "allocation_ratio": 1.5},
            "DISK_GB": {"total": 100, "reserved": 10,
                        "allocation_ratio": 1.0}}
        self.cloud.usages["cmp2"] = {"VCPU": 6, "MEMORY_MB": 2048}

    def _placement_sent(self):
        return [(r.method, parse.urlsplit(r.url).path,
                 parse.parse_qs(parse.urlsplit(r.url).query),
                 r.headers.get("OpenStack-API-Version"))
                for r in self.cloud._mock.request_history
                if "placement" in r.url]

    def test_provider_names_in_one_call(self):
        names = placement.provider_names(self.request)
        self.assertEqual({"00000000-0000-4000-8000-000000000000": "cmp1",
                          PROVIDER: "cmp2",
                          "00000000-0000-4000-8000-000000000002": "cmp3"},
                         names)
        self.assertEqual(
            [("GET", "/placement/resource_providers", {},
              "placement 1.14")], self._placement_sent())

    def test_every_class_of_a_provider_asked_one_vcpu_at_1_27(self):
        result = placement.allocation_candidates(
            self.request, {"VCPU": 1}, version="1.27")
        self.assertEqual(
            [("GET", "/placement/allocation_candidates",
              {"resources": ["VCPU:1"]}, "placement 1.27")],
            self._placement_sent())
        self.assertEqual({
            # (8 - 0) x 4.0 = 32, 6 allocated.
            "VCPU": {"capacity": 32, "used": 6, "free": 26},
            # (16384 - 512) x 1.5 = 23808, 2048 allocated.
            "MEMORY_MB": {"capacity": 23808, "used": 2048, "free": 21760},
            # (100 - 10) x 1.0 = 90, nothing allocated.
            "DISK_GB": {"capacity": 90, "used": 0, "free": 90},
        }, result[PROVIDER]["resources"])

    def test_a_provider_without_room_is_not_in_the_answer(self):
        self.cloud.usages["cmp2"] = {"VCPU": 32}
        result = placement.allocation_candidates(
            self.request, {"VCPU": 1}, version="1.27")
        self.assertNotIn(PROVIDER, result)
        self.assertEqual(2, len(result))


class HypervisorRecordTests(_ApiTest):

    def test_capacity_fields_as_nova_sent_them(self):
        hypervisors = nova.hypervisor_list(self.request, with_servers=True)
        self.assertEqual(["cmp1", "cmp2", "cmp3"],
                         [h.host for h in hypervisors])
        first = hypervisors[0]
        self.assertEqual((64, 8, 262144, 16384, 2000, 100),
                         (first.vcpus, first.vcpus_used, first.memory_mb,
                          first.memory_mb_used, first.local_gb,
                          first.local_gb_used))
        self.assertEqual(
            {"inst-cmp1-%d" % n for n in range(4)},
            {s if isinstance(s, str) else s.get("uuid")
             for s in first.servers})
        _m, _p, header, _b = self._one("GET", "/os-hypervisors/detail")
        self.assertEqual("compute 2.87", header)


class PagingTests(_ApiTest):
    """Nova's ``next`` links are followed with the caller's filters kept,
    and only their path and query are used (the session's endpoint)."""

    def setUp(self):
        super().setUp()
        self.cloud.__exit__(None, None, None)
        self.cloud = FakeCloud(hosts=5, instances_per_host=1, page_limit=2)
        self.cloud.catalog = self.service_catalog
        self.cloud.__enter__()
        # Its own cleanup: the one setUp registered is bound to the first
        # cloud, and a mock left on answers every later test's HTTP.
        self.addCleanup(self.cloud.__exit__, None, None, None)

    def test_every_hypervisor_over_three_pages_with_servers_kept(self):
        hypervisors = nova.hypervisor_list(self.request, with_servers=True)
        self.assertEqual(["cmp1", "cmp2", "cmp3", "cmp4", "cmp5"],
                         [h.host for h in hypervisors])
        urls = [parse.urlsplit(r.url) for r in
                self.cloud._mock.request_history
                if "/os-hypervisors/detail" in r.url]
        self.assertEqual(3, len(urls))
        for url in urls:
            self.assertEqual("public.nova.example.com", url.hostname)
            self.assertEqual(["true"],
                             parse.parse_qs(url.query)["with_servers"])

    def test_instances_of_every_project_over_pages(self):
        instances = nova.instance_list(self.request)
        self.assertEqual(5, len({i.id for i in instances}))
        queries = [parse.parse_qs(parse.urlsplit(r.url).query) for r in
                   self.cloud._mock.request_history
                   if "/servers/detail" in r.url]
        self.assertEqual(3, len(queries))
        self.assertTrue(all(q["all_tenants"] == ["True"] for q in queries))
