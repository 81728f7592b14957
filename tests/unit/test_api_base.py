"""The api layer's plumbing at the HTTP layer: the session every call goes
through (the user's token, TLS settings, timeout), microversion negotiation
and its cache, Neutron's port query, and how a failure and Nova's times are
read for the page.

Like test_api_http.py, the real wrappers run against the fake cloud
(tests/unit/fake_cloud.py) and each test reads the requests as they left.
Expected values are written out by hand from the services' API references
and the settings' documented meaning, not read from the plugin's constants.
"""
import datetime
import re
import types
from unittest import mock
from urllib import parse

from django.test import override_settings
from keystoneauth1 import exceptions as ks_exceptions
from novaclient import exceptions as nova_exceptions

from migration_dashboard.api import base
from migration_dashboard.api import microversions
from migration_dashboard.api import neutron
from migration_dashboard.api import nova
from migration_dashboard.api import placement
from tests.unit import test_api_http

UTC = datetime.timezone.utc


class _ApiTest(test_api_http._ApiTest):

    def _nova_gets(self, path_end):
        return [r for r in self.cloud._mock.request_history
                if r.method == "GET" and "nova" in r.url and
                parse.urlsplit(r.url).path.endswith(path_end)]

    def _discoveries(self):
        # novaclient reads the server's version range from the endpoint's
        # root document.
        return [r for r in self.cloud._mock.request_history
                if "nova" in r.url and
                parse.urlsplit(r.url).path.rstrip("/") in ("", "/v2",
                                                           "/v2.1")]


class SessionTests(_ApiTest):
    """Every call carries the logged-in user's token to the catalog's
    endpoint, with the deployment's TLS and timeout settings."""

    def test_the_users_token_goes_to_the_catalogs_endpoint(self):
        nova.aggregate_list(self.request)
        sent = self._nova_gets("/os-aggregates")
        self.assertEqual(1, len(sent))
        self.assertEqual("public.nova.example.com",
                         parse.urlsplit(sent[0].url).hostname)
        self.assertEqual(self.request.user.token.id,
                         sent[0].headers["X-Auth-Token"])

    def test_certificates_are_verified_and_a_call_gives_up_after_30_s(self):
        nova.aggregate_list(self.request)
        sent = self._nova_gets("/os-aggregates")[0]
        # True, or the CA bundle requests takes from the environment.
        self.assertTrue(sent.verify)
        self.assertEqual(30, sent.timeout)

    @override_settings(MIGRATION_DASHBOARD_API_TIMEOUT=7)
    def test_the_timeout_setting_is_honoured(self):
        nova.aggregate_list(self.request)
        self.assertEqual(7, self._nova_gets("/os-aggregates")[0].timeout)

    @override_settings(OPENSTACK_SSL_NO_VERIFY=True,
                       OPENSTACK_SSL_CACERT="/etc/ssl/ca.pem")
    def test_no_verify_wins_over_a_ca_file(self):
        nova.aggregate_list(self.request)
        self.assertIs(False, self._nova_gets("/os-aggregates")[0].verify)

    @override_settings(OPENSTACK_SSL_CACERT="/etc/ssl/ca.pem")
    def test_the_deployments_ca_file_verifies(self):
        nova.aggregate_list(self.request)
        self.assertEqual("/etc/ssl/ca.pem",
                         self._nova_gets("/os-aggregates")[0].verify)


class InCatalogTests(_ApiTest):

    def test_a_service_in_the_users_catalog(self):
        # Horizon's test catalog lists compute and network; Placement is
        # added by the test case, Manila is not there.
        self.assertTrue(base.in_catalog(self.request, "network"))
        self.assertTrue(base.in_catalog(self.request, "sharev2",
                                        "placement"))
        self.assertFalse(base.in_catalog(self.request, "sharev2"))

    def test_a_request_without_a_user_or_catalog_has_none(self):
        self.assertFalse(base.in_catalog(object(), "compute"))
        self.request.user.service_catalog = None
        self.assertFalse(base.in_catalog(self.request, "compute"))


class NegotiationTests(_ApiTest):
    """Each call asks for its microversion or the cloud's maximum if
    lower; the cloud's maximum is asked once per endpoint for ten
    minutes."""

    max_version = "2.60"

    def test_a_call_is_lowered_to_what_the_cloud_serves(self):
        nova.aggregate_list(self.request)
        nova.migration_list(self.request)
        # aggregates: 2.1 whatever the cloud; migrations want 2.80.
        self.assertEqual("compute 2.1",
                         self._one("GET", "/os-aggregates")[2])
        self.assertEqual("compute 2.60",
                         self._one("GET", "/os-migrations")[2])

    def test_the_clouds_maximum_is_asked_once_for_many_calls(self):
        for _ in range(3):
            nova.aggregate_list(self.request)
            nova.migration_list(self.request)
        self.assertEqual(1, len(self._discoveries()))

    def test_asked_again_after_ten_minutes(self):
        start = 1000.0
        with mock.patch.object(microversions.time, "monotonic",
                               return_value=start):
            nova.aggregate_list(self.request)
        with mock.patch.object(microversions.time, "monotonic",
                               return_value=start + 599):
            nova.aggregate_list(self.request)
        self.assertEqual(1, len(self._discoveries()))
        with mock.patch.object(microversions.time, "monotonic",
                               return_value=start + 601):
            nova.aggregate_list(self.request)
        self.assertEqual(2, len(self._discoveries()))

    def test_ten_minutes_to_the_second_is_stale(self):
        start = 1000.0
        for at in (start, start + 600):
            with mock.patch.object(microversions.time, "monotonic",
                                   return_value=at):
                nova.aggregate_list(self.request)
        self.assertEqual(2, len(self._discoveries()))

    def test_forget_asks_again(self):
        nova.aggregate_list(self.request)
        microversions.forget()
        nova.aggregate_list(self.request)
        self.assertEqual(2, len(self._discoveries()))

    def test_each_endpoint_has_its_own_maximum(self):
        # Plain objects: a Mock would answer any attribute name, so a
        # cache keyed by the wrong one would still tell them apart.
        older = types.SimpleNamespace(client=types.SimpleNamespace(
            endpoint_override="http://old.example.com/v2.1"))
        newer = types.SimpleNamespace(client=types.SimpleNamespace(
            endpoint_override="http://new.example.com/v2.1"))
        ranges = {
            "http://old.example.com/v2.1": "2.53",
            "http://new.example.com/v2.1": "2.90"}

        def version_range(client):
            from novaclient import api_versions
            return (api_versions.APIVersion("2.1"), api_versions.APIVersion(
                ranges[client.client.endpoint_override]))

        with mock.patch.object(microversions.api_versions,
                               "_get_server_version_range", version_range):
            self.assertEqual("2.53", microversions.negotiate(
                older, "2.80").get_string())
            self.assertEqual("2.80", microversions.negotiate(
                newer, "2.80").get_string())


class NegotiationEdgeTests(_ApiTest):

    def _client(self, max_version):
        from novaclient import api_versions
        client = mock.Mock()
        client.client.endpoint_override = "http://edge.example.com/v2.1"
        version = (api_versions.APIVersion(max_version) if max_version
                   else api_versions.APIVersion())
        patch = mock.patch.object(
            microversions.api_versions, "_get_server_version_range",
            return_value=(api_versions.APIVersion("2.1"), version))
        patch.start()
        self.addCleanup(patch.stop)
        return client

    def test_a_cloud_beyond_novaclient_is_asked_at_novaclients_ceiling(self):
        # novaclient 18 speaks up to 2.96; a 2.100 cloud gets 2.96 through
        # novaclient and up to 2.98 through the session (api.nova.served).
        client = self._client("2.100")
        self.assertEqual("2.96",
                         microversions.negotiate(client, "2.98").get_string())
        self.assertEqual("2.98",
                         microversions.served(client, "2.98").get_string())

    def test_served_never_goes_above_the_cloud(self):
        client = self._client("2.97")
        self.assertEqual("2.97",
                         microversions.served(client, "2.98").get_string())

    def test_an_endpoint_without_microversions_is_2_0(self):
        # A legacy v2.0 endpoint announces no version range.
        client = self._client(None)
        self.assertEqual("2.0",
                         microversions.negotiate(client, "2.53").get_string())

    def test_at_least_reads_strings_and_versions(self):
        self.assertTrue(microversions.at_least("2.53", "2.53"))
        self.assertFalse(microversions.at_least("2.52", "2.53"))
        self.assertTrue(microversions.at_least(
            microversions._parse("2.100"), "2.96"))


class PortVnicTypeTests(_ApiTest):
    """One Neutron call lists the ports of every instance in question,
    asking two fields; 100 ids per call."""

    def setUp(self):
        super().setUp()
        self.ports = []
        self.cloud._mock.register_uri(
            "GET", re.compile(r"neutron\.example\.com.*/ports"),
            json=self._ports)

    def _ports(self, request, context):
        ids = parse.parse_qs(parse.urlsplit(request.url).query).get(
            "device_id", [])
        return {"ports": [p for p in self.ports if p["device_id"] in ids]}

    def _queries(self):
        return [(parse.urlsplit(r.url).path,
                 parse.parse_qsl(parse.urlsplit(r.url).query))
                for r in self.cloud._mock.request_history
                if "neutron" in r.url]

    def test_one_call_with_each_instance_and_two_fields(self):
        self.ports = [
            {"device_id": "i-2", "binding:vnic_type": "direct"},
            {"device_id": "i-2", "binding:vnic_type": "normal"},
            {"device_id": "i-1", "binding:vnic_type": "vdpa"}]
        result = neutron.port_vnic_types(self.request, ["i-2", "i-1", "i-2",
                                                        "i-3"])
        self.assertEqual({"i-1": ["vdpa"], "i-2": ["direct", "normal"],
                          "i-3": []}, result)
        self.assertEqual([("/v2.0/ports", [
            ("device_id", "i-1"), ("device_id", "i-2"), ("device_id", "i-3"),
            ("fields", "device_id"), ("fields", "binding:vnic_type")])],
            self._queries())

    def test_a_port_without_a_vnic_type_is_normal(self):
        self.ports = [{"device_id": "i-1"},
                      {"device_id": "i-1", "binding:vnic_type": None}]
        self.assertEqual({"i-1": ["normal", "normal"]},
                         neutron.port_vnic_types(self.request, ["i-1"]))

    def test_no_instances_no_call(self):
        self.assertEqual({}, neutron.port_vnic_types(self.request, []))
        self.assertEqual([], self._queries())

    def test_a_hundred_ids_per_call(self):
        ids = ["i-%03d" % n for n in range(201)]
        self.ports = [{"device_id": i, "binding:vnic_type": "direct"}
                      for i in ids]
        result = neutron.port_vnic_types(self.request, ids)
        self.assertEqual({i: ["direct"] for i in ids}, result)
        sizes = [len([v for k, v in query if k == "device_id"])
                 for _path, query in self._queries()]
        self.assertEqual([100, 100, 1], sizes)
        asked = [v for _p, q in self._queries() for k, v in q
                 if k == "device_id"]
        self.assertEqual(ids, asked)

    def test_a_neutron_failure_is_raised_not_read_as_no_ports(self):
        # The caller then says the ports are unknown; read as "no ports",
        # an SR-IOV instance would pass the pre-flight.
        from keystoneauth1 import exceptions as ks_exceptions
        self.cloud._mock.register_uri(
            "GET", re.compile(r"neutron\.example\.com.*/ports"),
            status_code=500, json={"NeutronError": {"message": "boom"}})
        with self.assertRaises(ks_exceptions.HttpError):
            neutron.port_vnic_types(self.request, ["i-1"])

    def test_an_answer_without_ports_is_none_for_each(self):
        self.cloud._mock.register_uri(
            "GET", re.compile(r"neutron\.example\.com.*/ports"), json={})
        self.assertEqual({"i-1": []},
                         neutron.port_vnic_types(self.request, ["i-1"]))

    def test_a_catalog_url_with_the_version_is_not_doubled(self):
        for entry in self.request.user.service_catalog:
            if entry["type"] == "network":
                for endpoint in entry["endpoints"]:
                    endpoint["url"] = endpoint["url"].rstrip("/") + "/v2.0/"
        neutron.port_vnic_types(self.request, ["i-1"])
        self.assertEqual(["/v2.0/ports"],
                         [path for path, _q in self._queries()])


class ErrorReasonTests(_ApiTest):
    """The words a message shows when a call fails."""

    def test_novas_own_words(self):
        self.cloud.fail(r"/os-aggregates$", 409,
                        "Cannot do this while the host is fenced")
        with self.assertRaises(nova_exceptions.Conflict) as caught:
            nova.aggregate_list(self.request)
        self.assertEqual("Cannot do this while the host is fenced",
                         base.error_reason(caught.exception))

    def test_placements_own_words_with_the_status(self):
        # Placement answers {"errors": [{"title", "detail"}]}: keystoneauth
        # keeps the title as message, Placement's words as details.
        self.cloud.fail(r"/resource_providers$", 503,
                        "No database connection")
        try:
            placement.provider_names(self.request)
        except ks_exceptions.ServiceUnavailable as exc:
            reason = base.error_reason(exc)
        else:
            self.fail("Placement's 503 was not raised")
        self.assertEqual("Service Unavailable: No database connection",
                         reason)

    def test_an_html_error_page_is_not_a_reason(self):
        # A proxy's page: its text is details, but not words to show.
        response = mock.Mock(headers={"Content-Type": "text/html"},
                             text="<html>Bad Gateway</html>")
        exc = ks_exceptions.BadGateway(message="Bad Gateway",
                                       details=response.text,
                                       response=response)
        self.assertEqual("Bad Gateway", base.error_reason(exc))

    def test_the_message_not_the_details(self):
        # A fault's details are Nova's traceback: the page shows the
        # message.
        exc = Exception("ignored")
        exc.message = "No valid host was found."
        exc.details = 'Traceback (most recent call last):\n  File "..."'
        self.assertEqual("No valid host was found.", base.error_reason(exc))

    def test_details_when_there_is_no_message(self):
        exc = Exception("ignored")
        exc.message = ""
        exc.details = "Compute host cmp9 not found"
        self.assertEqual("Compute host cmp9 not found",
                         base.error_reason(exc))

    def test_only_text_counts_as_a_reason(self):
        exc = Exception("the exception's own text")
        exc.message = {"not": "text"}
        self.assertEqual("the exception's own text", base.error_reason(exc))

    def test_an_exception_without_text_is_named(self):
        self.assertEqual("ValueError", base.error_reason(ValueError()))


class ParseTimeTests(_ApiTest):
    """Nova's times, naive ones being UTC, as aware datetimes."""

    def test_naive_is_utc(self):
        self.assertEqual(datetime.datetime(2026, 3, 1, 10, 30, 5, tzinfo=UTC),
                         base.parse_time("2026-03-01T10:30:05.000000"))

    def test_an_offset_is_kept(self):
        parsed = base.parse_time("2026-03-01T12:30:05+02:00")
        self.assertEqual(datetime.datetime(2026, 3, 1, 10, 30, 5,
                                           tzinfo=UTC), parsed)
        self.assertEqual(datetime.timedelta(hours=2), parsed.utcoffset())

    def test_a_datetime_passes_through(self):
        naive = datetime.datetime(2026, 3, 1, 10, 30)
        self.assertEqual(naive.replace(tzinfo=UTC), base.parse_time(naive))

    def test_nothing_or_not_a_time_is_none(self):
        for value in (None, "", "yesterday", "2026-13-45T10:00:00"):
            self.assertIsNone(base.parse_time(value), value)


class IsUuidTests(_ApiTest):

    def test_uuids_and_others(self):
        self.assertTrue(base.is_uuid("8a5e1c0e-7f3b-4c1d-9a2e-0b6f3d4c5e6f"))
        self.assertTrue(base.is_uuid("8A5E1C0E7F3B4C1D9A2E0B6F3D4C5E6F"))
        for value in ("cmp1", "", None, "8a5e1c0e-7f3b-4c1d-9a2e-0b6f3d4c5e6"):
            self.assertFalse(base.is_uuid(value), value)
