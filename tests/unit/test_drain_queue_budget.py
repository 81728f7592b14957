"""The drain status page and its refresh cost the same Nova calls with 4
queued rows as with 40 (no server read per row), counted at the HTTP layer
(tests/unit/fake_cloud.py).  The fake has one live migration running off
cmp1, and the queue allows one move in flight: nothing is sent, what is
counted is what a look costs.  The servers read are the host's and those
changed since the drain began, never every server of the cloud (the page
refreshes every 5 s); what the page shows of the instances that left the
host comes from that narrowed read."""
import datetime
from unittest import mock

from django.core.cache import cache
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from migration_dashboard.core import drain_queue as dq
from migration_dashboard.services import drain
from migration_dashboard.services import drain_queue
from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import FIRST_MIGRATION
from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY

DRAIN_STARTS = (FIRST_MIGRATION + datetime.timedelta(days=1)).replace(
    tzinfo=datetime.timezone.utc)
SINCE = "2026-11-26T09:00:00Z"
# services, migrations since the drain, the host's servers, the servers
# changed since the drain began; the bytes of the one running live
# migration.
BUDGET = 5
# The drain's start less the clock skew the plugin allows (5 s).
CHANGED_SINCE = "2026-11-26T08:59:55Z"


class DrainStatusBudgetTests(test.BaseAdminViewTests):

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def _calls(self, per_host, fragment):
        cache.clear()
        url = reverse("horizon:admin:hosts:drain_status", args=["cmp1"]) + \
            "?since=" + SINCE
        headers = {}
        if fragment:
            url += "&fragment=status"
            headers["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
        with FakeCloud(hosts=3, instances_per_host=per_host) as cloud:
            cloud.catalog = self.service_catalog
            # A move of the drain done already: the instance is on cmp2.
            cloud.add_migration(100, "inst-cmp2-0", "cmp1", "cmp2",
                                "completed", "2026-11-26T10:05:00.000000")
            mine = [i["id"] for i in cloud.instances
                    if i["OS-EXT-SRV-ATTR:host"] == "cmp1"]
            # Queued: those Nova shows no move off cmp1 of.
            moved = {m["instance_uuid"] for m in cloud.migrations
                     if m["source_compute"] == "cmp1"}
            expected = len([i for i in mine if i not in moved])
            drain_queue.store(
                drain.DRAIN, "cmp1", SINCE, 1,
                [dq.Entry(id=i, name=i) for i in mine])
            self.assertEqual(200, self.client.get(url, **headers)
                             .status_code)
            del cloud.calls[:]
            del cloud.queries[:]
            res = self.client.get(url, **headers)
        self.assertEqual(200, res.status_code)
        rows = res.context["table"].data
        self.assertEqual(expected, sum(r.state == "queued" for r in rows))
        self.assertEqual(expected, res.content.decode().count(
            'class="drain-queued-position"'))
        self.assertGreaterEqual(expected, per_host // 2)
        # The moves off cmp1 the fake completed: each row says where Nova
        # has the instance now (read from the narrowed server list).
        by_id = {r.id: r for r in rows}
        for mig in cloud.migrations:
            inst = cloud._servers[mig["instance_uuid"]]
            if mig["source_compute"] != "cmp1" or \
                    inst["OS-EXT-SRV-ATTR:host"] == "cmp1":
                continue
            row = by_id[inst["id"]]
            self.assertEqual(("done", inst["OS-EXT-SRV-ATTR:host"]),
                             (row.state, row.host), inst["id"])
            self.assertContains(res, inst["name"])
        self._assert_narrowed(cloud)
        return cloud.calls

    def _assert_narrowed(self, cloud):
        servers = [q for q in cloud.queries
                   if q[0] == "nova" and q[2].endswith("/servers/detail")]
        self.assertEqual(
            [{"all_tenants": ["True"], "host": ["cmp1"]},
             {"all_tenants": ["True"], "changes-since": [CHANGED_SINCE]}],
            [q[3] for q in servers])

    def test_status_page_calls_do_not_grow_with_rows(self):
        small = self._calls(4, fragment=False)
        large = self._calls(40, fragment=False)
        self.assertEqual(len(small), len(large),
                         "\n".join("%s %s %s" % c for c in large))
        self.assertLessEqual(len(large), BUDGET,
                             "\n".join("%s %s %s" % c for c in large))

    def test_the_pages_refresh_calls_do_not_grow_with_rows(self):
        small = self._calls(4, fragment=True)
        large = self._calls(40, fragment=True)
        self.assertEqual(len(small), len(large),
                         "\n".join("%s %s %s" % c for c in large))
        self.assertLessEqual(len(large), BUDGET)
        self.assertTrue(all(c[0] == "nova" for c in large), large)


class DrainSubmitBudgetTests(test.BaseAdminViewTests):
    """Submitting a drain reads the host's servers once: the plan read them
    (GET /servers/detail?host=, 1.2–2 s on the 12-compute demo), and the
    look at the drain that sends the head of the queue uses them."""

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def test_submit_reads_the_hosts_servers_once(self):
        cache.clear()
        url = reverse("horizon:admin:hosts:drain_plan", args=["cmp1"])
        with FakeCloud(hosts=3, instances_per_host=6) as cloud:
            cloud.catalog = self.service_catalog
            # Warm: the microversion discovery is cached, not a submit cost.
            self.assertEqual(200, self.client.get(url).status_code)
            del cloud.calls[:]
            del cloud.queries[:]
            # The drain starts a day after the fake's migration records,
            # whatever the machine's clock: none of them is one of its
            # moves.
            with mock.patch("migration_dashboard.services.stall.utcnow",
                            return_value=DRAIN_STARTS):
                res = self.client.post(url, {"submit": "1",
                                             "in_flight": "2",
                                             "acknowledge": "1"})
        self.assertEqual(200, res.status_code)
        # The first two moves were sent, the other four queued.
        sent = [w for w in cloud.writes if w[1].endswith("/action")]
        self.assertEqual(2, len(sent), cloud.writes)
        outcomes = sorted(r.outcome for r in res.context["table"].data)
        self.assertEqual(["accepted"] * 2 + ["queued"] * 4, outcomes)
        servers = [q for q in cloud.queries
                   if q[1] == "GET" and q[2].endswith("/servers/detail")]
        self.assertEqual([{"all_tenants": ["True"], "host": ["cmp1"]}],
                         [q[3] for q in servers],
                         "\n".join("%s %s %s" % c for c in cloud.calls))
