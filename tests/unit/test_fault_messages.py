"""When Nova refuses or fails, the person reads what failed and Nova's own
words: on every page (for each Nova call that page makes) and for every
action's submission.

test_faults.py checks that no fault becomes a 500; here one call at a time
fails (tests/unit/fake_cloud.py ``fail``) with a reason no page could show
by accident, and the page after any redirect must show it.  A page that
swallowed the failure (an empty table, a form without its data) fails.
"""
import re

from django.urls import reverse
from django.utils.html import escape

from openstack_dashboard.test import helpers as test

from tests.unit import test_faults
from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

REASON = "fault-7f3: compute API said no"

# Nova collections a page reads, as the fake records their paths.
READS = (r"/os-services$", r"/os-hypervisors/detail$", r"/servers/detail$",
         r"/os-migrations$", r"/servers/[^/]+$")
# Placement reads: every provider's name, allocation candidates.
PLACEMENT_READS = (r"/resource_providers$", r"/allocation_candidates$")


def _category(path, reads=READS):
    path = re.sub(r"^/v2(\.1)?", "", path)
    return next((r for r in reads if re.search(r, path)), None)


class _FaultPage(PlacementCatalogMixin, test.BaseAdminViewTests):

    def _request(self, method, url, data=None, fail=None, status=503):
        with FakeCloud() as cloud:
            cloud.catalog = self.service_catalog
            if fail:
                cloud.fail(fail, status, REASON)
            res = getattr(self.client, method)(url, data or {}, follow=True)
        return res, cloud

    def assert_shown(self, res, what):
        content = res.content.decode()
        self.assertLess(res.status_code, 500, what)
        self.assertTrue(escape(REASON) in content,
                        "%s: Nova's reason is not on the page" % (what,))


class PageFaultMessageTests(_FaultPage):

    def test_every_nova_read_of_every_page_is_explained(self):
        checked = []
        for name, url in test_faults.page_urls():
            if name.endswith("instances_findings"):
                continue  # a fragment: see FragmentFaultTests
            _res, cloud = self._request("get", url)
            reads = sorted({_category(c[2]) for c in cloud.calls
                            if c[0] == "nova" and c[1] == "GET"} - {None})
            for path in reads:
                with self.subTest(page=name, failing=path):
                    res, _cloud = self._request("get", url, fail=path)
                    self.assert_shown(res, (name, path))
                    checked.append((name, path))
        self.assertGreater(len(checked), 20)

    def test_every_placement_read_of_every_page_is_explained(self):
        checked = []
        for name, url in test_faults.page_urls():
            if name.endswith("instances_findings"):
                continue
            _res, cloud = self._request("get", url)
            reads = sorted({_category(c[2], PLACEMENT_READS)
                            for c in cloud.calls
                            if c[0] == "placement" and c[1] == "GET"} -
                           {None})
            for path in reads:
                with self.subTest(page=name, failing=path):
                    res, _cloud = self._request("get", url, fail=path)
                    self.assert_shown(res, (name, path))
                    checked.append((name, path))
        self.assertIn(("horizon:admin:hosts:index", r"/resource_providers$"),
                      checked)
        self.assertIn(("horizon:admin:hosts:index",
                       r"/allocation_candidates$"), checked)


class FragmentFaultTests(_FaultPage):

    def test_findings_fragment_names_the_failure(self):
        url = reverse("horizon:admin:hosts:instances_findings",
                      args=["cmp1"])
        res, _cloud = self._request(
            "get", url, {"kind": "live", "instance": "inst-cmp1-1"},
            fail=r"/os-hypervisors/detail$")
        self.assertEqual(200, res.status_code)
        self.assert_shown(res, "findings")


class ActionFaultMessageTests(_FaultPage):
    """Nova refuses the write itself (409, as for a locked instance or a
    migration that just ended): the message names the action, the object
    and Nova's reason."""

    def _post(self, url, data, fail, *expected):
        res, cloud = self._request("post", url, data, fail=fail, status=409)
        self.assert_shown(res, url)
        content = res.content.decode()
        for text in expected:
            self.assertIn(text, content, url)
        return res, cloud

    def test_live_migration(self):
        self._post(reverse("horizon:admin:hosts:instance_live_migrate",
                           args=["cmp1", "inst-cmp1-1"]),
                   {"host": "cmp1", "instances": "inst-cmp1-1",
                    "destination": "", "block_migration": "auto"},
                   r"/servers/inst-cmp1-1/action$", "vm-cmp1-1")

    def test_cold_migration(self):
        self._post(reverse("horizon:admin:hosts:instance_cold_migrate",
                           args=["cmp1", "inst-cmp1-1"]),
                   {"host": "cmp1", "instances": "inst-cmp1-1",
                    "destination": ""},
                   r"/servers/inst-cmp1-1/action$", "vm-cmp1-1")

    def test_disable(self):
        self._post(reverse("horizon:admin:hosts:disable", args=["cmp2"]),
                   {"host": "cmp2", "reason": "fans"},
                   r"/os-services/svc-cmp2$", "cmp2")

    def test_force_down(self):
        self._post(reverse("horizon:admin:hosts:force_down", args=["cmp2"]),
                   {"host": "cmp2", "fenced": "on"},
                   r"/os-services/svc-cmp2$", "cmp2")

    def test_abort(self):
        self._post(reverse("horizon:admin:migrations:abort",
                           args=["inst-cmp1-0", "0"]),
                   {"instance_id": "inst-cmp1-0", "migration_id": "0"},
                   r"/servers/inst-cmp1-0/migrations/0$")

    def test_force_complete(self):
        self._post(reverse("horizon:admin:migrations:force_complete",
                           args=["inst-cmp1-0", "0"]),
                   {"instance_id": "inst-cmp1-0", "migration_id": "0"},
                   r"/servers/inst-cmp1-0/migrations/0/action$")
