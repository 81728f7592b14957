"""The api layer's other calls at the HTTP layer: the reads behind the
migration status, instance and pre-flight pages, the instance actions the
pages offer, Keystone's names, the message an older Nova gets instead of a
request it would refuse, and the service updates' legacy shapes before
2.53 (``PUT /os-services/disable`` without a reason, ``force-down``
2.11-2.52; test_api_http.py has the others).

As in test_api_http.py (whose helpers these tests share), the real wrappers
run against the fake cloud and each test reads the request as it left;
expected values are written out from Nova's API reference by hand.
"""
import re
from unittest import mock
from urllib import parse

from novaclient import exceptions as nova_exceptions

from migration_dashboard.api import keystone
from migration_dashboard.api import nova
from migration_dashboard.api import nova_records
from migration_dashboard.api import placement
from tests.unit import test_api_http

INSTANCE = test_api_http.INSTANCE
GIB = 1024 ** 3


class _ApiTest(test_api_http._ApiTest):

    def _answer(self, method, path_regex, body, status=200):
        """Answer ``method`` on paths matching ``path_regex`` with
        ``body`` (registered last, so it wins over the fake's route)."""
        def reply(request, context):
            context.status_code = status
            context.headers["OpenStack-API-Version"] = request.headers.get(
                "OpenStack-API-Version", "")
            return body
        self.cloud._mock.register_uri(method, re.compile(path_regex),
                                      json=reply)


class MigrationStatusReadTests(_ApiTest):

    def test_one_server_migration_with_its_bytes(self):
        self._answer("GET", r"/servers/%s/migrations/17$" % INSTANCE, {
            "migration": {"id": 17, "server_uuid": INSTANCE,
                          "status": "running",
                          "memory_total_bytes": 4 * GIB,
                          "memory_processed_bytes": GIB,
                          "memory_remaining_bytes": 3 * GIB,
                          "disk_total_bytes": None}})
        migration = nova.server_migration_get(self.request, INSTANCE, 17)
        method, path, header, _body = self._one("GET", "/migrations/17")
        self.assertEqual("/v2/servers/%s/migrations/17" % INSTANCE, path)
        self.assertEqual("compute 2.80", header)
        self.assertEqual((4 * GIB, GIB, 3 * GIB),
                         (migration.memory_total, migration.memory_processed,
                          migration.memory_remaining))
        # null and absent: not known, never 0.
        self.assertIsNone(migration.disk_total)
        self.assertIsNone(migration.disk_processed)

    def test_the_short_field_names_are_read_too(self):
        migration = nova_records.ServerMigration(
            {"memory_total": "2048", "disk_remaining": 5})
        self.assertEqual(2048, migration.memory_total)
        self.assertEqual(5, migration.disk_remaining)
        both = nova_records.ServerMigration(
            {"memory_total_bytes": 10, "memory_total": 99})
        self.assertEqual(10, both.memory_total)

    def test_instance_actions_with_their_events(self):
        nova.instance_action_list(self.request, INSTANCE)
        action = nova.instance_action_get(self.request, INSTANCE, "req-1")
        self.assertEqual(
            ("GET", "/v2/servers/%s/os-instance-actions" % INSTANCE,
             "compute 2.84", None),
            self._one("GET", "/os-instance-actions"))
        self.assertEqual(
            ("GET", "/v2/servers/%s/os-instance-actions/req-1" % INSTANCE,
             "compute 2.84", None),
            self._one("GET", "/os-instance-actions/req-1"))
        self.assertEqual("req-1", action.request_id)

    def test_the_actions_nova_lists(self):
        self._answer("GET", r"/os-instance-actions$", {"instanceActions": [
            {"action": "live-migration", "request_id": "req-2"},
            {"action": "create", "request_id": "req-1"}]})
        actions = nova.instance_action_list(self.request, INSTANCE)
        self.assertEqual([("req-2", "live-migration"), ("req-1", "create")],
                         [(a.request_id, a.action) for a in actions])

    def test_an_answer_without_the_record_reads_as_unknown(self):
        # A page then shows "unknown", not an error.
        self._answer("GET", r"/os-instance-actions/req-9$", {})
        self._answer("GET", r"/servers/%s$" % INSTANCE, {})
        self.assertIsNone(nova.instance_action_get(
            self.request, INSTANCE, "req-9").request_id)
        self.assertIsNone(nova.instance_get(self.request, INSTANCE).name)

    def test_a_record_names_itself_in_logs(self):
        self.assertEqual("<Service svc-1>",
                         repr(nova_records.Service({"id": "svc-1"})))

    def test_ids_are_quoted_into_the_paths(self):
        for call in (
                lambda: nova.instance_action_list(self.request, "a/b"),
                lambda: nova.instance_action_get(self.request, "a/b", "r/1"),
                lambda: nova.instance_get(self.request, "a/b"),
                lambda: nova.server_migration_get(self.request, "a/b", "m/2")):
            with self.assertRaises(nova_exceptions.NotFound):
                call()
        paths = [parse.urlsplit(r.url).path
                 for r in self.cloud._mock.request_history
                 if "a%2Fb" in r.url]
        self.assertEqual([
            "/v2/servers/a%2Fb/os-instance-actions",
            "/v2/servers/a%2Fb/os-instance-actions/r%2F1",
            "/v2/servers/a%2Fb",
            "/v2/servers/a%2Fb/migrations/m%2F2"], paths)

    def test_one_instance(self):
        instance = nova.instance_get(self.request, INSTANCE)
        self.assertEqual("vm-cmp1-0", instance.name)
        self.assertEqual(("GET", "/v2/servers/%s" % INSTANCE, "compute 2.96",
                          None), self._one("GET", "/servers/%s" % INSTANCE))

    def test_the_microversions_the_pages_offer_by(self):
        self.assertEqual("2.96", nova.compute_microversion(self.request))
        self.assertEqual("2.95", nova.evacuate_microversion(self.request))
        self.assertEqual("2.94", nova.evacuate_microversion(
            self.request, keep_state=True))


class OldNovaMessageTests(_ApiTest):
    """What an operator reads when the cloud is too old for the action."""

    max_version = "2.21"

    def test_each_refusal_names_the_action_and_both_versions(self):
        cases = (
            (lambda: nova.migration_force_complete(self.request, INSTANCE,
                                                   1),
             "Forcing a live migration to complete needs Nova microversion "
             "2.22 or later (the cloud serves 2.21)."),
            (lambda: nova.migration_abort(self.request, INSTANCE, 1),
             "Aborting a live migration needs Nova microversion 2.24 or "
             "later (the cloud serves 2.21)."),
            (lambda: nova.server_migrate(self.request, INSTANCE, host="cmp2"),
             "Cold migration to a chosen host needs Nova microversion 2.56 "
             "or later (the cloud serves 2.21)."),
            (lambda: nova.server_migration_get(self.request, INSTANCE, 1),
             "Showing a server migration needs Nova microversion 2.23 or "
             "later (the cloud serves 2.21)."),
            (lambda: nova.server_live_migrate(self.request, INSTANCE),
             "Block migration 'auto' needs Nova microversion 2.25 or later "
             "(the cloud serves 2.21)."),
        )
        for call, message in cases:
            with self.assertRaises(nova.NotSupported) as caught:
                call()
            self.assertEqual(message, str(caught.exception))
        self.assertEqual([], self._writes())
        self.assertEqual([], self._sent("GET", "/migrations/1"))

    def test_the_older_microversions_the_pages_offer_by(self):
        self.assertEqual("2.21", nova.compute_microversion(self.request))
        self.assertEqual("2.21", nova.evacuate_microversion(self.request))


class InstanceActionRequestTests(_ApiTest):

    def test_reset_state_and_start(self):
        # The fake's Nova knows no os-resetState: accepted here (202).
        self._answer("POST", r"/action$", None, status=202)
        nova.instance_reset_state(self.request, INSTANCE, "error")
        nova.server_start(self.request, INSTANCE)
        sent = self._sent("POST", "/action")
        self.assertEqual(
            [("POST", "/v2/servers/%s/action" % INSTANCE, "compute 2.96",
              {"os-resetState": {"state": "error"}}),
             ("POST", "/v2/servers/%s/action" % INSTANCE, "compute 2.96",
              {"os-start": None})], sent)


class InstanceListTests(_ApiTest):

    def _query(self):
        (request,) = [r for r in self.cloud._mock.request_history
                      if "/servers/detail" in r.url]
        return (parse.parse_qs(parse.urlsplit(request.url).query),
                request.headers.get("OpenStack-API-Version"))

    def test_every_filter_is_sent(self):
        instances = nova.instance_list(
            self.request, host="cmp2", changes_since="2026-03-01T10:00:00Z",
            name="web.1 (a+b)")
        query, header = self._query()
        # The name as a regular expression matching it and only it.
        self.assertEqual({"all_tenants": ["True"], "host": ["cmp2"],
                          "changes-since": ["2026-03-01T10:00:00Z"],
                          "name": [r"^web\.1\ \(a\+b\)$"]}, query)
        self.assertEqual("compute 2.96", header)
        self.assertEqual({"cmp2"}, {i.host for i in instances})

    def test_image_properties_ask_2_98_past_novaclient(self):
        self.cloud.max_version = "2.98"
        nova.instance_list(self.request, image_properties=True)
        query, header = self._query()
        self.assertEqual("compute 2.98", header)
        self.assertEqual({"all_tenants": ["True"]}, query)

    def test_without_image_properties_novaclients_ceiling(self):
        self.cloud.max_version = "2.98"
        nova.instance_list(self.request)
        self.assertEqual("compute 2.96", self._query()[1])


class ImagePropertiesOnOlderNovaTests(_ApiTest):

    max_version = "2.90"

    def test_asked_at_what_the_cloud_serves(self):
        nova.instance_list(self.request, image_properties=True)
        (request,) = [r for r in self.cloud._mock.request_history
                      if "/servers/detail" in r.url]
        self.assertEqual("compute 2.90",
                         request.headers.get("OpenStack-API-Version"))


class ServerSharesTests(_ApiTest):

    max_version = "2.97"

    def test_one_call_at_2_97(self):
        self._answer("GET", r"/servers/%s/shares$" % INSTANCE, {
            "shares": [{"share_id": "s-1", "status": "active"}]})
        shares = nova.server_shares(self.request, INSTANCE)
        self.assertEqual([{"share_id": "s-1", "status": "active"}], shares)
        self.assertEqual(("GET", "/v2/servers/%s/shares" % INSTANCE,
                          "compute 2.97", None),
                         self._one("GET", "/shares"))

    def test_none_attached(self):
        self._answer("GET", r"/shares$", {"shares": None})
        self.assertEqual([], nova.server_shares(self.request, INSTANCE))

    def test_novas_refusal_is_raised_as_novaclients(self):
        self._answer("GET", r"/shares$", {"itemNotFound": {
            "code": 404, "message": "Instance a/b could not be found."}},
            status=404)
        with self.assertRaises(nova_exceptions.NotFound) as caught:
            nova.server_shares(self.request, "a/b")
        self.assertIn("could not be found", str(caught.exception))
        self.assertEqual(["/v2/servers/a%2Fb/shares"],
                         [parse.urlsplit(r.url).path
                          for r in self.cloud._mock.request_history
                          if r.url.endswith("/shares")])

    def test_an_empty_answer_is_no_shares(self):
        self.cloud._mock.register_uri("GET", re.compile(r"/shares$"),
                                      status_code=200, content=b"")
        self.assertEqual([], nova.server_shares(self.request, INSTANCE))

    def test_an_answer_that_is_not_json_is_no_shares(self):
        self.cloud._mock.register_uri("GET", re.compile(r"/shares$"),
                                      status_code=200, content=b"<html>")
        self.assertEqual([], nova.server_shares(self.request, INSTANCE))


class ServerSharesOnOlderNovaTests(_ApiTest):

    def test_not_asked_below_2_97(self):
        with self.assertRaises(nova.NotSupported) as caught:
            nova.server_shares(self.request, INSTANCE)
        self.assertEqual("Listing the shares of a server needs Nova "
                         "microversion 2.97 or later (the cloud serves "
                         "2.96).", str(caught.exception))
        self.assertEqual([], self._sent("GET", "/shares"))


class KeystoneNameTests(_ApiTest):

    def test_projects_and_users_by_id(self):
        self.assertEqual(["p0", "p1"],
                         [p.name for p in keystone.project_list(
                             self.request)])
        self.assertEqual("p1", keystone.project_get(self.request,
                                                    "proj-1").name)
        self.assertEqual("u7", keystone.user_get(self.request,
                                                 "user-7").name)


class KeystoneAdminOnlyTests(_ApiTest):

    def test_names_need_keystones_admin_rule(self):
        # Horizon's keystoneclient(admin=True) checks identity:
        # admin_required first: a user without it gets no names.
        from horizon import exceptions as horizon_exceptions
        from openstack_dashboard.api import keystone as horizon_keystone
        with mock.patch.object(horizon_keystone.policy, "check",
                               return_value=False):
            for call in (lambda: keystone.project_list(self.request),
                         lambda: keystone.project_get(self.request, "proj-1"),
                         lambda: keystone.user_get(self.request, "user-7")):
                with self.assertRaises(horizon_exceptions.NotAuthorized):
                    call()
        self.assertEqual(0, self.cloud.count("keystone"))


class ProviderCapacityEdgeTests(_ApiTest):

    def test_an_answer_without_inventories_or_usages(self):
        self._answer("GET", r"/inventories$", {})
        self._answer("GET", r"/usages$", {})
        self.assertEqual({}, placement.provider_capacity(self.request, "p-1"))

    def test_an_inventory_without_a_total_has_no_room(self):
        self._answer("GET", r"/inventories$",
                     {"inventories": {"VCPU": {"reserved": 0}}})
        self._answer("GET", r"/usages$", {})
        self.assertEqual({"total": 0, "reserved": 0, "allocation_ratio": 1.0,
                          "capacity": 0, "used": 0, "free": 0},
                         placement.provider_capacity(self.request,
                                                     "p-1")["VCPU"])


class AllocationCandidateEdgeTests(_ApiTest):

    def test_only_positive_amounts_are_asked(self):
        placement.allocation_candidates(
            self.request, {"VCPU": 1, "MEMORY_MB": 0, "DISK_GB": -5,
                           "PCPU": None, "VGPU": "0"})
        (request,) = [r for r in self.cloud._mock.request_history
                      if "allocation_candidates" in r.url]
        self.assertEqual({"resources": ["VCPU:1"]},
                         parse.parse_qs(parse.urlsplit(request.url).query))

    def test_a_class_without_numbers_is_empty_not_full(self):
        self._answer("GET", r"/allocation_candidates", {
            "provider_summaries": {"p-1": {"resources": {
                "VCPU": {"capacity": 8}, "DISK_GB": {"used": 3}}}}})
        result = placement.allocation_candidates(self.request, {"VCPU": 1})
        self.assertEqual({"VCPU": {"capacity": 8, "used": 0, "free": 8},
                          "DISK_GB": {"capacity": 0, "used": 3,
                                      "free": -3}},
                         result["p-1"]["resources"])
        # No traits in the answer: not known (None), unlike none at all.
        self.assertIsNone(result["p-1"]["traits"])


class LegacyServiceUpdateTests(_ApiTest):
    max_version = "2.52"

    def test_force_down_by_host_and_binary(self):
        service = nova.service_force_down(self.request, "cmp2", True)
        method, path, header, body = self._one("PUT",
                                               "/os-services/force-down")
        self.assertEqual("compute 2.52", header)
        self.assertEqual({"host": "cmp2", "binary": "nova-compute",
                          "forced_down": True}, body)
        self.assertTrue(service.forced_down)
        # What Nova's answer leaves out is kept from the service listed.
        self.assertEqual(("cmp2", "nova", "enabled", "up"),
                         (service.host, service.zone, service.status,
                          service.state))

    def test_force_up(self):
        service = nova.service_force_down(self.request, "cmp2", False)
        _m, _p, _h, body = self._one("PUT", "/os-services/force-down")
        self.assertEqual({"host": "cmp2", "binary": "nova-compute",
                          "forced_down": False}, body)
        self.assertFalse(service.forced_down)

    def test_disable_without_a_reason(self):
        service = nova.service_disable(self.request, "cmp3", "")
        _m, path, _h, body = self._one("PUT", "/os-services/disable")
        self.assertEqual({"host": "cmp3", "binary": "nova-compute"}, body)
        self.assertEqual("disabled", service.status)
        self.assertEqual("nova", service.zone)

    def test_disable_with_a_reason_shows_it(self):
        service = nova.service_disable(self.request, "cmp3", "fan noise")
        self.assertEqual(("disabled", "fan noise"),
                         (service.status, service.disabled_reason))


class ForceDownBefore211Tests(_ApiTest):
    max_version = "2.10"

    def test_refused_with_the_versions_and_nothing_sent(self):
        with self.assertRaises(nova.NotSupported) as caught:
            nova.service_force_down(self.request, "cmp2", True)
        self.assertEqual("Forcing a service down needs Nova microversion "
                         "2.11 or later (the cloud serves 2.10).",
                         str(caught.exception))
        self.assertEqual([], self._writes())


class ServiceLookupTests(_ApiTest):

    def test_a_host_without_a_compute_service_is_not_found(self):
        with self.assertRaises(nova_exceptions.NotFound) as caught:
            nova.service_disable(self.request, "cmp9", "gone")
        self.assertIn("No nova-compute service on host cmp9",
                      str(caught.exception))
        self.assertEqual([], self._writes())

    def test_only_the_hosts_own_service_is_taken(self):
        # Nova's host filter is a pattern: cmp1 also finds cmp10.
        self._answer("GET", r"/os-services\?", {"services": [
            {"id": "svc-cmp10", "host": "cmp10", "binary": "nova-compute"},
            {"id": "svc-cmp1", "host": "cmp1", "binary": "nova-compute"}]})
        self.assertEqual("svc-cmp1",
                         nova.compute_service(self.request, "cmp1").id)
        self.assertIsNone(nova.compute_service(self.request, "cmp2"))

    def test_every_compute_service_without_a_host(self):
        services = nova.service_list(self.request)
        self.assertEqual(["cmp1", "cmp2", "cmp3"],
                         [s.host for s in services])
        (request,) = [r for r in self.cloud._mock.request_history
                      if "/os-services" in r.url]
        self.assertTrue(request.url.endswith("/os-services?"
                                             "binary=nova-compute"))


class MigrationListTests(_ApiTest):
    """GET /os-migrations at 2.80 with the page's filters, newest first."""

    def _queries(self):
        return [parse.parse_qs(parse.urlsplit(r.url).query)
                for r in self.cloud._mock.request_history
                if "/os-migrations" in r.url]

    def test_every_filter_is_sent_and_none_unasked(self):
        self._answer("GET", r"/os-migrations", {"migrations": []})
        nova.migration_list(
            self.request, host="cmp2", status="running",
            instance_id=INSTANCE, migration_type="live-migration",
            marker="mig-3", changes_since="2026-03-01T10:00:00Z")
        self.assertEqual([{
            "host": ["cmp2"], "status": ["running"],
            "instance_uuid": [INSTANCE],
            "migration_type": ["live-migration"], "marker": ["mig-3"],
            "changes-since": ["2026-03-01T10:00:00Z"]}], self._queries())
        self.assertEqual("compute 2.80",
                         self._one("GET", "/os-migrations")[2])
        nova.migration_list(self.request)
        self.assertEqual({}, self._queries()[-1])

    def test_a_limit_is_one_page_whatever_follows(self):
        self._answer("GET", r"/os-migrations", {
            "migrations": [{"id": 4, "uuid": "mig-4",
                            "created_at": "2026-03-01T10:00:00"}],
            "migrations_links": [{"rel": "next",
                                  "href": "http://nova/v2/x?marker=mig-4"}]})
        migrations = nova.migration_list(self.request, limit="1",
                                         host="cmp1")
        self.assertEqual(["mig-4"], [m.uuid for m in migrations])
        self.assertEqual([{"limit": ["1"], "host": ["cmp1"]}],
                         self._queries())

    def test_without_a_limit_every_page_is_read(self):
        self.cloud.page_limit = 4
        migrations = nova.migration_list(self.request, host="cmp1")
        expected = {m["uuid"] for m in self.cloud.migrations
                    if "cmp1" in (m["source_compute"], m["dest_compute"])}
        self.assertGreater(len(expected), 4)
        self.assertEqual(expected, {m.uuid for m in migrations})
        self.assertTrue(all(q["host"] == ["cmp1"] for q in self._queries()))

    def test_newest_first_then_the_highest_id(self):
        self._answer("GET", r"/os-migrations", {"migrations": [
            {"id": 1, "created_at": "2026-03-01T10:00:00"},
            {"id": 3, "created_at": None},
            {"id": 2, "created_at": "2026-03-02T09:00:00"},
            {"id": 5, "created_at": "2026-03-01T10:00:00"},
            {"id": None, "created_at": None},
            {"id": 6, "created_at": None}]})
        self.assertEqual([2, 5, 1, 6, 3, None],
                         [m.id for m in nova.migration_list(self.request)])


class UnknownRecordTests(_ApiTest):

    def test_a_migration_answer_without_its_record(self):
        self._answer("GET", r"/migrations/17$", {})
        self.assertIsNone(nova.server_migration_get(
            self.request, INSTANCE, 17).memory_total)

    def test_a_server_group_answer_without_its_list(self):
        self._answer("GET", r"/os-server-groups", {})
        self.assertEqual([], nova.server_group_list(self.request))

    def test_a_hypervisor_not_asked_for_its_servers(self):
        # Not asked: not known (None); asked, a node without the key has
        # none (Nova before 2.75 leaves it out).
        self.assertIsNone(nova_records.Hypervisor({}).servers)
        self.assertEqual([], nova_records.Hypervisor(
            {}, servers_asked=True).servers)


class HypervisorServersTests(_ApiTest):
    """Which instances run on each node: asked only when the page needs
    them and Nova can say (2.53+); not asked, not known (None)."""

    max_version = "2.74"

    def _with_servers(self):
        return [parse.parse_qs(parse.urlsplit(r.url).query).get(
            "with_servers") for r in self.cloud._mock.request_history
            if "/os-hypervisors/detail" in r.url]

    def test_not_asked_not_known(self):
        hypervisors = nova.hypervisor_list(self.request)
        self.assertEqual([None], self._with_servers())
        self.assertEqual([None, None, None],
                         [h.servers for h in hypervisors])

    def test_asked_a_node_without_servers_has_none(self):
        # FakeCloud(instances_per_host=0): before 2.75 Nova leaves the key
        # out for a node without servers.
        self.cloud.__exit__(None, None, None)
        self.cloud = test_api_http.FakeCloud(instances_per_host=0,
                                             max_version="2.74")
        self.cloud.catalog = self.service_catalog
        self.cloud.__enter__()
        self.addCleanup(self.cloud.__exit__, None, None, None)
        hypervisors = nova.hypervisor_list(self.request, with_servers=True)
        self.assertEqual([["true"]], self._with_servers())
        self.assertEqual([[], [], []], [h.servers for h in hypervisors])


class HypervisorServersBefore253Tests(HypervisorServersTests):
    max_version = "2.52"

    def test_asked_a_node_without_servers_has_none(self):
        # Nova cannot say before 2.53: not asked, not known.
        hypervisors = nova.hypervisor_list(self.request, with_servers=True)
        self.assertEqual([None], self._with_servers())
        self.assertEqual([None, None, None],
                         [h.servers for h in hypervisors])


class MoreAnswerShapeTests(_ApiTest):

    def test_aggregates_with_their_hosts(self):
        self._answer("GET", r"/os-aggregates$", {"aggregates": [
            {"id": 1, "name": "ssd", "hosts": ["cmp1", "cmp2"],
             "metadata": {"disk": "ssd"}}]})
        (aggregate,) = nova.aggregate_list(self.request)
        self.assertEqual(("ssd", ["cmp1", "cmp2"]),
                         (aggregate.name, aggregate.hosts))
        self._answer("GET", r"/os-aggregates$", {})
        self.assertEqual([], nova.aggregate_list(self.request))

    def test_a_service_update_answered_without_the_service(self):
        self._answer("PUT", r"/os-services/svc-cmp2$", {})
        self.assertIsNone(nova.service_enable(self.request, "cmp2").host)

    def test_placements_refusal_is_raised(self):
        from keystoneauth1 import exceptions as ks_exceptions
        self._answer("GET", r"/inventories$", {"errors": [
            {"status": 503, "title": "Service Unavailable"}]}, status=503)
        with self.assertRaises(ks_exceptions.HttpError):
            placement.provider_capacity(self.request, "p-1")


class ServedRefusalTests(_ApiTest):
    max_version = "2.97"

    def test_a_400_on_a_read_past_novaclient_is_raised(self):
        self._answer("GET", r"/shares$", {"badRequest": {
            "code": 400, "message": "Invalid server id"}}, status=400)
        with self.assertRaises(nova_exceptions.BadRequest):
            nova.server_shares(self.request, INSTANCE)
