"""View tests for the Compute Hosts panel (plugin api module mocked)."""
from unittest import mock

from django.test.utils import override_settings
from django.urls import reverse
from novaclient import exceptions as nova_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from tests.unit import fixtures as f

INDEX_URL = reverse("horizon:admin:hosts:index")


def detail_url(host):
    return reverse("horizon:admin:hosts:detail", args=[host])


class HostsIndexTests(test.BaseAdminViewTests):

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "migration_list"]})
    def _get_index(self, services, hypervisors, migrations=()):
        self.mock_service_list.return_value = services
        self.mock_hypervisor_list.return_value = hypervisors
        self.mock_migration_list.return_value = list(migrations)
        res = self.client.get(INDEX_URL)
        return res

    def test_index_lists_every_host_with_capacity_and_state(self):
        res = self._get_index(
            [f.service("cmp1"), f.service("cmp2", status="disabled",
                                          reason="kernel upgrade"),
             f.service("cmp3", state="down", forced_down=True)],
            [f.hypervisor("cmp1", vcpus_used=3),
             f.hypervisor("cmp2"), f.hypervisor("cmp3")],
            [f.migration(1, "i1", "cmp1", "cmp2", status="running"),
             f.migration(2, "i2", "cmp1", "cmp3", status="completed")])
        self.assertTemplateUsed(res, "admin/hosts/index.html")
        rows = res.context["table"].data
        self.assertEqual(["cmp1", "cmp2", "cmp3"], [r.host for r in rows])
        self.assertContains(res, "kernel upgrade")
        self.assertContains(res, "3 / 8")
        self.assertContains(res, "4096 / 16384 MiB")
        # Which figure is which: hypervisor figures, physical totals,
        # reserved counted as used (the scheduler's are on the Overview).
        self.assertContains(res, "vCPUs (used / physical)")
        self.assertContains(res, "RAM (used + reserved / physical)")
        self.assertContains(res, "before the allocation ratio the "
                                 "scheduler applies")
        self.assertContains(res, "used counts what is reserved for the "
                                 "host (reserved_host_memory_mb)")
        # Only the running migration counts: one out of cmp1, one into cmp2.
        self.assertEqual((1, 0), (rows[0].migrations_from,
                                  rows[0].migrations_to))
        self.assertEqual(1, rows[1].migrations_to)
        content = res.content.decode()
        self.assertIn("warning", _row_html(content, "cmp2"))
        self.assertIn("danger", _row_html(content, "cmp3"))

    def test_index_is_three_calls_whatever_the_number_of_hosts(self):
        for count in (2, 40):
            hosts = ["cmp%d" % i for i in range(count)]
            self._get_index([f.service(h) for h in hosts],
                            [f.hypervisor(h) for h in hosts])
        # create_mocks patches fresh mocks per call; check the last call.
        self.assertEqual(1, self.mock_service_list.call_count)
        self.assertEqual(1, self.mock_hypervisor_list.call_count)
        self.assertEqual(1, self.mock_migration_list.call_count)

    def test_index_escapes_hostile_reason_and_host(self):
        res = self._get_index(
            [f.service("<b>cmp1</b>", status="disabled",
                       reason='<script>alert("x")</script>')],
            [f.hypervisor("<b>cmp1</b>")])
        content = res.content.decode()
        self.assertNotIn('<script>alert("x")</script>', content)
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;",
                      content)
        self.assertNotIn("<b>cmp1</b>", content)

    def test_index_still_renders_when_nova_is_unreachable(self):
        with mock.patch.object(api.nova, "service_list",
                               side_effect=nova_exceptions.ClientException(
                                   503, "Service Unavailable")), \
                mock.patch.object(api.nova, "hypervisor_list",
                                  return_value=[]), \
                mock.patch.object(api.nova, "migration_list",
                                  return_value=[]):
            res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "Unable to list compute services")

    def test_index_without_capacity_when_hypervisors_fail(self):
        with mock.patch.object(api.nova, "service_list",
                               return_value=[f.service("cmp1")]), \
                mock.patch.object(api.nova, "hypervisor_list",
                                  side_effect=nova_exceptions.Forbidden(
                                      403, "Policy doesn't allow")), \
                mock.patch.object(api.nova, "migration_list",
                                  return_value=[]):
            res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "cmp1")
        self.assertContains(res, "Unable to read host capacity")


class HostsPagingTests(test.BaseAdminViewTests):
    """The overview shows one page of hosts; filter and counts see all."""

    def setUp(self):
        super().setUp()
        # cmp1 ... cmp10; two in maintenance and one forced down, all of
        # them past the first page of 4, plus one migration out of cmp9.
        self.services = [f.service("cmp%d" % i) for i in range(1, 11)]
        self.services[6] = f.service("cmp7", status="disabled",
                                     reason="kernel upgrade")
        self.services[7] = f.service("cmp8", status="disabled",
                                     reason="disk swap")
        self.services[9] = f.service("cmp10", state="down",
                                     forced_down=True)
        # Nova's order (by id) is not the page's order.
        self.services.reverse()
        self.migrations = [f.migration(1, "i1", "cmp9", "cmp2")]
        patches = [mock.patch.object(api.nova, name, return_value=value)
                   for name, value in (
                       ("service_list", self.services),
                       ("hypervisor_list", [f.hypervisor(s.host)
                                            for s in self.services]),
                       ("migration_list", self.migrations))]
        self.mocks = [p.start() for p in patches]
        for p in patches:
            self.addCleanup(p.stop)

    def _hosts(self, res):
        return [row.host for row in res.context["table"].data]

    def _summary(self, res):
        content = res.content.decode()
        start = content.index('id="hosts_summary"')
        return " ".join(content[start:content.index("</p>", start)].split())

    @override_settings(API_RESULT_PAGE_SIZE=4)
    def test_pages_follow_markers_both_ways(self):
        res = self.client.get(INDEX_URL)
        self.assertEqual(["cmp1", "cmp2", "cmp3", "cmp4"], self._hosts(res))
        self.assertContains(res, 'href="?marker=cmp4"')
        self.assertNotContains(res, "prev_marker=")
        res = self.client.get(INDEX_URL + "?marker=cmp4")
        self.assertEqual(["cmp5", "cmp6", "cmp7", "cmp8"], self._hosts(res))
        self.assertContains(res, 'href="?prev_marker=cmp5"')
        self.assertContains(res, 'href="?marker=cmp8"')
        # Disabled rows on page 2 are still marked as in maintenance.
        self.assertIn("warning", _row_html(res.content.decode(), "cmp7"))
        res = self.client.get(INDEX_URL + "?marker=cmp8")
        self.assertEqual(["cmp9", "cmp10"], self._hosts(res))
        self.assertNotContains(res, 'href="?marker=')
        res = self.client.get(INDEX_URL + "?prev_marker=cmp9")
        self.assertEqual(["cmp5", "cmp6", "cmp7", "cmp8"], self._hosts(res))
        # Still three list calls a page, not one per host or per page.
        for m in self.mocks:
            self.assertEqual(4, m.call_count)

    @override_settings(API_RESULT_PAGE_SIZE=4)
    def test_summary_counts_every_host_not_the_page(self):
        res = self.client.get(INDEX_URL)
        self.assertEqual(4, len(self._hosts(res)))
        self.assertEqual(
            "10 compute hosts: 8 enabled, 2 disabled (in maintenance); "
            "9 up, 1 down (1 forced down); 2 with migrations in progress.",
            self._summary(res).split(">", 1)[1].strip())

    @override_settings(API_RESULT_PAGE_SIZE=4)
    def test_filter_finds_hosts_on_any_page(self):
        param = "hosts__filter__q"
        # The filter goes to the server and back to the first page.
        res = self.client.post(INDEX_URL + "?marker=cmp4",
                               {param: "CMP9", param + "_field": "host"})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        res = self.client.get(INDEX_URL)
        self.assertEqual(["cmp9"], self._hosts(res))
        self.assertIn("1 matches the filter.", self._summary(res))
        # Any field: the disabled reason of a host on the second page.
        self.client.post(INDEX_URL, {param: "kernel",
                                     param + "_field": "any"})
        res = self.client.get(INDEX_URL)
        self.assertEqual(["cmp7"], self._hosts(res))
        # Filter before the cut: page 2 of the disabled hosts and cmp10
        # (forced down, enabled) would not exist if the page were cut first.
        self.client.post(INDEX_URL, {param: "disabled",
                                     param + "_field": "status"})
        with override_settings(API_RESULT_PAGE_SIZE=1):
            res = self.client.get(INDEX_URL)
            self.assertEqual(["cmp7"], self._hosts(res))
            res = self.client.get(INDEX_URL + "?marker=cmp7")
            self.assertEqual(["cmp8"], self._hosts(res))
        self.assertIn("10 compute hosts", self._summary(res))
        self.assertIn("2 match the filter.", self._summary(res))

    @override_settings(API_RESULT_PAGE_SIZE=2)
    def test_markers_of_hostile_host_names_are_quoted_and_escaped(self):
        hostile = 'a&b"<x> ?marker=zz#'
        services = [f.service(hostile), f.service("a1"), f.service("b1")]
        self.mocks[0].return_value = services
        self.mocks[1].return_value = [f.hypervisor(s.host) for s in services]
        res = self.client.get(INDEX_URL)
        self.assertEqual(["a1", hostile], self._hosts(res))
        content = res.content.decode()
        # Quoted for the URL, then escaped for HTML: no raw markup, and the
        # name cannot add parameters of its own.
        self.assertIn('href="?marker=a%26b%22%3Cx%3E+%3Fmarker%3Dzz%23"',
                      content)
        self.assertNotIn("<x>", content)
        # Following the link (the browser decodes it) reaches page 2.
        res = self.client.get(INDEX_URL, {"marker": hostile})
        self.assertEqual(["b1"], self._hosts(res))
        self.assertContains(
            res, 'href="?prev_marker=b1"')
        res = self.client.get(INDEX_URL, {"prev_marker": "b1"})
        self.assertEqual(["a1", hostile], self._hosts(res))

    def test_policy_is_checked_per_page_not_per_row(self):
        checks = []
        counts = []
        for hosts in (2, 10):
            self.mocks[0].return_value = self.services[:hosts]
            del checks[:]
            with override_settings(
                    POLICY_CHECK_FUNCTION="tests.unit.test_hosts_views."
                                          "counting_policy"), \
                    mock.patch(__name__ + ".POLICY_CHECKS", checks):
                res = self.client.get(INDEX_URL)
            self.assertEqual(hosts, len(self._hosts(res)))
            self.assertContains(res, "__action_disable")
            counts.append(len(checks))
        self.assertEqual(counts[0], counts[1])


POLICY_CHECKS = []


def counting_policy(rules, request, target=None):
    """A policy engine that allows everything and counts its checks."""
    POLICY_CHECKS.append(rules)
    return True


def _row_html(content, host):
    """The <tr ...> opening tag of the row whose id is ``host``."""
    marker = 'id="hosts__row__%s"' % host
    start = content.rfind("<tr", 0, content.index(marker))
    return content[start:content.index(">", start)]


def _nova_error(cls, code, message):
    return cls(code, message)


class HostActionTests(test.BaseAdminViewTests):

    def _services(self):
        return [f.service("cmp1"),
                f.service("cmp2", status="disabled", reason="repair"),
                f.service("cmp3", state="down", forced_down=True)]

    @test.create_mocks({api.nova: ["service_disable"]})
    def test_disable_with_reason(self):
        res = self.client.post(
            reverse("horizon:admin:hosts:disable", args=["cmp1"]),
            {"host": "cmp1", "reason": "firmware update"})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_service_disable.assert_called_once_with(
            test.IsHttpRequest(), "cmp1", "firmware update")
        self.assertMessageCount(success=1)

    @test.create_mocks({api.nova: ["service_disable"]})
    def test_disable_requires_a_reason_of_at_most_255_chars(self):
        url = reverse("horizon:admin:hosts:disable", args=["cmp1"])
        res = self.client.post(url, {"host": "cmp1", "reason": "   "})
        self.assertFormErrors(res, 1)
        res = self.client.post(url, {"host": "cmp1", "reason": "x" * 256})
        self.assertFormErrors(res, 1)
        self.mock_service_disable.assert_not_called()

    @test.create_mocks({api.nova: ["service_disable"]})
    def test_disable_host_gone_or_conflict_names_the_host(self):
        url = reverse("horizon:admin:hosts:disable", args=["cmp1"])
        for exc in (nova_exceptions.NotFound(404, "No nova-compute service "
                                                  "on host cmp1"),
                    nova_exceptions.Conflict(409, "Service is busy")):
            self.mock_service_disable.side_effect = exc
            res = self.client.post(url, {"host": "cmp1", "reason": "r"})
            self.assertRedirectsNoFollow(res, INDEX_URL)
            messages = [str(m) for m in res.wsgi_request._messages]
            self.assertTrue(any("cmp1" in m and exc.message in m
                                for m in messages), messages)

    @test.create_mocks({api.nova: ["service_list", "service_disable"]})
    def test_disable_many_hosts_reports_each_failure(self):
        self.mock_service_list.return_value = self._services()
        url = reverse("horizon:admin:hosts:disable_many")
        res = self.client.get(url)
        self.assertContains(res, 'value="cmp1"')
        self.assertNotContains(res, 'value="cmp2"')  # already disabled
        self.mock_service_disable.side_effect = [
            None, nova_exceptions.ClientException(500, "DB down")]
        self.mock_service_list.return_value = [f.service("cmp1"),
                                               f.service("cmp4")]
        res = self.client.post(url, {"hosts": ["cmp1", "cmp4"],
                                     "reason": "rack move"})
        messages = [str(m) for m in res.wsgi_request._messages]
        self.assertTrue(any("cmp4" in m and "DB down" in m
                            for m in messages), messages)
        self.assertTrue(any("Disabled hosts: cmp1" in m for m in messages))

    @test.create_mocks({api.nova: ["service_force_down"]})
    def test_force_down_needs_fencing_acknowledgement(self):
        url = reverse("horizon:admin:hosts:force_down", args=["cmp1"])
        res = self.client.get(url)
        self.assertContains(res, "fenced")
        res = self.client.post(url, {"host": "cmp1"})
        self.assertFormErrors(res, 1)
        self.mock_service_force_down.assert_not_called()
        res = self.client.post(url, {"host": "cmp1", "fenced": "on"})
        self.assertNoFormErrors(res)
        self.mock_service_force_down.assert_called_once_with(
            test.IsHttpRequest(), "cmp1", True)

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "migration_list", "service_force_down"]})
    def test_force_up_refused_shows_novas_reason(self):
        self.mock_service_list.return_value = self._services()
        self.mock_hypervisor_list.return_value = []
        self.mock_migration_list.return_value = []
        reason = ("Unable to reset the forced_down flag on cmp3: there are "
                  "evacuation records in state 'done'")
        self.mock_service_force_down.side_effect = \
            nova_exceptions.BadRequest(400, reason)
        res = self.client.post(INDEX_URL,
                               {"action": "hosts__force_up__cmp3"})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        messages = [str(m) for m in res.wsgi_request._messages]
        self.assertTrue(any(reason in m and "cmp3" in m for m in messages),
                        messages)

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "migration_list", "service_enable"]})
    def test_enable_batch(self):
        self.mock_service_list.return_value = [
            f.service("cmp1", status="disabled", reason="a"),
            f.service("cmp2", status="disabled", reason="b")]
        self.mock_hypervisor_list.return_value = []
        self.mock_migration_list.return_value = []
        res = self.client.post(INDEX_URL, {"action": "hosts__enable",
                                           "object_ids": ["cmp1", "cmp2"]})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertEqual(2, self.mock_service_enable.call_count)

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "instance_list", "migration_list",
                                   "service_disable"]})
    def test_prepare_destination_lists_other_instances_and_capacity(self):
        self.mock_service_list.return_value = self._services()
        self.mock_hypervisor_list.return_value = [
            f.hypervisor("cmp1", memory_mb=16384, memory_mb_used=6144)]
        self.mock_instance_list.return_value = [
            f.instance("moved-in", "cmp1"), f.instance("<i>other</i>",
                                                       "cmp1")]
        self.mock_migration_list.return_value = [
            f.migration(7, "inst-moved-in", "cmp2", "cmp1",
                        status="completed")]
        url = reverse("horizon:admin:hosts:prepare_destination",
                      args=["cmp1"])
        res = self.client.get(url)
        self.assertContains(res, "10240 MiB")  # free RAM
        self.assertContains(res, "&lt;i&gt;other&lt;/i&gt;")
        self.assertNotContains(res, "moved-in (")
        # Another instance is there: the operator must acknowledge it.
        res = self.client.post(url, {"host": "cmp1", "source": "cmp2"})
        self.assertFormErrors(res, 1)
        self.mock_service_disable.assert_not_called()
        res = self.client.post(url, {"host": "cmp1", "source": "cmp2",
                                     "accept_others": "on"})
        self.assertNoFormErrors(res)
        # By default the destination stays enabled: the scheduler skips
        # disabled hosts, so a disabled one could not receive them.
        self.mock_service_disable.assert_not_called()
        # Nothing recorded, and the message says so: no "is ready".
        said = " ".join(str(m) for m in res.wsgi_request._messages)
        self.assertNotIn("ready", said)
        self.assertIn("nothing was changed in Nova", said)
        self.assertIn("Complete Maintenance of cmp2 will not list it", said)
        self.assertIn("1 other instance still runs on cmp1", said)
        res = self.client.post(url, {"host": "cmp1", "source": "cmp2",
                                     "accept_others": "on", "disable": "on"})
        self.assertNoFormErrors(res)
        args = self.mock_service_disable.call_args[0]
        self.assertEqual("cmp1", args[1])
        self.assertIn("from cmp2", args[2])

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "service_enable"]})
    def test_complete_maintenance_enables_source_and_its_destinations(self):
        from migration_dashboard.core import maintenance
        services = [
            f.service("cmp1", status="disabled", reason="maintenance"),
            f.service("cmp2", status="disabled",
                      reason=maintenance.destination_reason("cmp1")),
            f.service("cmp3", status="disabled", reason="unrelated")]
        self.mock_service_list.return_value = services
        self.mock_hypervisor_list.return_value = []
        url = reverse("horizon:admin:hosts:complete_maintenance",
                      args=["cmp1"])
        res = self.client.get(url)
        self.assertContains(res, "cmp2")
        self.assertNotContains(res, "unrelated")
        self.mock_service_enable.side_effect = [
            None, nova_exceptions.ClientException(503, "unavailable")]
        res = self.client.post(url, {"host": "cmp1"})
        enabled = [c[0][1] for c in self.mock_service_enable.call_args_list]
        self.assertEqual(["cmp1", "cmp2"], enabled)
        messages = [str(m) for m in res.wsgi_request._messages]
        self.assertTrue(any("Still disabled: cmp2" in m for m in messages),
                        messages)


class HostDetailTests(test.BaseAdminViewTests):

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "instance_list", "migration_list"],
                        api.placement: ["provider_capacity"]})
    def test_detail_overview_shows_cpu_and_placement_capacity(self):
        self.mock_service_list.return_value = [f.service("cmp1")]
        self.mock_hypervisor_list.return_value = [f.hypervisor("cmp1")]
        self.mock_provider_capacity.return_value = {
            "MEMORY_MB": {"total": 16384, "reserved": 512,
                          "allocation_ratio": 1.5, "capacity": 23808,
                          "used": 4096, "free": 19712}}
        res = self.client.get(detail_url("cmp1"))
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Skylake")
        self.assertContains(res, "19712")
        # The Instances and Migrations tabs load on demand only.
        self.mock_instance_list.assert_not_called()
        self.mock_migration_list.assert_not_called()

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list"]})
    def test_unknown_host_redirects_with_message(self):
        self.mock_service_list.return_value = [f.service("cmp1")]
        self.mock_hypervisor_list.return_value = []
        res = self.client.get(detail_url("cmp9"))
        self.assertRedirectsNoFollow(res, INDEX_URL)
