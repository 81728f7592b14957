"""API calls per page, counted at the HTTP layer: the number must not grow
with the number of hosts, instances or migrations."""
from django.test.utils import override_settings
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import FakeCloud

INDEX_URL = reverse("horizon:admin:hosts:index")


class HostsCallBudgetTests(test.BaseAdminViewTests):

    def _calls(self, url, **scale):
        with FakeCloud(**scale) as cloud:
            res = self.client.get(url)
        self.assertEqual(200, res.status_code)
        return cloud, res

    def test_hosts_overview_costs_the_same_at_every_scale(self):
        small, res = self._calls(INDEX_URL, hosts=3, migrations=5)
        self.assertContains(res, "cmp3")
        large, res = self._calls(INDEX_URL, hosts=120, migrations=400,
                                 instances_per_host=20)
        # One page of hosts is shown; the summary counts every host.
        self.assertContains(res, "120 compute hosts")
        self.assertContains(res, 'id="hosts__row__cmp20"')
        self.assertEqual(small.count(), large.count())
        # The last page costs the same: the lists are not re-read per page.
        last, res = self._calls(INDEX_URL + "?marker=cmp100", hosts=120,
                                migrations=400, instances_per_host=20)
        self.assertContains(res, 'id="hosts__row__cmp120"')
        self.assertEqual(large.count(), last.count())
        # services + hypervisors + migrations (+ version discovery once).
        self.assertLessEqual(large.count("nova"), 4)
        self.assertEqual(0, large.count("placement"))

    @override_settings(API_RESULT_PAGE_SIZE=50)
    def test_lists_follow_pages_instead_of_truncating(self):
        cloud, res = self._calls(INDEX_URL, hosts=25, page_limit=10)
        self.assertContains(res, "cmp25")
        # 25 hypervisors at 10 a page: 3 pages, still not one per host.
        self.assertEqual(3, len([c for c in cloud.calls
                                 if c[2].endswith("/os-hypervisors/detail")]))

    def test_host_instances_tab_costs_the_same_at_every_scale(self):
        url = reverse("horizon:admin:hosts:detail", args=["cmp1"]) + \
            "?tab=host_details__instances"
        small, res = self._calls(url, hosts=3, instances_per_host=2)
        self.assertContains(res, "vm-cmp1-1")
        large, res = self._calls(url, hosts=50, instances_per_host=200)
        self.assertContains(res, "vm-cmp1-199")
        self.assertEqual(small.count(), large.count())

    def test_nova_errors_become_messages_not_500s(self):
        for status in (400, 403, 404, 409, 500, 503):
            with FakeCloud() as cloud:
                cloud.fail(r"/os-services$", status, "boom %d" % status)
                res = self.client.get(INDEX_URL)
            self.assertEqual(200, res.status_code, status)
            self.assertContains(res, "Unable to list compute services")
