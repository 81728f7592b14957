"""View tests for the Migrations panel (plugin api module mocked)."""
import contextlib
import datetime
from unittest import mock
from urllib import parse

from django.test.utils import override_settings
from keystoneauth1 import exceptions as keystone_exceptions
from django.urls import reverse
from novaclient import exceptions as nova_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from migration_dashboard.content import links
from migration_dashboard.services import migrations as data
from migration_dashboard.services import stall
from tests.unit import fixtures as f

INDEX_URL = reverse("horizon:admin:migrations:index")
GiB = 1024 ** 3
HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
UUID = "7f1c2d3e-0000-4000-8000-000000000001"


def detail_url(instance_id, mid):
    return reverse("horizon:admin:migrations:detail", args=[instance_id, mid])


def server_migration(mid, instance_id, total=4 * GiB, remaining=GiB,
                     processed=None, disk_total=0):
    return api.nova_records.ServerMigration({
        "id": mid, "server_uuid": instance_id, "status": "running",
        "memory_total_bytes": total,
        "memory_processed_bytes": processed if processed is not None
        else total - remaining,
        "memory_remaining_bytes": remaining,
        "disk_total_bytes": disk_total, "disk_processed_bytes": 0,
        "disk_remaining_bytes": disk_total,
    })


def action(name="live-migration", events=(), message="Error",
           start="2026-11-26T10:05:01.000000"):
    return api.nova_records.InstanceAction({
        "action": name, "request_id": "req-%s" % name, "message": message,
        "start_time": start, "events": list(events)})


class _Project(object):
    def __init__(self, pid, name):
        self.id, self.name = pid, name


@override_settings(MIGRATION_DASHBOARD_PROGRESS={"stuck_window": 120.0,
                                                 "time_budget": 1e9})
class MigrationViewTestBase(test.BaseAdminViewTests):

    @contextlib.contextmanager
    def nova(self, migrations=(), instances=(), server_migrations=None,
             version="2.96", projects=(("project-a", "alpha"),),
             users=(("user-a", "alice"),), **others):
        """Patch the plugin's api.nova calls; yields the mocks by name."""
        server_migrations = server_migrations or {}

        def _server_migration_get(request, instance_id, mid):
            value = server_migrations.get(mid)
            if value is None:
                raise nova_exceptions.NotFound(404, "not in progress")
            if isinstance(value, Exception):
                raise value
            return value

        def _migration_list(request, instance_id=None, **kwargs):
            items = list(migrations)
            if instance_id:
                items = [m for m in items if m.instance_id == instance_id]
            return items

        patches = {
            "migration_list": mock.Mock(side_effect=_migration_list),
            "instance_list": mock.Mock(return_value=list(instances)),
            "server_migration_get": mock.Mock(
                side_effect=_server_migration_get),
            "compute_microversion": mock.Mock(return_value=version),
            "instance_get": mock.Mock(side_effect=lambda r, i: next(
                (x for x in instances if x.id == i), None) or
                _raise(nova_exceptions.NotFound(404, "gone"))),
            "migration_abort": mock.Mock(return_value=None),
            "migration_force_complete": mock.Mock(return_value=None),
            "instance_action_list": mock.Mock(return_value=[]),
            "instance_action_get": mock.Mock(),
        }
        for name, value in others.items():
            patches[name] = value
        with contextlib.ExitStack() as stack:
            for name, value in patches.items():
                stack.enter_context(mock.patch.object(api.nova, name, value))
            keystone = stack.enter_context(mock.patch.object(
                api.keystone, "project_list",
                return_value=[_Project(*p) for p in projects]))
            patches["project_list"] = keystone
            by_id = {p[0]: _Project(*p) for p in projects}
            by_id.update((u[0], _Project(*u)) for u in users)

            def _get(request, ident):
                if ident not in by_id:
                    raise keystone_exceptions.NotFound()
                return by_id[ident]

            for name in ("project_get", "user_get"):
                patches[name] = stack.enter_context(mock.patch.object(
                    api.keystone, name, side_effect=_get))
            yield patches


def _raise(exc):
    raise exc


def _row(content, table, obj_id):
    marker = 'id="%s__row__%s"' % (table, obj_id)
    start = content.rfind("<tr", 0, content.index(marker))
    return content[start:content.index(">", start)]


def _row_body(content, table, obj_id):
    marker = 'id="%s__row__%s"' % (table, obj_id)
    start = content.rfind("<tr", 0, content.index(marker))
    return content[start:content.index("</tr>", start)]


class MigrationsIndexTests(MigrationViewTestBase):

    def test_index_lists_migrations_by_instance_id_with_progress(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running"),
                f.migration(2, "i-done", "cmp2", "cmp3", status="completed"),
                f.migration(1, "i-gone", "cmp1", "cmp3", status="error",
                            migration_type="migration")]
        with self.nova(migs, [f.instance("web", "cmp1", instance_id="i-run"),
                              f.instance("db", "cmp3",
                                         instance_id="i-done")],
                       {3: server_migration(3, "i-run")}) as m:
            res = self.client.get(INDEX_URL)
        self.assertTemplateUsed(res, "admin/migrations/index.html")
        content = res.content.decode()
        rows = res.context["table"].data
        self.assertEqual([3, 2, 1], [r.id for r in rows])
        # Instances by name (one server list narrowed to those changed
        # since the page's oldest migration, no read per row), one Nova
        # does not list by id, said once; each linked to its migrations.
        self.assertEqual(["web", "db", "i-gone"],
                         [r.display_name for r in rows])
        self.assertContains(res, ">web</a>")
        self.assertEqual(1, m["instance_list"].call_count)
        self.assertTrue(m["instance_list"].call_args.kwargs["changes_since"])
        self.assertEqual(0, m["instance_get"].call_count)
        self.assertContains(res, "1 instance is shown by ID", count=1)
        for iid in ("i-run", "i-done", "i-gone"):
            self.assertIn('href="%s"' % links.instance_url(iid), content)
        self.assertContains(res, "alpha")  # project name from Keystone
        self.assertContains(res, "cmp1 \u2192 cmp2")
        self.assertContains(res, "Live")
        self.assertContains(res, "Cold")
        # The migration id links to its detail page.
        self.assertIn(detail_url("i-run", 3), content)
        # Only the in-progress row refreshes itself.
        self.assertIn("ajax-update", _row(content, "migrations", 3))
        self.assertIn("warning", _row(content, "migrations", 3))
        self.assertNotIn("ajax-update", _row(content, "migrations", 2))
        self.assertNotIn("ajax-update", _row(content, "migrations", 1))
        self.assertIn("danger", _row(content, "migrations", 1))
        # Progress bar from the memory bytes: 3 of 4 GiB sent.
        body = _row_body(content, "migrations", 3)
        self.assertIn('style="width: 75%;"', body)
        self.assertIn("1.0 GiB of 4.0 GiB memory left", body)
        self.assertIn('percent="75%"', body)
        m["server_migration_get"].assert_called_once_with(
            mock.ANY, "i-run", 3)
        # Actions of a running live migration at 2.96.
        self.assertIn("migrations__row_3__action_abort", content)
        self.assertIn("migrations__row_3__action_force_complete", content)
        self.assertNotIn("migrations__row_2__action_abort", content)

    def test_project_column_is_the_requesting_project(self):
        mig = f.migration(1, "i-1", "cmp1", "cmp2", status="completed")
        mig._data["project_id"] = "admin-project"  # who asked (2.80)
        unknown = f.migration(2, "i-2", "cmp1", "cmp2", status="completed")
        unknown._data["project_id"] = "gone-project"
        with self.nova([unknown, mig],
                       projects=(("project-b", "beta"),
                                 ("admin-project", "admin"))) as m:
            res = self.client.get(INDEX_URL)
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual("admin", rows[1].project_name)
        self.assertEqual("gone-project", rows[2].project_name)
        self.assertContains(res, "Requested by")
        self.assertEqual(1, m["project_list"].call_count)

    def test_no_project_lookup_before_2_80(self):
        mig = f.migration(1, "i-1", "cmp1", "cmp2", status="completed")
        del mig._data["project_id"]  # Nova < 2.80 does not say
        with self.nova([mig], version="2.79") as m:
            res = self.client.get(INDEX_URL)
        self.assertEqual(0, m["project_list"].call_count)
        self.assertEqual(200, res.status_code)
        self.assertIsNone(res.context["table"].data[0].project_name)

    def test_list_calls_do_not_grow_with_the_number_of_rows(self):
        for size in (4, 40):
            migs, progress = [], {}
            for i in range(size):
                if i % 4 == 0:
                    migs.append(f.migration(i + 1, "inst-%d" % i, "cmp1",
                                            "cmp2", status="running"))
                    progress[i + 1] = server_migration(i + 1, "inst-%d" % i)
                elif i % 4 == 1:
                    # in progress but cold: no per-row call
                    migs.append(f.migration(i + 1, "inst-%d" % i, "cmp1",
                                            "cmp2", status="migrating",
                                            migration_type="migration"))
                else:
                    migs.append(f.migration(i + 1, "inst-%d" % i, "cmp1",
                                            "cmp2", status="completed"))
            instances = [f.instance("vm%d" % i, "cmp1",
                                    instance_id="inst-%d" % i)
                         for i in range(size)]
            with override_settings(API_RESULT_PAGE_SIZE=100), \
                    self.nova(migs, instances, progress) as m:
                res = self.client.get(INDEX_URL)
            self.assertEqual(size, len(res.context["table"].data))
            self.assertEqual(1, m["migration_list"].call_count)
            self.assertEqual(1, m["project_list"].call_count)
            live_running = size // 4
            self.assertEqual(live_running,
                             m["server_migration_get"].call_count)
            # Names: one server list, whatever the number of rows.
            self.assertEqual(1, m["instance_list"].call_count)
            self.assertEqual(0, m["instance_get"].call_count)

    @override_settings(API_RESULT_PAGE_SIZE=2)
    def test_paging_asks_one_more_and_links_the_next_page_by_uuid(self):
        migs = [f.migration(i, "i%d" % i, "cmp1", "cmp2",
                            status="completed") for i in (5, 4, 3)]
        with self.nova(migs) as m:
            res = self.client.get(INDEX_URL)
        kwargs = m["migration_list"].call_args.kwargs
        self.assertEqual(3, kwargs["limit"])
        self.assertIsNone(kwargs["marker"])
        self.assertEqual(2, len(res.context["table"].data))
        self.assertContains(res, "marker=mig-4")
        with self.nova(migs[2:]) as m:
            res = self.client.get(INDEX_URL + "?marker=mig-4")
        self.assertEqual("mig-4", m["migration_list"].call_args.kwargs[
            "marker"])
        self.assertNotContains(res, "marker=mig-3")

    def test_no_paging_before_2_59(self):
        migs = [f.migration(1, "i1", "cmp1", "cmp2", status="completed")]
        with self.nova(migs, version="2.23") as m:
            self.client.get(INDEX_URL + "?marker=mig-9")
        kwargs = m["migration_list"].call_args.kwargs
        self.assertIsNone(kwargs["limit"])
        self.assertIsNone(kwargs["marker"])

    def _filter(self, field, value, migrations=(), instances=()):
        param = "migrations__filter__q"
        with self.nova(migrations, instances) as m:
            self.client.post(INDEX_URL, {param: value,
                                         param + "_field": field})
            res = self.client.get(INDEX_URL)
        return res, m

    def test_filters_go_to_nova(self):
        cases = [("host", "cmp2", {"host": "cmp2"}),
                 ("status", "Running", {"status": "running"}),
                 ("migration_type", "live",
                  {"migration_type": "live-migration"}),
                 ("migration_type", "cold", {"migration_type": "migration"}),
                 ("instance", UUID, {"instance_id": UUID}),
                 ("instance", "web", {"instance_id": "inst-web"}),
                 ("changes_since", "2026-11-26T10:00",
                  {"changes_since": "2026-11-26T10:00:00"}),
                 ("changes_since", "2026-11-26",
                  {"changes_since": "2026-11-26T00:00:00"})]
        for field, value, expected in cases:
            res, m = self._filter(field, value,
                                  instances=[f.instance("web", "cmp1")])
            kwargs = m["migration_list"].call_args.kwargs
            for key, want in expected.items():
                self.assertEqual(want, kwargs[key], (field, value))
            self.assertEqual(200, res.status_code)

    def test_bad_filters_say_why_and_list_nothing(self):
        for field, value, text in [
                ("migration_type", "teleport", "Unknown migration type"),
                ("instance", "nobody", "0 instances are named nobody"),
                ("changes_since", "yesterday", "Not a date and time")]:
            res, m = self._filter(field, value)
            self.assertEqual(0, m["migration_list"].call_count)
            self.assertContains(res, text)

    def test_list_failure_is_a_message_not_a_500(self):
        failing = mock.Mock(side_effect=nova_exceptions.ClientException(
            503, "Nova is down"))
        with self.nova(migration_list=failing):
            res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Unable to list migrations")
        self.assertContains(res, "Nova is down")

    def test_name_filter_lookup_failure_says_why(self):
        failing = mock.Mock(side_effect=nova_exceptions.Forbidden(
            403, "Policy says no"))
        param = "migrations__filter__q"
        with self.nova(instance_list=failing) as m:
            self.client.post(INDEX_URL, {param: "web",
                                         param + "_field": "instance"})
            res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Unable to look up instance web")
        self.assertContains(res, "Policy says no")
        self.assertEqual(0, m["migration_list"].call_count)

    def test_only_a_name_filter_costs_a_server_lookup(self):
        migs = [f.migration(1, UUID, "cmp1", "cmp2", status="completed")]
        for value, lookups in ((UUID, 0), ("web", 1)):
            res, m = self._filter("instance", value, migs,
                                  [f.instance("web", "cmp1",
                                              instance_id=UUID)])
            self.assertEqual(200, res.status_code)
            by_name = [c for c in m["instance_list"].call_args_list
                       if c.kwargs.get("name")]
            self.assertEqual(lookups, len(by_name), value)
            if lookups:
                self.assertEqual("web", by_name[0].kwargs["name"])
            self.assertEqual(UUID, m["migration_list"].call_args
                             .kwargs["instance_id"])

    def test_progress_error_does_not_break_the_page(self):
        migs = [f.migration(1, "i-1", "cmp1", "cmp2", status="running")]
        with self.nova(migs, server_migrations={
                1: nova_exceptions.ClientException(500, "boom")}):
            res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "unknown: boom")

    def test_hostile_project_name_and_host_are_escaped(self):
        migs = [f.migration(1, "i-1", "<b>cmp1</b>", "cmp2",
                            status="running")]
        with self.nova(migs, [f.instance(HOSTILE, "cmp1",
                                         instance_id="i-1")],
                       {1: server_migration(1, "i-1")},
                       projects=(("project-a", HOSTILE),)):
            res = self.client.get(INDEX_URL)
        content = res.content.decode()
        self.assertNotIn(HOSTILE, content)
        self.assertIn(ESCAPED, content)
        self.assertNotIn("<b>cmp1</b>", content)

    def test_abort_offered_for_queued_only_from_2_65(self):
        migs = [f.migration(1, "i-1", "cmp1", "cmp2", status="queued")]
        with self.nova(migs, version="2.64"):
            content = self.client.get(INDEX_URL).content.decode()
        self.assertNotIn("migrations__row_1__action_abort", content)
        with self.nova(migs, version="2.65"):
            content = self.client.get(INDEX_URL).content.decode()
        self.assertIn("migrations__row_1__action_abort", content)
        self.assertNotIn("migrations__row_1__action_force_complete", content)


class RowRefreshTests(MigrationViewTestBase):

    def _refresh(self, obj_id=3, instance="i-run", **params):
        query = {"action": "row_update", "table": "migrations",
                 "obj_id": obj_id, "instance": instance}
        query.update(params)
        return self.client.get(INDEX_URL + "?" + parse.urlencode(query),
                               **AJAX)

    def test_refresh_reads_only_this_migration(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        with self.nova(migs, server_migrations={
                3: server_migration(3, "i-run", remaining=2 * GiB)}) as m:
            res = self._refresh(instance_name=HOSTILE, project_name="alpha")
        self.assertEqual(200, res.status_code)
        content = res.content.decode()
        self.assertIn("ajax-update", content)
        self.assertIn('style="width: 50%;"', content)
        self.assertIn(ESCAPED, content)
        self.assertNotIn(HOSTILE, content)
        m["migration_list"].assert_called_once_with(mock.ANY,
                                                    instance_id="i-run")
        self.assertEqual(1, m["server_migration_get"].call_count)
        self.assertEqual(0, m["instance_list"].call_count)
        self.assertEqual(0, m["project_list"].call_count)
        # The refresh URL of the new row carries what the next one needs.
        self.assertIn("instance=i-run", content)

    def test_refresh_of_an_ended_migration_stops_refreshing(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="completed")]
        with self.nova(migs) as m:
            res = self._refresh()
        self.assertEqual(200, res.status_code)
        self.assertNotIn("ajax-update", res.content.decode())
        self.assertIn("completed", res.content.decode())
        self.assertEqual(0, m["server_migration_get"].call_count)

    def test_refresh_errors_are_not_200_so_the_row_stops(self):
        failing = mock.Mock(side_effect=nova_exceptions.ClientException(
            500, "boom"))
        with self.nova(migration_list=failing):
            try:
                res = self._refresh()
                status = res.status_code
            except Exception:
                status = 500
        self.assertNotEqual(200, status)
        with self.nova([]):
            res = self._refresh()
        self.assertEqual(404, res.status_code)
        with self.nova([]):
            res = self._refresh(instance="")
        self.assertNotEqual(200, res.status_code)

    def test_bar_never_moves_back_between_refreshes(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        with self.nova(migs, server_migrations={
                3: server_migration(3, "i-run", remaining=GiB)}):
            first = self._refresh().content.decode()
        with self.nova(migs, server_migrations={
                3: server_migration(3, "i-run", remaining=3 * GiB,
                                    processed=5 * GiB)}):
            second = self._refresh().content.decode()
        self.assertIn('style="width: 75%;"', first)
        self.assertIn('style="width: 75%;"', second)
        self.assertIn("re-sending dirty memory", second)

    @override_settings(MIGRATION_DASHBOARD_PROGRESS={"stuck_window": 1e-4,
                                                     "time_budget": 1e9})
    def test_stuck_when_remaining_does_not_fall(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        with self.nova(migs, server_migrations={
                3: server_migration(3, "i-run", remaining=GiB)}):
            self._refresh()
            content = self._refresh().content.decode()
        self.assertIn("stuck", content)


class DetailTests(MigrationViewTestBase):

    def test_running_live_migration_shows_steps_bar_and_remedies(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        with self.nova(migs, [f.instance("web", "cmp1", instance_id="i-run")],
                       {3: server_migration(3, "i-run")}) as m:
            res = self.client.get(detail_url("i-run", 3))
        self.assertTemplateUsed(res, "admin/migrations/detail.html")
        content = res.content.decode()
        self.assertIn("step-done", content)
        self.assertIn("step-current", content)
        self.assertIn('style="width: 75%;"', content)
        self.assertIn("migration-remedies", content)
        self.assertIn("perceptible downtime", content)
        # The status row refreshes itself from the detail page's own URL.
        self.assertIn("migration_status__row__3", content)
        self.assertIn("ajax-update", _row(content, "migration_status", 3))
        self.assertIn(reverse("horizon:admin:migrations:abort",
                              args=["i-run", 3]), content)
        m["migration_list"].assert_called_once_with(mock.ANY,
                                                    instance_id="i-run")
        self.assertEqual(0, m["instance_action_list"].call_count)

    @override_settings(MIGRATION_DASHBOARD_PROGRESS={"stuck_window": 120.0,
                                                     "time_budget": 60.0})
    # An hour after the fixture's start (10:03), by the services' clock,
    # whatever the machine's clock says.
    @mock.patch.object(stall, "utcnow", lambda: datetime.datetime(
        2026, 11, 26, 11, 3, tzinfo=datetime.timezone.utc))
    def test_stuck_over_budget_says_so(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        with self.nova(migs, [], {3: server_migration(3, "i-run")}):
            res = self.client.get(detail_url("i-run", 3))
        self.assertContains(res, "This live migration looks stuck")
        self.assertContains(res, "longer than the time budget")

    def test_detail_of_a_row_refresh(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="completed")]
        with self.nova(migs):
            res = self.client.get(
                detail_url("i-run", 3) + "?" + parse.urlencode({
                    "action": "row_update", "table": "migration_status",
                    "obj_id": 3, "instance": "i-run"}), **AJAX)
        self.assertEqual(200, res.status_code)
        self.assertIn("completed", res.content.decode())

    def test_failed_migration_shows_why_from_instance_action_events(self):
        migs = [f.migration(5, "i-bad", "cmp1", "cmp2", status="error")]
        events = [
            {"event": "compute_check_can_live_migrate_destination",
             "result": "Success", "details": None, "host": "cmp2"},
            {"event": "compute_live_migration", "result": "Error",
             "host": "cmp1", "traceback": "Traceback ...",
             "details": "Migration pre-check error: " + HOSTILE}]
        acts = [action("live-migration", start="2026-11-26T10:05:00"),
                action("stop", start="2026-11-26T10:05:00"),
                action("live-migration", start="2026-11-20T10:05:00")]
        detail = action("live-migration", events=events)
        inst = f.instance("web", "cmp1", instance_id="i-bad")
        inst._data["fault"] = {"message": "Fault: " + HOSTILE}
        with self.nova(migs, [inst],
                       instance_action_list=mock.Mock(return_value=acts),
                       instance_action_get=mock.Mock(
                           return_value=detail)) as m:
            res = self.client.get(detail_url("i-bad", 5))
        content = res.content.decode()
        self.assertIn("Why it failed", content)
        self.assertIn("Migration pre-check error: " + ESCAPED, content)
        self.assertIn("Fault: " + ESCAPED, content)
        self.assertNotIn(HOSTILE, content)
        self.assertIn("compute_live_migration", content)
        # Only the failed event is listed.
        self.assertNotIn("compute_check_can_live_migrate_destination",
                         content)
        m["instance_action_get"].assert_called_once_with(
            mock.ANY, "i-bad", "req-live-migration")
        self.assertIn("step-failed", content)
        self.assertNotIn("migration-remedies", content)

    def test_failure_reason_unreadable_is_a_message(self):
        migs = [f.migration(5, "i-bad", "cmp1", "cmp2", status="failed")]
        failing = mock.Mock(side_effect=nova_exceptions.Forbidden(
            403, "no events for you"))
        with self.nova(migs, instance_action_list=failing):
            res = self.client.get(detail_url("i-bad", 5))
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "no events for you")

    def test_unknown_migration_redirects_with_a_message(self):
        with self.nova([]):
            res = self.client.get(detail_url("i-x", 99))
        self.assertRedirectsNoFollow(res, INDEX_URL)


class InstanceViewTests(MigrationViewTestBase):

    def test_instance_page_lists_its_migrations(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="completed"),
                f.migration(2, "i-run", "cmp2", "cmp1", status="completed"),
                f.migration(1, "other", "cmp2", "cmp1", status="completed")]
        inst = f.instance(HOSTILE, "cmp1", instance_id="i-run")
        with self.nova(migs, [inst]) as m:
            res = self.client.get(reverse("horizon:admin:migrations:instance",
                                          args=["i-run"]))
        self.assertTemplateUsed(res, "admin/migrations/instance.html")
        self.assertEqual([3, 2], [r.id for r in res.context["table"].data])
        self.assertEqual("i-run", m["migration_list"].call_args.kwargs[
            "instance_id"])
        self.assertEqual(0, m["instance_list"].call_count)
        content = res.content.decode()
        self.assertNotIn(HOSTILE, content)
        self.assertIn(ESCAPED, content)

    def test_links_for_other_panels(self):
        mig = f.migration(3, "i-run", "cmp1", "cmp2")
        self.assertEqual(detail_url("i-run", 3), links.detail_url(mig))
        self.assertEqual("/admin/migrations/instance/i-run/",
                         links.instance_url("i-run"))


class ActionTests(MigrationViewTestBase):

    def _url(self, name, mid=3, instance="i-run"):
        return reverse("horizon:admin:migrations:%s" % name,
                       args=[instance, mid])

    def _post(self, name, mid=3, instance="i-run"):
        return self.client.post(self._url(name, mid, instance), {
            "instance_id": instance, "migration_id": str(mid),
            "instance_name": "web"})

    def test_abort_form_states_the_consequence(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        with self.nova(migs, [f.instance("web", "cmp1",
                                         instance_id="i-run")],
                       {3: server_migration(3, "i-run")}):
            res = self.client.get(self._url("abort"))
        self.assertTemplateUsed(res, "admin/migrations/action_form.html")
        self.assertContains(res, "keeps running on its source host")
        self.assertContains(res, "cmp1 &rarr; cmp2")

    def test_force_complete_form_warns_of_downtime(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        with self.nova(migs, [], {3: server_migration(3, "i-run")}):
            res = self.client.get(self._url("force_complete"))
        self.assertContains(res, "PAUSES the instance")
        self.assertContains(res, "downtime")

    def test_form_of_a_finished_migration_says_so(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="completed")]
        with self.nova(migs):
            res = self.client.get(self._url("abort"))
        self.assertContains(res, "already finished")

    def test_abort_and_force_complete_call_nova(self):
        for name, call in (("abort", "migration_abort"),
                           ("force_complete", "migration_force_complete")):
            migs = [f.migration(3, "i-run", "cmp1", "cmp2",
                                status="running")]
            with self.nova(migs, [], {3: server_migration(3, "i-run")}) as m:
                res = self._post(name)
            m[call].assert_called_once_with(mock.ANY, "i-run", "3")
            self.assertNoFormErrors(res)
            self.assertRedirectsNoFollow(res, detail_url("i-run", 3))
        # (messages pile up: no redirect is followed)
        self.assertMessageCount(success=2)

    def test_finished_between_list_and_action_is_already_finished(self):
        for exc in (nova_exceptions.BadRequest(400, "Migration 3 state of "
                                               "instance is completed"),
                    nova_exceptions.NotFound(404, "no migration 3"),
                    nova_exceptions.Conflict(409, "Instance is in an invalid "
                                             "state for 'abort live "
                                             "migration'")):
            for name, call in (("abort", "migration_abort"),
                               ("force_complete",
                                "migration_force_complete")):
                migs = [f.migration(3, "i-run", "cmp1", "cmp2",
                                    status="completed")]
                with self.nova(migs, **{call: mock.Mock(side_effect=exc)}):
                    res = self._post(name)
                self.assertRedirectsNoFollow(res, detail_url("i-run", 3))
        self.assertMessageCount(info=6, error=0)

    def test_already_finished_message_text(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="completed")]
        with self.nova(migs, migration_abort=mock.Mock(
                side_effect=nova_exceptions.BadRequest(400, "bad state"))):
            res = self.client.post(self._url("abort"), {
                "instance_id": "i-run", "migration_id": "3",
                "instance_name": "web"}, follow=False)
            with self.nova(migs):
                res = self.client.get(detail_url("i-run", 3))
        self.assertContains(res, "has already finished (status: completed)")

    def test_nova_refusal_shows_its_reason(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        refuse = mock.Mock(side_effect=nova_exceptions.Conflict(
            409, "Cannot 'force_complete' instance while it is in "
                 "task_state " + HOSTILE))
        # The instance's name comes from Nova, not from the form.
        with self.nova(migs, [f.instance("web", "cmp1",
                                         instance_id="i-run")],
                       {3: server_migration(3, "i-run")},
                       migration_force_complete=refuse):
            # The form page is drawn again with Nova's reason.
            res = self._post("force_complete")
        content = res.content.decode()
        self.assertIn("Nova refused to force migration 3 of web", content)
        self.assertIn("task_state " + ESCAPED, content)
        self.assertNotIn(HOSTILE, content)

    def test_bad_request_while_still_in_progress_is_a_refusal(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="queued")]
        refuse = mock.Mock(side_effect=nova_exceptions.BadRequest(
            400, "Migration 3 is queued"))
        with self.nova(migs, version="2.64", migration_abort=refuse):
            res = self._post("abort")
        self.assertContains(res, "Nova refused to abort migration 3")
        self.assertContains(res, "Migration 3 is queued")


def test_row_wrapper_defaults():
    row = data.MigrationRow(f.migration(1, "i", "a", "b",
                                        status="completed"))
    assert row.progress_text == ""
    assert not row.in_progress and not row.can_abort
