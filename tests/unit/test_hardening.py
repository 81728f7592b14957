"""Hostile input at the HTTP layer: impossible dates, ids that would change
the Nova URL, a posted host other than the URL's, huge markers, free-text
reasons posing as the plugin's marker, passwords in logs, and live
migration progress kept out of the user's session.

The cloud is tests/unit/policy_cloud.py (requests answered at the HTTP
layer: novaclient, keystoneauth, the plugin's api module, Horizon's tables
and the templates all run); its writes are what Nova would receive.
"""
import logging
from urllib import parse

from django.test import RequestFactory
from django.test.utils import override_settings
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from horizon import exceptions
from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY
from tests.unit.policy_cloud import EVACUEE
from tests.unit.policy_cloud import MIGRATING
from tests.unit.policy_cloud import PolicyCloud

INDEX = reverse("horizon:admin:hosts:index")
MIGRATIONS = reverse("horizon:admin:migrations:index")
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def _host_url(name, *args):
    return reverse("horizon:admin:hosts:" + name, args=args)


def _messages(res):
    return [str(m) for m in res.wsgi_request._messages]


class _CloudTests(test.BaseAdminViewTests):

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def _cloud(self):
        cloud = PolicyCloud()
        cloud.catalog = self.service_catalog
        return cloud

    def _get(self, url, cloud=None, **extra):
        with (cloud or self._cloud()) as cloud:
            res = self.client.get(url, **extra)
        return cloud, res

    def _post(self, url, form, cloud=None):
        with (cloud or self._cloud()) as cloud:
            res = self.client.post(url, form)
        return cloud, res

    def assertNoDotSegments(self, cloud):
        """No request reached Nova with a path segment '.' or '..' (which
        the HTTP stack folds into another URL)."""
        for _service, method, path in cloud.calls:
            segments = parse.unquote(path).split("/")
            self.assertNotIn("..", segments, (method, path))
            self.assertNotIn(".", segments, (method, path))


# ------------------------------------------------------------ 3: dates

class ChangesSinceTests(_CloudTests):
    PARAM = "migrations__filter__q"

    def test_an_impossible_date_is_a_message_and_does_not_stick(self):
        with self._cloud():
            res = self.client.post(MIGRATIONS, {
                self.PARAM: "2026-02-30T10:00",
                self.PARAM + "_field": "changes_since"})
        self.assertLess(res.status_code, 500)
        # Horizon keeps the filter in the session: every later page load
        # reads it again and must still render, saying why it lists
        # nothing.
        for _n in range(2):
            _cloud, res = self._get(MIGRATIONS)
            self.assertEqual(200, res.status_code)
            self.assertContains(res, "Not a date and time")
        # A valid date replaces it.
        with self._cloud():
            self.client.post(MIGRATIONS, {
                self.PARAM: "2026-02-28T10:00",
                self.PARAM + "_field": "changes_since"})
        cloud, res = self._get(MIGRATIONS)
        self.assertEqual(200, res.status_code)
        self.assertNotContains(res, "Not a date and time")
        self.assertIn(("nova", "GET", "/v2/os-migrations"),
                      [c[:3] for c in cloud.calls])


# -------------------------------------------------------------- 4: ids

class IdTests(_CloudTests):

    def _abort_url(self, instance_id, migration_id):
        return "/admin/migrations/%s/%s/abort/" % (instance_id, migration_id)

    def test_abort_acts_on_the_url_ids_not_posted_fields(self):
        url = reverse("horizon:admin:migrations:abort",
                      args=[MIGRATING, "3"])
        # '..' as the migration would fold DELETE .../migrations/.. into
        # DELETE /servers/<id>: deleting the instance.
        for posted in ({"instance_id": MIGRATING, "migration_id": ".."},
                       {"instance_id": "..", "migration_id": "3"},
                       {"instance_id": "inst-cmp2-0", "migration_id": "9"}):
            cloud, res = self._post(url, posted)
            self.assertLess(res.status_code, 500, posted)
            self.assertNoDotSegments(cloud)
            self.assertEqual(
                [("DELETE", "/v2/servers/%s/migrations/3" % MIGRATING)],
                cloud.nova_writes(), posted)

    def test_force_complete_acts_on_the_url_ids(self):
        url = reverse("horizon:admin:migrations:force_complete",
                      args=[MIGRATING, "3"])
        cloud, res = self._post(url, {"instance_id": "..",
                                      "migration_id": ".."})
        self.assertLess(res.status_code, 500)
        self.assertNoDotSegments(cloud)
        self.assertEqual(
            [("POST", "/v2/servers/%s/migrations/3/action" % MIGRATING)],
            cloud.nova_writes())

    def test_dot_segments_in_url_ids_reach_no_nova_url(self):
        urls = [
            "/admin/migrations/../3/abort/",
            "/admin/migrations/./3/force_complete/",
            "/admin/migrations/instance/../",
            "/admin/migrations/../3/",
            "/admin/hosts/cmp1/instances/../live_migrate/",
            "/admin/hosts/cmp1/instances/../cold_migrate/",
            "/admin/hosts/cmp3/evacuation/instance/../",
        ]
        for url in urls:
            for method in ("get", "post"):
                with self.subTest(url=url, method=method):
                    with self._cloud() as cloud:
                        res = getattr(self.client, method)(
                            url, {"host": "cmp1", "confirm": "on",
                                  "instance_id": "..",
                                  "migration_id": "3"})
                    self.assertLess(res.status_code, 500)
                    self.assertNoDotSegments(cloud)
                    self.assertEqual([], cloud.nova_writes())

    def test_ids_in_query_strings_are_validated(self):
        urls = [
            # Migrations row refresh: instance and migration ids.
            MIGRATIONS + "?" + parse.urlencode({
                "action": "row_update", "table": "migrations",
                "obj_id": "3", "instance": ".."}),
            MIGRATIONS + "?" + parse.urlencode({
                "action": "row_update", "table": "migrations",
                "obj_id": "..", "instance": MIGRATING}),
            # Drain and evacuation row refreshes: instance ids.
            _host_url("drain_status", "cmp1") + "?" + parse.urlencode({
                "action": "row_update", "table": "drain", "obj_id": ".."}),
            _host_url("evacuation_status", "cmp3") + "?" + parse.urlencode({
                "action": "row_update", "table": "evacuation",
                "obj_id": ".."}),
            # Selected instances of the move forms and their findings.
            _host_url("instances_live_migrate", "cmp1") + "?instance=..",
            _host_url("instances_findings", "cmp1") + "?instance=..",
        ]
        for url in urls:
            with self.subTest(url=url):
                cloud, res = self._get(url, **AJAX)
                self.assertLess(res.status_code, 500)
                self.assertNoDotSegments(cloud)
        cloud, res = self._post(_host_url("instances_live_migrate", "cmp1"),
                                {"host": "cmp1", "instances": "..,.",
                                 "destination": ""})
        self.assertLess(res.status_code, 500)
        self.assertNoDotSegments(cloud)
        self.assertEqual([], cloud.nova_writes())


# ------------------------------------------------------------ 5: hosts

class UrlHostTests(_CloudTests):
    """Each host form acts on the host of its URL; a posted ``host`` (the
    readonly field, edited) changes nothing."""

    def _service_writes(self, cloud):
        return sorted({path.rsplit("/", 1)[-1] for method, path
                       in cloud.nova_writes() if "/os-services/" in path})

    def test_host_forms_act_on_the_url_host(self):
        cases = [
            ("disable", "cmp1", {"reason": "kernel"}),
            ("force_down", "cmp1", {"fenced": "on"}),
            ("prepare_destination", "cmp1",
             {"source": "cmp5", "accept_others": "on", "disable": "on"}),
            ("complete_maintenance", "cmp2", {}),
            ("drain_start", "cmp1", {"reason": "kernel"}),
        ]
        for name, host, form in cases:
            with self.subTest(form=name):
                cloud, res = self._post(_host_url(name, host),
                                        dict(form, host="cmp5"))
                self.assertLess(res.status_code, 500)
                self.assertEqual(["svc-" + host],
                                 self._service_writes(cloud), name)


# ----------------------------------------------------------- 6: marker

class MarkerTests(_CloudTests):

    def test_a_huge_marker_is_a_page_not_a_500(self):
        for param in ("marker", "prev_marker"):
            for marker in ("9" * 5000, "cmp" + "1" * 5000, "0" * 5000 + "1"):
                with self.subTest(param=param, marker=marker[:8]):
                    _cloud, res = self._get(INDEX + "?" + parse.urlencode(
                        {param: marker}))
                    self.assertEqual(200, res.status_code)

    def test_natural_order_still_holds_for_long_numbers(self):
        from migration_dashboard.core import paging
        names = ["cmp10", "cmp9", "cmp" + "9" * 5000, "cmp0010", "cmp2"]
        ordered = sorted(names, key=paging.natural_key)
        self.assertEqual(["cmp2", "cmp9", "cmp0010", "cmp10",
                          "cmp" + "9" * 5000], ordered)


# ------------------------------------------------- 7: handle() outside

class ErrorRedirectTests(_CloudTests):
    """Errors detected without an exception redirect with a message; they
    do not lean on exceptions.handle(), which needs one being handled."""

    def _request(self):
        request = RequestFactory().get("/")
        request.user = self.user
        request.session = self.client.session
        from django.contrib.messages.storage import default_storage
        request._messages = default_storage(request)
        return request

    def test_unknown_host_redirects_with_a_message(self):
        from migration_dashboard.content.hosts import views
        request = self._request()
        with self._cloud():
            with self.assertRaises(exceptions.Http302) as raised:
                views.load_host(request, "nohost")
        self.assertEqual(INDEX, raised.exception.location)
        self.assertIn("Compute host nohost was not found.",
                      [str(m) for m in request._messages])

    def test_no_instance_selected_redirects_with_a_message(self):
        from migration_dashboard.content.hosts.instances import views
        request = self._request()
        with self._cloud():
            with self.assertRaises(exceptions.Http302):
                views.load_facts(request, "cmp1", [])
        self.assertIn("No instance selected.",
                      [str(m) for m in request._messages])

    def test_pages_show_the_message(self):
        _cloud, res = self._get(_host_url("detail", "nohost"))
        self.assertRedirects(res, INDEX, fetch_redirect_response=False)
        self.assertIn("Compute host nohost was not found.", _messages(res))
        _cloud, res = self._get(_host_url("prepare_destination", "nohost"))
        self.assertEqual(302, res.status_code)
        self.assertIn("Compute host nohost was not found.", _messages(res))


# ---------------------------------------------------- 8: prepared_for

class PreparedForTests(_CloudTests):

    def test_only_the_plugins_own_reason_prepares_a_host(self):
        from migration_dashboard.core import maintenance
        own = maintenance.destination_reason("cmp1")
        self.assertEqual("cmp1", maintenance.prepared_for(own))
        self.assertEqual("cmp1", maintenance.prepared_for(
            maintenance.destination_reason("cmp1", "ticket 7")))
        for text in ("broken disk; " + own,
                     "see " + own + " later",
                     own.lower(),
                     "x" + own):
            self.assertIsNone(maintenance.prepared_for(text), text)

    def test_complete_maintenance_leaves_a_free_text_reason_alone(self):
        from migration_dashboard.core import maintenance
        cloud = self._cloud()
        cloud.reasons = {
            "cmp1": "kernel",
            "cmp5": "RMA pending, not: " +
                    maintenance.destination_reason("cmp1")}
        cloud, res = self._post(_host_url("complete_maintenance", "cmp1"),
                                {"host": "cmp1"}, cloud)
        self.assertLess(res.status_code, 500)
        self.assertEqual(["/v2/os-services/svc-cmp1"],
                         [p for _m, p in cloud.nova_writes()])


# ------------------------------------------------------ 9: passwords

PASSWORD = "Zq9-evac-Secret!"


class EvacuationSecretTests(_CloudTests):

    def _form(self):
        return {"host": "cmp3", "instance": EVACUEE, "destination": "",
                "final_state": "stopped", "password_mode": "set",
                "password": PASSWORD, "confirm_password": PASSWORD,
                "confirm": "on"}

    def test_the_password_reaches_nova_but_no_log(self):
        names = ("", "keystoneauth", "keystoneauth.session", "novaclient",
                 "migration_dashboard", "horizon", "openstack_dashboard",
                 "requests", "urllib3")
        loggers = [logging.getLogger(n) for n in names]
        levels = [lg.level for lg in loggers]
        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record.getMessage())

        keep = Keep(level=logging.DEBUG)
        # Horizon's settings stop novaclient's records at its own logger
        # (propagate False): listen there too.
        listened = [logging.getLogger(n) for n in ("", "novaclient",
                                                   "keystoneclient")]
        for lg in listened:
            lg.addHandler(keep)
        for lg in loggers:
            lg.setLevel(logging.DEBUG)
        try:
            cloud, res = self._post(
                _host_url("evacuate_instance", "cmp3", EVACUEE),
                self._form())
        finally:
            for lg in listened:
                lg.removeHandler(keep)
            for lg, level in zip(loggers, levels):
                lg.setLevel(level)
        self.assertEqual(200, res.status_code)
        sent = [body for method, path, body in cloud.bodies
                if path.endswith("/servers/%s/action" % EVACUEE)]
        self.assertEqual(PASSWORD, sent[0]["evacuate"]["adminPass"])
        # The capture works: the DEBUG lines of the reads (with their
        # bodies, as curl commands) are there.
        self.assertTrue(any(r.startswith("REQ: curl") and "/os-services" in r
                            for r in records), records[:5])
        leaked = [r for r in records if PASSWORD in r]
        self.assertEqual([], leaked)

    def test_an_error_report_hides_the_passwords(self):
        for url in (_host_url("evacuate_instance", "cmp3", EVACUEE),
                    _host_url("evacuate_host", "cmp3")):
            with self.subTest(url=url):
                _cloud, res = self._post(url, self._form())
                params = SafeExceptionReporterFilter().get_post_parameters(
                    res.wsgi_request)
                self.assertNotIn(PASSWORD, params.get("password"))
                self.assertNotIn(PASSWORD, params.get("confirm_password"))
                self.assertEqual("cmp3", params.get("host"))


# ------------------------------------------------------ 10: progress

GiB = 1 << 30


class ProgressStateTests(_CloudTests):

    def _refresh(self, migration_id, instance_id, cloud=None):
        query = {"action": "row_update", "table": "migrations",
                 "obj_id": migration_id, "instance": instance_id}
        return self._get(MIGRATIONS + "?" + parse.urlencode(query),
                         cloud, **AJAX)

    def _live_cloud(self, count):
        cloud = self._cloud()
        ids = list(cloud._servers)[:count]
        cloud.migrations = [
            cloud._migration(10 + n, ids[n], "cmp1", "cmp2", "running",
                             "live-migration") for n in range(count)]
        return cloud, [(str(10 + n), ids[n]) for n in range(count)]

    @override_settings(
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
    def test_the_session_cookie_does_not_grow_with_live_migrations(self):
        cloud, rows = self._live_cloud(10)
        self._get(MIGRATIONS, cloud)
        before = len(self.client.cookies[
            "sessionid"].value)
        for _round in range(3):
            for mid, iid in rows:
                _c, res = self._refresh(mid, iid, cloud)
                self.assertEqual(200, res.status_code)
                self.assertIn("progress-bar", res.content.decode())
        after = len(self.client.cookies["sessionid"].value)
        self.assertEqual(before, after)

    def test_samples_of_parallel_refreshes_are_all_kept(self):
        """Two row refreshes started from the same session (the browser
        sends them together) must both keep their sample: the third
        refresh of the first migration has the two samples a rate needs.
        """
        from migration_dashboard.services import migrations as data
        from tests.unit import fixtures as f

        rows = [data.MigrationRow(f.migration(n, "inst-%d" % n, "cmp1",
                                              "cmp2", status="running"))
                for n in (1, 2)]

        def server_migration(remaining):
            return {"memory_total": 8 * GiB,
                    "memory_processed": 8 * GiB - remaining,
                    "memory_remaining": remaining,
                    "disk_total": 0, "disk_processed": 0,
                    "disk_remaining": 0}

        def request_with(session):
            request = RequestFactory().get("/")
            request.session = dict(session)
            return request

        start = {}
        first = request_with(start)
        second = request_with(start)  # sent at the same time
        data.record_progress(first, rows[0], server_migration(6 * GiB),
                             now=1000.0)
        data.record_progress(second, rows[1], server_migration(6 * GiB),
                             now=1000.5)
        # The browser keeps the cookie of the answer that came last.
        third = request_with(second.session)
        result = data.record_progress(third, rows[0],
                                      server_migration(4 * GiB), now=1010.0)
        self.assertIsNotNone(result.rate)
        self.assertAlmostEqual(2 * GiB / 10.0, result.rate)
