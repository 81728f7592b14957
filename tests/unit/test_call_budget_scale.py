"""API calls per page must not grow with hosts, instances or migrations.

Counted at the HTTP layer (tests/unit/fake_cloud.py) with Placement in the
user's catalog, so every call a page makes is really made.  Pages are loaded
twice and the second (warm) load is counted: the plugin's microversion
discovery is cached for ten minutes and is not a per-page cost.  Nova pages
lists at osapi_max_limit (1000) items: the large scale has more instances
than that, so a page that lists every instance shows up as growth; hosts stay
under it (the plugin's whole-list calls cost one call per 1000 hosts, by
design).  Not timed: see tools/bench for time.
"""
import datetime
from urllib import parse

from django.urls import NoReverseMatch
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from migration_dashboard.services import migrations
from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY

# Two anti-affinity groups (the second instance of cmp1 is in one) and a
# pinned first instance on every host: the pages that check moves must
# learn who runs where, and must not pay for it per instance.
SMALL = dict(hosts=3, instances=12, migrations=25, server_groups=2)
LARGE = dict(hosts=120, instances=2400, migrations=600, server_groups=2)

# Targets (issue 8).  The hosts overview: services, hypervisors,
# migrations, and what the scheduler counts (Placement's provider list and
# one allocation candidate answer: the fake's hosts all have room for a
# vCPU; a host without adds one call, test_hosts_scheduler_counts.py),
# whatever the number of hosts.
HOSTS_BUDGET = 5
HOSTS_PLACEMENT_CALLS = 2
DETAIL_BUDGET = 5
DRAIN_PLAN_BUDGET = 8


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


DETAIL = _url("horizon:admin:hosts:detail", "cmp1")
PAGES = {
    "hosts overview": _url("horizon:admin:hosts:index"),
    "host detail, overview": DETAIL + "?tab=host_details__overview",
    "host detail, instances": DETAIL + "?tab=host_details__instances",
    "host detail, migrations": DETAIL + "?tab=host_details__migrations",
    "migrations list": _url("horizon:admin:migrations:index"),
    "drain plan": _url("horizon:admin:hosts:drain_plan", "cmp1"),
    # The pinned instance (wants an empty destination) and the one in a
    # server group with a member on another host.
    "live-migrate form, pinned": _url(
        "horizon:admin:hosts:instance_live_migrate", "cmp1", "inst-cmp1-0"),
    "live-migrate form, server group": _url(
        "horizon:admin:hosts:instance_live_migrate", "cmp1", "inst-cmp1-1"),
}


class CallBudgetScaleTests(test.BaseAdminViewTests):

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def _warm_calls(self, url, headers=None, **scale):
        headers = headers or {}
        with FakeCloud(**scale) as cloud:
            cloud.catalog = self.service_catalog
            self.assertEqual(200, self.client.get(url, **headers)
                             .status_code)
            del cloud.calls[:]
            del cloud.queries[:]
            res = self.client.get(url, **headers)
        self.assertEqual(200, res.status_code)
        not_found = [c for c in cloud.calls if c[0] not in
                     ("nova", "placement", "neutron", "keystone", "glance",
                      "cinder")]
        self.assertEqual([], not_found)
        self.last_cloud, self.last_res = cloud, res
        return cloud.calls, res

    def _assert_flat(self, page):
        url = PAGES[page]
        if url is None:
            self.skipTest("%s: panel absent" % page)
        small, _res = self._warm_calls(url, **SMALL)
        large, _res = self._warm_calls(url, **LARGE)
        self.assertEqual(
            len(small), len(large),
            "%s: %d calls with %r, %d with %r:\n%s" % (
                page, len(small), SMALL, len(large), LARGE,
                "\n".join("%s %s %s" % c for c in large)))
        return large

    def test_hosts_overview(self):
        calls = self._assert_flat("hosts overview")
        self.assertLessEqual(len(calls), HOSTS_BUDGET)
        self.assertEqual(HOSTS_PLACEMENT_CALLS,
                         len([c for c in calls if c[0] == "placement"]))

    def test_host_detail_overview(self):
        calls = self._assert_flat("host detail, overview")
        self.assertLessEqual(len(calls), DETAIL_BUDGET)

    def test_host_detail_instances(self):
        self._assert_flat("host detail, instances")

    def test_host_detail_instances_budget(self):
        # The Overview tab is not preloaded, so its Placement calls are not
        # made here.
        calls, _res = self._warm_calls(PAGES["host detail, instances"],
                                       **LARGE)
        self.assertLessEqual(len(calls), DETAIL_BUDGET)

    def _assert_names_from_one_narrowed_list(self, cloud, rows):
        """The rows' instances named from ONE server list, narrowed by
        changes-since to the oldest migration shown less the margin (a
        whole-cloud list would page: 3 calls at LARGE), never a read per
        instance."""
        servers = [q for q in cloud.queries
                   if q[0] == "nova" and "/servers" in q[2] and
                   "/migrations" not in q[2]]
        oldest = min(r.created_at for r in rows)  # the fake's are uniform
        expected = (datetime.datetime.strptime(
            oldest, "%Y-%m-%dT%H:%M:%S.%f") - migrations.NAMES_MARGIN
        ).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(
            [("/v2/servers/detail", {"all_tenants": ["True"],
                                     "changes-since": [expected]})],
            [(q[2], q[3]) for q in servers])
        for row in rows:
            self.assertEqual(cloud._servers[row.instance_id]["name"],
                             row.instance_name)

    def test_host_detail_migrations(self):
        # The tab names the instances of its rows with one narrowed server
        # list, whatever the number of rows or of instances in the cloud.
        for scale in (SMALL, LARGE):
            calls, res = self._warm_calls(PAGES["host detail, migrations"],
                                          **scale)
            rows = res.context["tab_group"].get_tab("migrations") \
                ._tables["migrations"].data
            self.assertTrue(rows)
            self.assertLessEqual(len(calls), DETAIL_BUDGET)
            self._assert_names_from_one_narrowed_list(self.last_cloud, rows)

    def test_migrations_list(self):
        # One /os-migrations page, one Keystone project list (names of the
        # requesting projects), the bytes of each in-progress live
        # migration on the page and one narrowed server list (the names):
        # bounded by the page size at any scale.
        for scale in (SMALL, LARGE):
            calls, res = self._warm_calls(PAGES["migrations list"], **scale)
            rows = res.context["table"].data
            live = [r for r in rows if r.is_live and r.in_progress]
            self.assertTrue(live)  # the fake has some on every page
            nova = [c for c in calls if c[0] == "nova"]
            self.assertEqual(1 + len(live) + 1, len(nova),
                             "\n".join("%s %s %s" % c for c in nova))
            self._assert_names_from_one_narrowed_list(self.last_cloud, rows)
            for row in rows:
                self.assertEqual(
                    self.last_cloud._servers[row.instance_id]["name"],
                    row.display_name)
                self.assertContains(res, ">%s</a>" % row.display_name)
            self.assertEqual(1, len([c for c in nova
                                     if c[2].endswith("/os-migrations")]))
            self.assertLessEqual(len([c for c in calls
                                      if c[0] == "keystone"]), 1)
            self.assertEqual([], [c for c in calls if c[0] not in
                                  ("nova", "keystone")])
            # Every instance id on the page links to its migrations page.
            for row in rows:
                self.assertContains(res, reverse(
                    "horizon:admin:migrations:instance",
                    args=[row.instance_id]))

    def test_migrations_row_refresh(self):
        # The fake: migration 0 of every 5 is a running live migration.
        for mid, status, nova_calls in ((0, "running", 2),
                                        (1, "completed", 1)):
            for scale in (SMALL, LARGE):
                instance = FakeCloud(**scale).migrations[mid][
                    "instance_uuid"]
                url = PAGES["migrations list"] + "?" + parse.urlencode({
                    "action": "row_update", "table": "migrations",
                    "obj_id": mid, "instance": instance})
                calls, res = self._warm_calls(
                    url, headers={"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
                    **scale)
                self.assertContains(res, status)
                self.assertEqual(nova_calls, len(calls),
                                 "\n".join("%s %s %s" % c for c in calls))
                self.assertTrue(all(c[0] == "nova" for c in calls))

    def test_drain_plan(self):
        calls = self._assert_flat("drain plan")
        self.assertLessEqual(len(calls), DRAIN_PLAN_BUDGET,
                             "\n".join("%s %s %s" % c for c in calls))
        # Who runs where came with the hypervisors, not a server list.
        self.assertEqual(1, len([c for c in calls
                                 if c[2].endswith("/servers/detail")]))

    def _assert_knows_who_runs_where(self, calls):
        self.assertEqual(1, len([c for c in calls
                                 if c[2].endswith("/servers/detail")]))
        # Every destination's instances are known (from the hypervisors).
        facts = self.last_res.context["facts"]
        cloud = self.last_cloud
        for host in ("cmp2", "cmp3"):
            self.assertEqual(
                {i["id"] for i in cloud.instances
                 if i["OS-EXT-SRV-ATTR:host"] == host},
                facts.hosts[host].instance_ids, host)

    def test_live_migrate_form_pinned(self):
        calls = self._assert_flat("live-migrate form, pinned")
        self._assert_knows_who_runs_where(calls)

    def test_live_migrate_form_server_group(self):
        calls = self._assert_flat("live-migrate form, server group")
        self._assert_knows_who_runs_where(calls)
        # The anti-affinity conflict is seen on the member's host.
        self.assertContains(self.last_res, "cmp2 already holds 1 member of it")
