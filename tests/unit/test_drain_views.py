"""View tests for draining a host: plan, dry run, overrides, submit with
partial refusals, tracking, move back, errors, escaping, policy (the
plugin's api modules mocked; facts, the planner, Horizon's tables and the
templates run)."""
import datetime
import re
from unittest import mock
from urllib import parse

from django.test.utils import override_settings
from django.urls import reverse
from keystoneauth1 import exceptions as ks_exceptions
from novaclient import exceptions as nova_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from migration_dashboard.services import drain
from migration_dashboard.services import drain_tracking as data
from migration_dashboard.services import stall
from tests.unit import fixtures as f

MOCKS = {api.nova: ["service_list", "hypervisor_list", "instance_list",
                    "compute_microversion", "server_group_list",
                    "server_live_migrate", "server_migrate",
                    "server_confirm_resize", "server_revert_resize",
                    "service_disable", "service_enable", "migration_list",
                    "instance_get", "server_migration_get",
                    "aggregate_list"],
         api.placement: ["allocation_candidates"],
         api.neutron: ["port_vnic_types"]}

SINCE = "2026-11-26T10:00:00Z"
MARKED = "Drain since %s: kernel upgrade" % SINCE
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def start_url(host="cmp1"):
    return reverse("horizon:admin:hosts:drain_start", args=[host])


def plan_url(host="cmp1"):
    return reverse("horizon:admin:hosts:drain_plan", args=[host])


def status_url(host="cmp1"):
    return reverse("horizon:admin:hosts:drain_status", args=[host])


def back_url(host="cmp1"):
    return reverse("horizon:admin:hosts:drain_move_back", args=[host])


def _summary(free_ram=16384, free_vcpus=32, free_disk=500):
    return {"resources": {
        "VCPU": {"capacity": 64, "used": 64 - free_vcpus,
                 "free": free_vcpus},
        "MEMORY_MB": {"capacity": 32768, "used": 32768 - free_ram,
                      "free": free_ram},
        "DISK_GB": {"capacity": 1000, "used": 1000 - free_disk,
                    "free": free_disk}},
            "traits": frozenset()}


# The clock of the status page's stall checks (stall.utcnow patched to
# it): an hour after SINCE, so that the fixtures' fixed times stay in the
# drain whatever the machine's clock says.
NOW = datetime.datetime(2026, 11, 26, 11, 0, 0,
                        tzinfo=datetime.timezone.utc)


def _ago(seconds):
    when = NOW - datetime.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _messages(res):
    return [str(m) for m in res.wsgi_request._messages]


def mig(mid, instance_id, source="cmp1", dest="cmp2", status="completed",
        kind="live-migration", minute=5):
    m = f.migration(mid, instance_id, source, dest, status=status,
                    migration_type=kind)
    m._data["created_at"] = "2026-11-26T10:%02d:00.000000" % minute
    return m


class _Base(test.BaseAdminViewTests):

    def setUp(self):
        super().setUp()
        self.hypervisors = [f.hypervisor("cmp1", node_id="node-cmp1"),
                            f.hypervisor("cmp2", node_id="node-cmp2"),
                            f.hypervisor("cmp3", node_id="node-cmp3")]
        self.services = [f.service("cmp1", status="disabled",
                                   reason=MARKED),
                         f.service("cmp2"), f.service("cmp3")]
        self.instances = [f.instance("web-1", "cmp1"),
                          f.instance("web-2", "cmp1"),
                          f.instance("off-1", "cmp1", status="SHUTOFF")]
        self.placement = {"node-cmp2": _summary(),
                          "node-cmp3": _summary()}
        self.migrations = []

    def _setup_mocks(self, microversion="2.96"):
        self.mock_service_list.side_effect = \
            lambda request, host=None: [s for s in self.services
                                        if host in (None, s.host)]
        self.mock_hypervisor_list.return_value = self.hypervisors
        self.mock_instance_list.side_effect = lambda request, host=None, **k: [
            i for i in self.instances if host in (None, i.host)]
        self.mock_compute_microversion.return_value = microversion
        self.mock_server_group_list.return_value = []
        self.mock_allocation_candidates.return_value = self.placement
        self.mock_port_vnic_types.side_effect = \
            lambda request, ids: {i: ["normal"] for i in ids}

        def migration_list(request, host=None, instance_id=None, **kw):
            return [m for m in self.migrations
                    if host in (None, m.source_compute, m.dest_compute) and
                    instance_id in (None, m.instance_id)]
        self.mock_migration_list.side_effect = migration_list

        def instance_get(request, instance_id):
            for i in self.instances:
                if i.id == instance_id:
                    return i
            raise nova_exceptions.NotFound(404, "no such instance")
        self.mock_instance_get.side_effect = instance_get

    def _move(self, name, host, status="ACTIVE"):
        for n, i in enumerate(self.instances):
            if i.name == name:
                raw = i.to_dict()
                raw["OS-EXT-SRV-ATTR:host"] = host
                raw["status"] = status
                self.instances[n] = api.nova_records.Instance(raw)


# ------------------------------------------------------------------ start

class StartTests(_Base):

    @test.create_mocks(MOCKS)
    def test_hosts_table_offers_drain(self):
        self._setup_mocks()
        self.services[0] = f.service("cmp1")
        res = self.client.get(reverse("horizon:admin:hosts:index"))
        self.assertContains(res, "hosts__row_cmp1__action_drain")
        self.assertContains(res, start_url("cmp1"))

    @test.create_mocks(MOCKS)
    def test_start_disables_with_the_drain_marker(self):
        self.services[0] = f.service("cmp1")
        self._setup_mocks()
        res = self.client.get(start_url())
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "admin/hosts/drain/start.html")
        res = self.client.post(start_url(), {"host": "cmp1",
                                             "reason": "kernel upgrade"})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, plan_url())
        args = self.mock_service_disable.call_args[0]
        self.assertEqual("cmp1", args[1])
        since, reason = drain.parse_marker(args[2])
        self.assertIsNotNone(since)
        self.assertEqual("kernel upgrade", reason)

    @test.create_mocks(MOCKS)
    def test_reason_help_text_stays_inside_its_tooltip(self):
        # Horizon writes help texts into a title attribute unescaped: the
        # marker's quotes and <time> used to end it and show as text.
        self.services[0] = f.service("cmp1")
        self._setup_mocks()
        res = self.client.get(start_url())
        self.assertContains(
            res, 'title="Nova stores it with the service, after a drain '
            'marker (&quot;Drain since &lt;time&gt;&quot;) by which every '
            'dashboard recognises the drain: ')
        self.assertNotContains(res, '("Drain since <time>")')

    @test.create_mocks(MOCKS)
    def test_start_needs_a_reason_for_an_enabled_host(self):
        self.services[0] = f.service("cmp1")
        self._setup_mocks()
        res = self.client.get(start_url())
        self.assertContains(res, "First the host is disabled")
        self.assertNotContains(res, "The host is already disabled")
        res = self.client.post(start_url(), {"host": "cmp1", "reason": ""})
        self.assertFormErrors(res, 1)
        self.mock_service_disable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_already_drained_host_is_not_disabled_again(self):
        self._setup_mocks()
        res = self.client.get(start_url())
        self.assertContains(res, "already disabled for a drain")
        res = self.client.post(start_url(), {"host": "cmp1", "reason": ""})
        self.assertRedirectsNoFollow(res, plan_url())
        self.mock_service_disable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_disabled_host_is_planned_not_disabled_again(self):
        self.services[0] = f.service("cmp1", status="disabled",
                                     reason="disk swap")
        self._setup_mocks()
        res = self.client.get(start_url())
        # "Plan", not "Disable and Plan"; no reason to type over the
        # operator's.
        self.assertContains(res, 'value="Plan"')
        self.assertNotContains(res, "Disable and Plan")
        # The introduction does not announce a disable that will not happen.
        self.assertContains(res, "The host is already disabled")
        self.assertNotContains(res, "First the host is disabled")
        self.assertNotContains(res, 'name="reason"')
        res = self.client.post(start_url(), {"host": "cmp1",
                                             "reason": "overwrite"})
        self.assertRedirectsNoFollow(res, plan_url())
        self.mock_service_disable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_nova_refusing_to_disable_is_a_message(self):
        self.services[0] = f.service("cmp1")
        self._setup_mocks()
        self.mock_service_disable.side_effect = nova_exceptions.Forbidden(
            403, "Policy doesn't allow " + HOSTILE)
        res = self.client.post(start_url(), {"host": "cmp1",
                                             "reason": "x"})
        self.assertNotEqual(500, res.status_code)
        self.assertTrue(any("Unable to disable host cmp1" in m
                            for m in _messages(res)))


# ------------------------------------------------------------------- plan

class PlanTests(_Base):

    @test.create_mocks(MOCKS)
    def test_plan_shows_every_instance_with_strategy_and_summary(self):
        self._setup_mocks()
        res = self.client.get(plan_url())
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "admin/hosts/drain/plan.html")
        content = res.content.decode()
        for name in ("web-1", "web-2", "off-1"):
            self.assertIn(name, content)
        self.assertRegex(content, r'id="drain-plan-row-inst-web-1"[^>]*'
                                  r'data-strategy="live')
        self.assertRegex(content, r'id="drain-plan-row-inst-off-1"[^>]*'
                                  r'data-strategy="cold"')
        self.assertIn('data-moving="3"', content)
        self.assertContains(res, "Cold migration:")
        # Nothing submitted by looking at the plan.
        self.mock_server_live_migrate.assert_not_called()
        self.mock_server_migrate.assert_not_called()
        self.mock_service_disable.assert_not_called()

    def _calls(self):
        return {m: getattr(self, "mock_" + m).call_count
                for names in MOCKS.values() for m in names}

    @test.create_mocks(MOCKS)
    def test_plan_costs_a_constant_number_of_calls(self):
        counts = []
        for size in (3, 60):
            self.instances = [f.instance("vm-%03d" % n, "cmp1",
                                         status="SHUTOFF" if n % 7 == 0
                                         else "ACTIVE")
                              for n in range(size)]
            self.placement = {"node-cmp2": _summary(free_ram=10 ** 6),
                              "node-cmp3": _summary(free_ram=10 ** 6)}
            self._setup_mocks()
            for mocked_names in MOCKS.values():
                for m in mocked_names:
                    getattr(self, "mock_" + m).reset_mock()
            res = self.client.get(plan_url())
            self.assertEqual(200, res.status_code)
            self.assertContains(res, 'data-moving="%d"' % size)
            counts.append(self._calls())
        self.assertEqual(counts[0], counts[1])
        total = sum(counts[1].values())
        # 8: the host aggregates (deployment facts) are the eighth call,
        # see docs/benchmark.md.
        self.assertLessEqual(total, 8, counts[1])
        self.assertEqual(1, counts[1]["aggregate_list"])
        self.assertEqual(1, counts[1]["allocation_candidates"])
        self.assertEqual(1, counts[1]["instance_list"])
        self.assertEqual(0, counts[1]["instance_get"])

    @test.create_mocks(MOCKS)
    def test_dry_run_with_overrides_and_exclusions_submits_nothing(self):
        self._setup_mocks()
        res = self.client.post(plan_url(), {
            "dry_run": "1", "default_destination": "",
            "strategy__inst-web-1": "cold", "dest__inst-web-1": "cmp3",
            "strategy__inst-web-2": "exclude",
            "strategy__inst-off-1": "", "dest__inst-off-1": "cmp2"})
        self.assertEqual(200, res.status_code)
        content = res.content.decode()
        self.assertIn("Dry run", content)
        self.assertRegex(content, r'id="drain-plan-row-inst-web-1"[^>]*'
                                  r'data-strategy="cold"')
        self.assertRegex(content, r'id="drain-plan-row-inst-web-2"[^>]*'
                                  r'data-strategy="skipped"')
        self.assertIn('data-moving="2"', content)
        # The choices stay selected.
        self.assertIn('<option value="cmp3" selected>', content)
        self.assertIn('<option value="exclude" selected>', content)
        self.mock_server_live_migrate.assert_not_called()
        self.mock_server_migrate.assert_not_called()
        self.mock_service_disable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_dry_run_keeps_the_rows_where_the_page_showed_them(self):
        self._setup_mocks()
        shown = re.findall(r'id="drain-plan-row-([^"]+)"',
                           self.client.get(plan_url()).content.decode())
        self.assertEqual(3, len(shown))
        # Exclude the first row and make the last one cold: the planner
        # sends them elsewhere in its order, the page keeps them put.
        data = [("dry_run", "1"), ("default_destination", "")]
        data += [("strategy__" + iid, "exclude" if n == 0 else
                  "cold" if n == 2 else "") for n, iid in enumerate(shown)]
        res = self.client.post(plan_url(), parse.urlencode(data),
                               content_type="application/x-www-form-"
                                            "urlencoded")
        content = res.content.decode()
        self.assertIn('<option value="exclude" selected>', content)
        self.assertEqual(shown, re.findall(r'id="drain-plan-row-([^"]+)"',
                                           content))
        # Twice: the order does not drift with each dry run either.
        res = self.client.post(plan_url(), parse.urlencode(data),
                               content_type="application/x-www-form-"
                                            "urlencoded")
        self.assertEqual(shown, re.findall(r'id="drain-plan-row-([^"]+)"',
                                           res.content.decode()))

    @test.create_mocks(MOCKS)
    def test_bad_input_is_reported_and_ignored(self):
        self._setup_mocks()
        res = self.client.post(plan_url(), {
            "dry_run": "1", "default_destination": "nohost",
            "strategy__inst-web-1": "teleport",
            "dest__inst-web-2": "cmp1"})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Unknown strategy teleport ignored")
        self.assertContains(res, "Unknown destination nohost ignored")
        self.assertContains(res, "Unknown destination cmp1 ignored")

    @test.create_mocks(MOCKS)
    def test_capacity_short_blocks_some_rows(self):
        self.instances = [f.instance("big-%d" % n, "cmp1")
                          for n in range(4)]
        self.placement = {"node-cmp2": _summary(free_ram=4096),
                          "node-cmp3": _summary(free_ram=2048)}
        self._setup_mocks()
        res = self.client.get(plan_url())
        self.assertContains(res, 'data-code="plan-capacity-short"')
        self.assertContains(res, 'data-strategy="blocked"')

    @test.create_mocks(MOCKS)
    def test_submit_with_partial_refusals_reports_every_instance(self):
        self.instances.append(f.instance("gone-1", "cmp1"))
        self._setup_mocks()

        def live(request, instance_id, host=None, block_migration=None):
            if instance_id == "inst-web-2":
                raise nova_exceptions.Conflict(
                    409, "Cannot 'os-migrateLive' while task_state " +
                    HOSTILE)
            if instance_id == "inst-gone-1":
                raise nova_exceptions.NotFound(404, "Instance not found")
        self.mock_server_live_migrate.side_effect = live
        res = self.client.post(plan_url(), {
            "submit": "1", "dest__inst-off-1": "cmp3", "in_flight": "4"})
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "admin/hosts/drain/result.html")
        self.assertEqual(3, self.mock_server_live_migrate.call_count)
        self.mock_server_migrate.assert_called_once_with(
            test.IsHttpRequest(), "inst-off-1", host="cmp3")
        content = res.content.decode()
        self.assertIn("Accepted by Nova: 2", content)
        self.assertIn("Refused by Nova: 2", content)
        self.assertIn("refused in its current state (409)", content)
        self.assertIn("not found (deleted meanwhile?)", content)
        self.assertIn(ESCAPED, content)
        self.assertNotIn(HOSTILE, content)
        messages = _messages(res)
        self.assertEqual(2, sum("not started" in m for m in messages))
        # Already marked: the drain keeps its start and reason; its marker
        # now carries N.
        self.mock_service_disable.assert_called_once_with(
            test.IsHttpRequest(), "cmp1",
            "Drain since %s (N=4): kernel upgrade" % SINCE)
        self.assertIn(status_url(), content)

    @test.create_mocks(MOCKS)
    def test_submit_marks_an_unmarked_host_and_skips_excluded(self):
        self.services[0] = f.service("cmp1", status="disabled",
                                     reason="repair")
        self._setup_mocks()
        res = self.client.post(plan_url(), {
            "submit": "1", "strategy__inst-web-2": "exclude"})
        self.assertEqual(200, res.status_code)
        self.assertEqual(1, self.mock_service_disable.call_count)
        # The marker goes in front of the operator's reason, kept whole.
        self.assertEqual("repair", drain.parse_marker(
            self.mock_service_disable.call_args[0][2])[1])
        self.assertEqual(1, self.mock_server_live_migrate.call_count)
        self.assertEqual(1, self.mock_server_migrate.call_count)
        self.assertContains(res, "Excluded: 1")

    @test.create_mocks(MOCKS)
    def test_nothing_to_submit(self):
        self.instances = []
        self._setup_mocks()
        res = self.client.get(plan_url())
        self.assertContains(res, "No instance to move.")
        res = self.client.post(plan_url(), {"submit": "1"})
        self.assertContains(res, "Nothing to submit")
        self.mock_service_disable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_nova_unreachable_is_a_message_not_a_500(self):
        self._setup_mocks()
        self.mock_service_list.side_effect = \
            ks_exceptions.ConnectFailure("nova down")
        res = self.client.get(plan_url())
        self.assertEqual(302, res.status_code)
        self.assertTrue(any("Unable to read what draining cmp1" in m
                            for m in _messages(res)))

    @test.create_mocks(MOCKS)
    def test_hostile_names_are_escaped(self):
        self.instances[0] = f.instance(HOSTILE, "cmp1")
        self.services[0] = f.service("cmp1", status="disabled",
                                     reason="Drain since %s: %s"
                                     % (SINCE, HOSTILE))
        self._setup_mocks()
        res = self.client.get(plan_url())
        content = res.content.decode()
        self.assertIn(ESCAPED, content)
        self.assertNotIn(HOSTILE, content)


# --------------------------------------------------------------- tracking

class TrackTests(_Base):

    @test.create_mocks(MOCKS)
    def test_every_state_and_host_not_empty(self):
        self.instances.append(f.instance("cold-1", "cmp1"))
        self.instances.append(f.instance("fail-1", "cmp1"))
        self._move("web-1", "cmp2")
        self._move("cold-1", "cmp3", status="VERIFY_RESIZE")
        self.migrations = [
            mig(1, "inst-web-1", status="completed"),
            mig(2, "inst-web-2", status="running"),
            mig(3, "inst-cold-1", dest="cmp3", status="finished",
                kind="migration"),
            mig(4, "inst-fail-1", status="error"),
            mig(5, "inst-deleted", status="completed"),
            # Before the drain: ignored.
            api.nova_records.Migration({
                "id": 6, "instance_uuid": "inst-old",
                "source_compute": "cmp1", "dest_compute": "cmp2",
                "status": "completed", "migration_type": "live-migration",
                "created_at": "2026-11-25T09:00:00.000000"}),
        ]
        self._setup_mocks()
        self.mock_server_migration_get.return_value = \
            api.nova_records.ServerMigration({
                "id": 2, "server_uuid": "inst-web-2",
                "status": "running", "memory_total_bytes": 1000,
                "memory_processed_bytes": 400,
                "memory_remaining_bytes": 600})
        res = self.client.get(status_url())
        self.assertEqual(200, res.status_code)
        content = res.content.decode()
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual(data.DONE, rows["inst-web-1"].state)
        self.assertEqual("cmp2", rows["inst-web-1"].host)
        self.assertEqual(data.MIGRATING, rows["inst-web-2"].state)
        self.assertIsNotNone(rows["inst-web-2"].progress)
        self.assertEqual(data.CONFIRM, rows["inst-cold-1"].state)
        self.assertEqual(data.FAILED, rows["inst-fail-1"].state)
        self.assertEqual(data.GONE, rows["inst-deleted"].state)
        self.assertEqual(data.WAITING, rows["inst-off-1"].state)
        self.assertNotIn("inst-old", rows)
        # No row refreshes itself, not even the one in flight: the status
        # block around the table is the page's one refresh.
        self.assertIn('id="drain__row__inst-web-2"', content)
        self.assertNotIn("ajax-update", content)
        self.assertNotIn("row_update", content)
        self.assertRegex(content, r'<div class="drain-status"[^>]*'
                                  r'data-md-refresh-url="[^"]*fragment='
                                  r'status')
        self.assertContains(res, "drain-host-not-empty")
        self.assertContains(res, "drain__row_inst-cold-1__action_confirm")
        self.assertContains(res, "drain__action_confirm_all")

    @test.create_mocks(MOCKS)
    @mock.patch.object(stall, "utcnow", lambda: NOW)
    def test_a_lost_request_is_failed_stalled_not_migrating_for_ever(self):
        """nova-conductor killed while it held the moves: one instance
        stuck in task 'migrating' with no record, one whose record never
        left 'accepted'; a young one is still just migrating."""
        old = _ago(stall.STALL_SECONDS + 120)
        for name, updated in (("web-1", old), ("web-2", old),
                              ("off-1", _ago(20))):
            for n, i in enumerate(self.instances):
                if i.name == name:
                    raw = i.to_dict()
                    raw["OS-EXT-STS:task_state"] = "migrating"
                    raw["status"] = "MIGRATING"
                    raw["updated"] = updated
                    self.instances[n] = api.nova_records.Instance(raw)
        accepted = mig(2, "inst-web-2", status="accepted")
        accepted._data["created_at"] = accepted._data["updated_at"] = old
        self.migrations = [accepted]
        self._setup_mocks()
        res = self.client.get(status_url())
        self.assertEqual(200, res.status_code)
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual(data.FAILED, rows["inst-web-1"].state)
        self.assertIn("no migration has started", rows["inst-web-1"].reason)
        self.assertEqual(data.FAILED, rows["inst-web-2"].state)
        self.assertIn("its record is still 'accepted'",
                      rows["inst-web-2"].reason)
        self.assertEqual(data.MIGRATING, rows["inst-off-1"].state)
        content = res.content.decode()
        self.assertIn("openstack server set --state active inst-web-1",
                      content)
        # ... and the row links to the reset page, ACTIVE preselected
        # (the instance still runs on its healthy source).
        self.assertIn(reverse("horizon:admin:hosts:instance_reset_state",
                              args=["cmp1", "inst-web-1"]) +
                      "?state=active&amp;next=", content)
        self.assertNotIn(reverse("horizon:admin:hosts:instance_reset_state",
                                 args=["cmp1", "inst-off-1"]), content)
        # The young one keeps the page refreshing (the status block, rows
        # never one by one).
        self.assertNotIn("ajax-update", content)
        self.assertIn("data-md-refresh-url", content)
        # The delay is a setting.
        with self.settings(MIGRATION_DASHBOARD_STALL_SECONDS=10):
            res = self.client.get(status_url())
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual(data.FAILED, rows["inst-off-1"].state)

    @test.create_mocks(MOCKS)
    def test_host_empty_is_read_from_nova(self):
        for name in ("web-1", "web-2", "off-1"):
            self._move(name, "cmp2")
        self.migrations = [mig(n, "inst-%s" % name, status="completed")
                           for n, name in enumerate(
                               ("web-1", "web-2", "off-1"), 1)]
        self._setup_mocks()
        res = self.client.get(status_url())
        self.assertContains(res, "drain-host-empty")
        self.assertContains(res, 'data-host-empty="true"')
        rows = res.context["table"].data
        self.assertEqual({data.DONE}, {r.state for r in rows})

    @test.create_mocks(MOCKS)
    def test_status_costs_a_constant_number_of_calls(self):
        counts = []
        for size in (3, 60):
            self.instances = [f.instance("vm-%03d" % n, "cmp2")
                              for n in range(size)]
            self.migrations = [mig(n, "inst-vm-%03d" % n,
                                   status="completed")
                               for n in range(size)]
            self._setup_mocks()
            for names in MOCKS.values():
                for m in names:
                    getattr(self, "mock_" + m).reset_mock()
            res = self.client.get(status_url())
            self.assertEqual(size, len(res.context["table"].data))
            self.assertContains(res, "drain-host-empty")
            counts.append({m: getattr(self, "mock_" + m).call_count
                           for names in MOCKS.values() for m in names})
        self.assertEqual(counts[0], counts[1])
        # services, migrations, the host's servers and those changed since
        # the drain began (the moved instances).
        self.assertEqual(4, sum(counts[1].values()), counts[1])

    @test.create_mocks(MOCKS)
    def test_without_marker_only_moves_under_way_count(self):
        self.services[0] = f.service("cmp1", status="disabled",
                                     reason="repair")
        self._move("web-1", "cmp2")
        self.migrations = [mig(1, "inst-web-1", status="completed"),
                           mig(2, "inst-web-2", status="running")]
        self._setup_mocks()
        res = self.client.get(status_url())
        rows = {r.id: r for r in res.context["table"].data}
        self.assertNotIn("inst-web-1", rows)
        self.assertEqual(data.MIGRATING, rows["inst-web-2"].state)
        self.assertEqual(data.WAITING, rows["inst-off-1"].state)

    @test.create_mocks(MOCKS)
    def test_confirm_all_confirms_each_and_reports_refusals(self):
        self.instances.append(f.instance("cold-1", "cmp1"))
        self.instances.append(f.instance("cold-2", "cmp1"))
        self._move("cold-1", "cmp3", status="VERIFY_RESIZE")
        self._move("cold-2", "cmp2", status="VERIFY_RESIZE")
        self.migrations = [
            mig(1, "inst-cold-1", dest="cmp3", status="finished",
                kind="migration"),
            mig(2, "inst-cold-2", dest="cmp2", status="finished",
                kind="migration")]
        self._setup_mocks()

        def confirm(request, instance_id):
            if instance_id == "inst-cold-2":
                raise nova_exceptions.Conflict(409, "busy " + HOSTILE)
        self.mock_server_confirm_resize.side_effect = confirm
        res = self.client.post(status_url(),
                               {"action": "drain__confirm_all"})
        self.assertEqual(302, res.status_code)
        self.assertEqual(2, self.mock_server_confirm_resize.call_count)
        messages = _messages(res)
        self.assertTrue(any("Confirmed: cold-1" in m for m in messages))
        self.assertTrue(any("Unable to confirm the migration of cold-2" in m
                            for m in messages))

    @test.create_mocks(MOCKS)
    def test_nova_error_on_the_status_page_is_a_message(self):
        self._setup_mocks()
        self.mock_instance_list.side_effect = \
            nova_exceptions.ClientException(500, "boom")
        res = self.client.get(status_url())
        self.assertEqual(200, res.status_code)
        self.assertTrue(any("Unable to read the drain of cmp1" in m
                            for m in _messages(res)))

    def test_aborted_reverted_and_changed_instances(self):
        inst = f.instance("web-1", "cmp1")
        row = data.classify(data.TrackRow(id=inst.id), inst,
                            mig(1, inst.id, status="cancelled"), "cmp1")
        self.assertEqual(data.FAILED, row.state)
        self.assertIn("cancelled", row.reason)
        # No fault on a live instance: the operator is sent to the record,
        # whose page shows Nova's action events.
        self.assertIn("open the migration record", row.reason)
        row = data.classify(data.TrackRow(id=inst.id), inst,
                            mig(1, inst.id, status="reverted",
                                kind="migration"), "cmp1")
        self.assertEqual(data.WAITING, row.state)
        self.assertIn("Reverted", row.reason)
        busy = f.instance("web-1", "cmp1", task_state="migrating")
        row = data.classify(data.TrackRow(id=inst.id), busy, None, "cmp1")
        self.assertEqual(data.MIGRATING, row.state)
        errored = f.instance("web-1", "cmp1", status="ERROR")
        row = data.classify(data.TrackRow(id=inst.id), errored,
                            mig(1, inst.id, status="error"), "cmp1")
        self.assertEqual(data.FAILED, row.state)

    def test_marker_round_trip(self):
        when = drain.parse_since(SINCE)
        reason = drain.drain_reason("x" * 200, when)
        self.assertLessEqual(len(reason), 255)
        since, rest = drain.parse_marker(reason)
        self.assertEqual(when, since)
        self.assertEqual("x" * 200, rest)
        # Too long for the marker: refused, never cut.
        with self.assertRaises(drain.ReasonTooLong):
            drain.drain_reason("x" * 400, when)
        # A new marker replaces the old one, keeping the operator's words.
        again = drain.drain_reason(MARKED)
        self.assertEqual("kernel upgrade", drain.parse_marker(again)[1])
        self.assertEqual((None, "repair"), drain.parse_marker("repair"))
        self.assertIsNone(drain.parse_since("yesterday"))


# -------------------------------------------------------------- move back

class MoveBackTests(_Base):

    def setUp(self):
        super().setUp()
        self.placement["node-cmp1"] = _summary()
        self._move("web-1", "cmp2")
        self._move("off-1", "cmp3", status="SHUTOFF")
        self.migrations = [
            mig(1, "inst-web-1", status="completed"),
            mig(2, "inst-off-1", dest="cmp3", status="confirmed",
                kind="migration"),
        ]

    @test.create_mocks(MOCKS)
    def test_plan_lists_the_instances_that_left(self):
        self._setup_mocks()
        res = self.client.get(back_url())
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "admin/hosts/drain/move_back.html")
        content = res.content.decode()
        self.assertRegex(content, r'id="drain-plan-row-inst-web-1"[^>]*'
                                  r'data-strategy="live')
        self.assertRegex(content, r'id="drain-plan-row-inst-off-1"[^>]*'
                                  r'data-strategy="cold"')
        self.assertNotIn('id="drain-plan-row-inst-web-2"', content)
        self.assertIn("Enable cmp1 first", content)
        self.mock_service_enable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_move_back_enables_then_submits_one_call_each(self):
        self._setup_mocks()
        res = self.client.post(back_url(), {
            "submit": "1", "enable_first": "1", "since": SINCE})
        self.assertEqual(200, res.status_code)
        self.mock_service_enable.assert_called_once_with(
            test.IsHttpRequest(), "cmp1")
        self.mock_server_live_migrate.assert_called_once_with(
            test.IsHttpRequest(), "inst-web-1", host="cmp1",
            block_migration=test.IsA(object))
        self.mock_server_migrate.assert_called_once_with(
            test.IsHttpRequest(), "inst-off-1", host="cmp1")
        self.assertContains(res, "direction=back")

    @test.create_mocks(MOCKS)
    def test_disabled_host_is_not_submitted_without_enabling(self):
        self._setup_mocks()
        res = self.client.post(back_url(), {"submit": "1",
                                            "since": SINCE})
        self.assertContains(res, "Tick")
        self.mock_server_live_migrate.assert_not_called()
        self.mock_service_enable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_back_tracking_counts_arrivals(self):
        self._move("web-1", "cmp1")
        self.migrations.append(mig(3, "inst-web-1", source="cmp2",
                                   dest="cmp1", minute=30))
        self._setup_mocks()
        res = self.client.get(status_url() + "?direction=back&since="
                              "2026-11-26T10:20:00Z")
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual({"inst-web-1"}, set(rows))
        self.assertEqual(data.DONE, rows["inst-web-1"].state)
        # The page's refresh (its status block) reads the move back too.
        res = self.client.get(
            status_url() + "?direction=back&since=2026-11-26T10:20:00Z"
            "&fragment=status", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Done")
        self.assertContains(res, "drain__row__inst-web-1")
        self.assertNotContains(res, "<html")


# ----------------------------------------------------------------- policy

def deny_migrate_live(actions, request, target=None):
    return all(rule != "os_compute_api:os-migrate-server:migrate_live"
               for _svc, rule in actions)


class PolicyTests(_Base):

    @test.create_mocks(MOCKS)
    def test_every_drain_page_refuses_without_the_policy(self):
        self._setup_mocks()
        with override_settings(POLICY_CHECK_FUNCTION="tests.unit."
                               "test_drain_views.deny_migrate_live"):
            for url in (start_url(), plan_url(), status_url(), back_url()):
                self.assertEqual(403, self.client.get(url).status_code, url)
            res = self.client.post(plan_url(), {"submit": "1"})
            self.assertEqual(403, res.status_code)
            res = self.client.get(reverse("horizon:admin:hosts:index"))
        self.assertNotContains(res, "hosts__row_cmp1__action_drain")
        self.mock_server_live_migrate.assert_not_called()


class RestrictedFirstTests(_Base):
    """A move only a few hosts can take (its traits) is the head of the
    queue: sent first, before the others can fill those hosts; nothing
    waits inside the request for the scheduler."""

    @test.create_mocks(MOCKS)
    def test_the_restricted_move_goes_first_and_no_request_sleeps(self):
        self.instances = [
            f.instance("big-1", "cmp1"),
            f.instance("tpm-1", "cmp1",
                       extra_specs={"trait:CUSTOM_TPM": "required"})]
        self.placement["node-cmp3"] = dict(
            _summary(), traits=frozenset({"CUSTOM_TPM"}))
        self._setup_mocks()
        with mock.patch("time.sleep", side_effect=AssertionError("slept")):
            res = self.client.post(plan_url(), {"submit": "1",
                                                "in_flight": "1"})
        self.assertEqual(200, res.status_code)
        self.assertEqual(["inst-tpm-1"], [
            c.args[1] for c in self.mock_server_live_migrate.call_args_list])
        # No per-instance polling of the scheduler's choice.
        self.assertEqual([], [c for c in
                              self.mock_migration_list.call_args_list
                              if c.kwargs.get("instance_id")])
        outcomes = {r.id: r.outcome for r in res.context["table"].data}
        self.assertEqual({"inst-tpm-1": drain.ACCEPTED,
                          "inst-big-1": drain.QUEUED}, outcomes)
