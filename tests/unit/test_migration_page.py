"""A migration's own page (plugin api module mocked, as
test_migrations_views): a cold migration waiting for confirmation, with
Confirm / Revert on the page; what `openstack server migration show`
gives (destination node, uuid, who requested it); where a failed or
cancelled migration stopped and whose logs hold why."""
import re
from html import unescape
from unittest import mock

from django.test.utils import override_settings
from keystoneauth1 import exceptions as keystone_exceptions
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from tests.unit import fixtures as f
from tests.unit.test_migrations_views import HOSTILE
from tests.unit.test_migrations_views import ESCAPED
from tests.unit.test_migrations_views import MigrationViewTestBase
from tests.unit.test_migrations_views import _row
from tests.unit.test_migrations_views import _row_body
from tests.unit.test_migrations_views import action
from tests.unit.test_migrations_views import detail_url

CONFIRM_RULE = "os_compute_api:servers:confirm_resize"
DENIED = []


def deny_listed(actions, request, target=None):
    return all(rule not in DENIED for _svc, rule in actions)


def _text(html):
    """The visible text of ``html``, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _steps(content):
    """[(state, text)] of the page's steps list."""
    block = content[content.index('<ol class="migration-steps">'):]
    block = block[:block.index("</ol>")]
    return [(state, _text(body)) for state, body in re.findall(
        r'<li class="step-(\w+)[^"]*">(.*?)</li>', block, re.S)]


def _waiting(mid=7, instance_id="i-cold"):
    """A cold migration Nova finished: cmp1 -> cmp2, instance in
    VERIFY_RESIZE on cmp2 (created 10:07:00, updated 10:07:30)."""
    mig = f.migration(mid, instance_id, "cmp1", "cmp2", status="finished",
                      migration_type="migration")
    inst = f.instance("web", "cmp2", status="VERIFY_RESIZE",
                      instance_id=instance_id)
    return mig, inst


class WaitingForConfirmationTests(MigrationViewTestBase):

    def test_page_says_waiting_and_offers_confirm_and_revert(self):
        mig, inst = _waiting()
        with self.nova([mig], [inst]):
            res = self.client.get(detail_url("i-cold", 7))
        content = res.content.decode()
        status_row = _row(content, "migration_status", 7)
        status_body = _text(_row_body(content, "migration_status", 7))
        # Not "in progress": no warning row (Horizon draws its striped
        # bar on those), but still refreshing until someone acts.
        self.assertNotIn("warning", status_row)
        self.assertIn("ajax-update", status_row)
        self.assertIn("Waiting for confirmation", status_body)
        self.assertNotIn("finished", status_body)
        # The duration is what the move took (10:07:00 -> 10:07:30),
        # not a clock running until the confirm.
        self.assertIn("30s", status_body)
        # The step Nova finished waits; nothing spins.
        self.assertIn(("waiting", "finished \u2014 waiting for confirmation"),
                      _steps(content))
        self.assertNotIn("current", [s for s, _t in _steps(content)])
        self.assertIn("migration-awaiting", content)
        # Confirm and Revert on this page, as row actions of the status.
        self.assertIn('value="migration_status__confirm__7"', content)
        self.assertIn('value="migration_status__revert__7"', content)

    def test_duration_does_not_grow_while_waiting(self):
        mig, inst = _waiting()
        texts = []
        for now in ("2026-11-26T10:20:00Z", "2026-11-27T12:00:00Z"):
            when = api.base.parse_time(now)
            # The services' one clock, not Django's: the session's own
            # expiry reads timezone.now and must keep the real time.
            with self.nova([mig], [inst]), mock.patch(
                    "migration_dashboard.services.stall.utcnow",
                    return_value=when):
                content = self.client.get(detail_url("i-cold", 7)).content
            texts.append(_text(_row_body(content.decode(),
                                         "migration_status", 7)))
        self.assertEqual(texts[0], texts[1])

    def test_running_cold_migration_offers_neither(self):
        mig = f.migration(7, "i-cold", "cmp1", "cmp2", status="migrating",
                          migration_type="migration")
        inst = f.instance("web", "cmp1", status="RESIZE",
                          instance_id="i-cold", task_state="resize_migrating")
        with self.nova([mig], [inst]):
            content = self.client.get(detail_url("i-cold", 7)).content.decode()
        self.assertNotIn("migration_status__confirm__7", content)
        self.assertNotIn("migration_status__revert__7", content)
        self.assertNotIn("migration-awaiting", content)

    def test_instance_no_longer_in_verify_resize_is_not_offered(self):
        mig, inst = _waiting()
        inst._data["status"] = "ERROR"
        with self.nova([mig], [inst]):
            content = self.client.get(detail_url("i-cold", 7)).content.decode()
        self.assertNotIn("migration_status__confirm__7", content)

    def _act(self, name, **nova):
        mig, inst = _waiting()
        with self.nova([mig], [inst], **nova) as m:
            res = self.client.post(detail_url("i-cold", 7), {
                "action": "migration_status__%s__7" % name})
        return res, m

    def test_confirm_from_the_page_confirms_the_instance(self):
        res, m = self._act("confirm", server_confirm_resize=mock.Mock())
        m["server_confirm_resize"].assert_called_once_with(mock.ANY,
                                                           "i-cold")
        self.assertRedirectsNoFollow(res, detail_url("i-cold", 7))
        self.assertMessageCount(success=1)

    def test_revert_from_the_page_reverts_the_instance(self):
        res, m = self._act("revert", server_revert_resize=mock.Mock())
        m["server_revert_resize"].assert_called_once_with(mock.ANY, "i-cold")
        self.assertRedirectsNoFollow(res, detail_url("i-cold", 7))

    def test_nova_refusing_the_confirm_says_why(self):
        refuse = mock.Mock(side_effect=nova_exceptions.Conflict(
            409, "Instance is in vm_state error: " + HOSTILE))
        mig, inst = _waiting()
        with self.nova([mig], [inst], server_confirm_resize=refuse):
            res = self.client.post(detail_url("i-cold", 7), {
                "action": "migration_status__confirm__7"}, follow=True)
        content = res.content.decode()
        self.assertIn("Unable to confirm migration", content)
        self.assertIn("vm_state error: " + ESCAPED, content)
        self.assertNotIn(HOSTILE, content)

    @override_settings(POLICY_CHECK_FUNCTION="tests.unit.test_migration_page."
                                             "deny_listed")
    def test_confirm_rule_denied_hides_it_and_refuses_the_post(self):
        DENIED[:] = [CONFIRM_RULE]
        try:
            mig, inst = _waiting()
            with self.nova([mig], [inst]):
                content = self.client.get(
                    detail_url("i-cold", 7)).content.decode()
            res, m = self._act("confirm", server_confirm_resize=mock.Mock())
        finally:
            DENIED[:] = []
        self.assertNotIn("migration_status__confirm__7", content)
        self.assertIn("migration_status__revert__7", content)
        self.assertEqual(0, m["server_confirm_resize"].call_count)

    def test_page_after_the_action_says_what_happened(self):
        cases = [("confirming", "cmp2", "Confirming: web stays on cmp2; "
                  "Nova is deleting its copy on cmp1."),
                 ("confirmed", "cmp2", "Confirmed: web stays on cmp2; its "
                  "copy on cmp1 was deleted."),
                 ("reverting", "cmp2", "Reverting: web is going back to "
                  "cmp1; its copy on cmp2 is being deleted."),
                 ("reverted", "cmp1", "Reverted: web is back on cmp1 as it "
                  "was before the migration; its copy on cmp2 was "
                  "deleted.")]
        for status, host, said in cases:
            mig = f.migration(7, "i-cold", "cmp1", "cmp2", status=status,
                              migration_type="migration")
            inst = f.instance("web", host, instance_id="i-cold")
            with self.nova([mig], [inst]):
                content = self.client.get(
                    detail_url("i-cold", 7)).content.decode()
            self.assertIn(said, _text(content), status)
            self.assertNotIn("migration_status__confirm__7", content)


class MigrationShowTests(MigrationViewTestBase):
    """What `openstack server migration show` gives."""

    def _page(self, mig, **nova):
        inst = f.instance("web", "cmp2", instance_id=mig.instance_id)
        with self.nova([mig], [inst], **nova) as m:
            res = self.client.get(detail_url(mig.instance_id, mig.id))
        return _text(res.content.decode()), m

    def test_destination_node_uuid_and_requester_by_name(self):
        mig = f.migration(4, "i-4", "cmp1", "cmp2", status="completed")
        mig._data.update(dest_node="cmp2.example.org", dest_host="10.0.0.2",
                         uuid="0b5e3c52-2c2f-4a51-9d1c-0d1c4b0f4a11")
        text, m = self._page(mig, users=(("user-a", "alice"),),
                             projects=(("project-a", "ops"),))
        self.assertIn("Destination node cmp2.example.org (10.0.0.2)", text)
        self.assertIn("Migration UUID 0b5e3c52-2c2f-4a51-9d1c-0d1c4b0f4a11",
                      text)
        self.assertIn("Requested by user alice, project ops", text)
        # One read of each, not a list of every project or user.
        self.assertEqual(1, m["user_get"].call_count)
        self.assertEqual(1, m["project_get"].call_count)
        self.assertEqual(0, m["project_list"].call_count)

    def test_requester_keystone_forgot_shows_the_ids(self):
        mig = f.migration(4, "i-4", "cmp1", "cmp2", status="completed")
        mig._data.update(user_id="gone-user", project_id="gone-project")
        text, _m = self._page(mig)
        self.assertIn("Requested by user gone-user, project gone-project",
                      text)

    def test_requester_unreadable_says_why_and_shows_the_id(self):
        mig = f.migration(4, "i-4", "cmp1", "cmp2", status="completed")
        def forbidden(request, user_id):
            # (Horizon's test data replaces keystoneauth's exception
            # constructors: the reason is the class's own, "Forbidden".)
            raise keystone_exceptions.Forbidden()
        inst = f.instance("web", "cmp2", instance_id="i-4")
        with self.nova([mig], [inst]), mock.patch.object(
                api.keystone, "user_get", forbidden):
            text = _text(self.client.get(detail_url("i-4", 4)).content
                         .decode())
        self.assertIn("Requested by user user-a, project alpha", text)
        self.assertIn("Unable to read user user-a", text)
        self.assertIn("Unable to read user user-a: Forbidden", text)

    def test_hostile_names_are_escaped(self):
        mig = f.migration(4, "i-4", "cmp1", "cmp2", status="completed")
        mig._data.update(dest_node=HOSTILE)
        inst = f.instance("web", "cmp2", instance_id="i-4")
        with self.nova([mig], [inst], users=(("user-a", HOSTILE),)):
            content = self.client.get(detail_url("i-4", 4)).content.decode()
        self.assertNotIn(HOSTILE, content)
        self.assertEqual(2, content.count(ESCAPED))

    def test_before_2_80_one_line_says_nova_does_not_record_it(self):
        mig = f.migration(4, "i-4", "cmp1", "cmp2", status="completed")
        for key in ("user_id", "project_id"):
            del mig._data[key]
        text, m = self._page(mig, version="2.79")
        self.assertEqual(1, text.count(
            "Nova 2.79: who requested each migration is not recorded "
            "before 2.80."))
        self.assertEqual(0, m["user_get"].call_count)
        self.assertEqual(0, m["project_get"].call_count)


def _live_events(*results):
    """The live-migration events Nova records, in order, with ``results``
    (Success / Error) for as many of them as given."""
    names = [("conductor_live_migrate_instance", None),
             ("compute_check_can_live_migrate_destination", "cmp2"),
             ("compute_check_can_live_migrate_source", "cmp1"),
             ("compute_live_migration", "cmp1"),
             ("compute_pre_live_migration", "cmp2"),
             ("compute_post_live_migration_at_destination", "cmp2")]
    return [{"event": name, "host": host, "result": result,
             "details": "boom" if result == "Error" else None}
            for (name, host), result in zip(names, results)]


class StoppedStepTests(MigrationViewTestBase):

    def _page(self, status, events, kind="live-migration", name=None,
              dest="cmp2", **nova):
        mig = f.migration(5, "i-bad", "cmp1", dest, status=status,
                          migration_type=kind)
        inst = f.instance("web", "cmp1", instance_id="i-bad")
        name = name or ("live-migration" if kind == "live-migration"
                        else kind)
        nova.setdefault("instance_action_list", mock.Mock(return_value=[
            action(name, start="2026-11-26T10:05:00")]))
        nova.setdefault("instance_action_get", mock.Mock(
            return_value=action(name, events=events)))
        with self.nova([mig], [inst], **nova) as m:
            res = self.client.get(detail_url("i-bad", 5))
        return res.content.decode(), m

    def test_failed_at_pre_live_migration_marks_preparing(self):
        content, _m = self._page("error", _live_events(
            "Success", "Success", "Success", "Success", "Error"))
        self.assertEqual([
            ("done", "accepted"), ("done", "queued"),
            ("failed", "preparing \u2014 stopped here (error)"),
            ("todo", "running"), ("todo", "post-migrating"),
            ("todo", "completed")], _steps(content))

    def test_failed_or_cancelled_while_copying_marks_running(self):
        # The copy runs in a thread no event wraps: pre_live_migration
        # succeeded, then the migration ended failed or was cancelled.
        for status, state, said in (
                ("failed", "failed", "running \u2014 stopped here (failed)"),
                ("cancelled", "cancelled", "running \u2014 cancelled here")):
            content, m = self._page(status, _live_events(
                "Success", "Success", "Success", "Success", "Success"))
            steps = _steps(content)
            self.assertEqual((state, said), steps[3])
            # Before it done, after it not reached; no step added.
            self.assertEqual(["done"] * 3 + ["todo"] * 2,
                             [s for s, _t in steps[:3] + steps[4:]])
            self.assertEqual(1, m["instance_action_get"].call_count)
        self.assertNotIn("Why it failed", content)

    def test_cold_migration_failed_in_resize_instance(self):
        events = [{"event": "conductor_migrate_server", "result": "Success"},
                  {"event": "compute_prep_resize", "result": "Success",
                   "host": "cmp2"},
                  {"event": "compute_resize_instance", "result": "Error",
                   "host": "cmp1", "details": "disk copy failed"}]
        content, _m = self._page("error", events, kind="migration",
                                 name="migrate")
        self.assertEqual(("failed", "migrating \u2014 stopped here (error)"),
                         _steps(content)[1])
        self.assertEqual("done", _steps(content)[0][0])

    def test_unreadable_events_mark_no_step_and_say_so(self):
        failing = mock.Mock(side_effect=nova_exceptions.Forbidden(
            403, "no events for you"))
        content, _m = self._page("error", [], instance_action_list=failing)
        states = [s for s, _t in _steps(content)]
        self.assertEqual(["todo"] * 6, states)
        self.assertIn("no events for you", content)
        self.assertIn("stop-unknown", content)

    def test_failed_migration_names_the_services_to_read_and_the_request(
            self):
        content, _m = self._page("error", _live_events(
            "Success", "Success", "Success", "Success", "Error"))
        logs = _text(content[content.index('class="migration-logs"'):])
        self.assertIn("nova-compute on cmp2 \u2014 the failed step ran "
                      "here", logs)
        self.assertIn("nova-compute on cmp1 \u2014 the source host", logs)
        # cmp2 is named once, for the failed step.
        self.assertEqual(1, logs.count("on cmp2"))
        self.assertIn("request id req-live-migration", logs)

    def test_failed_before_a_destination_names_the_conductor(self):
        events = [{"event": "conductor_live_migrate_instance",
                   "result": "Error", "details": "No valid host"}]
        content, _m = self._page("error", events, dest=None)
        logs = _text(content[content.index('class="migration-logs"'):])
        self.assertIn("nova-conductor \u2014 the failed step ran here", logs)
        self.assertIn("nova-compute on cmp1 \u2014 the source host", logs)
        self.assertEqual(("failed", "accepted \u2014 stopped here (error)"),
                         _steps(content)[0])

    def test_successful_migration_reads_no_instance_action(self):
        mig = f.migration(5, "i-ok", "cmp1", "cmp2", status="completed")
        with self.nova([mig], [f.instance("web", "cmp2",
                                          instance_id="i-ok")]) as m:
            content = self.client.get(detail_url("i-ok", 5)).content.decode()
        self.assertEqual(0, m["instance_action_list"].call_count)
        self.assertNotIn("migration-logs", content)


def test_status_table_actions_are_the_hosts_panels():
    """The migration page's Confirm / Revert are the host Instances tab's
    (one code path: policy, call, messages), not copies."""
    from migration_dashboard.content import actions
    from migration_dashboard.content.migrations import tables
    assert issubclass(tables.ConfirmMigration, actions.ConfirmMigration)
    assert issubclass(tables.RevertMigration, actions.RevertMigration)
