"""View tests for the Compute Hosts panel (plugin api module mocked)."""
from unittest import mock

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


def _row_html(content, host):
    """The <tr ...> opening tag of the row whose id is ``host``."""
    marker = 'id="hosts__row__%s"' % host
    start = content.rfind("<tr", 0, content.index(marker))
    return content[start:content.index(">", start)]
