"""At most N moves of a drain (or of a move back) in flight: N on the plan
page, the rest queued and sent as earlier ones finish, whoever looks at the
drain; refusals while queued fail that row and the queue goes on; no
request sleeps (the plugin's api modules mocked; the services, the
planner, Horizon's tables and the templates run)."""
import datetime

from django.core.cache import cache
from django.test.utils import override_settings
from django.urls import reverse
from novaclient import exceptions as nova_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard.core import drain_queue as dq
from migration_dashboard.services import drain
from migration_dashboard.services import drain_queue
from migration_dashboard.services import drain_tracking
from migration_dashboard.services import stall
from tests.unit import fixtures as f
from tests.unit.test_drain_views import _Base
from tests.unit.test_drain_views import MOCKS
from tests.unit.test_drain_views import plan_url
from tests.unit.test_drain_views import SINCE
from tests.unit.test_drain_views import status_url

NAMES = ("web-1", "web-2", "web-3", "web-4")


def _when(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


class _Queue(_Base):
    """cmp1 marked for a drain since SINCE, four running instances."""

    def setUp(self):
        super().setUp()
        cache.clear()
        self.instances = [f.instance(n, "cmp1") for n in NAMES]
        self.sent = []

    def _setup_mocks(self, **kw):
        super()._setup_mocks(**kw)

        def live(request, instance_id, host=None, block_migration=None):
            self.sent.append(instance_id)
            # As Nova: the API sets the task state before it answers.
            self._task(instance_id, "migrating")
        self.mock_server_live_migrate.side_effect = live

        def disable(request, host, reason):
            for n, svc in enumerate(self.services):
                if svc.host == host:
                    self.services[n] = f.service(host, status="disabled",
                                                 reason=reason)
        self.mock_service_disable.side_effect = disable

    def _has(self, res, text, present=True):
        """assertContains without printing the whole page."""
        found = text in res.content.decode()
        self.assertEqual(present, found, "%r %s in the page" % (
            text, "not" if present else "unexpectedly"))

    def _task(self, instance_id, task, host=None):
        for n, i in enumerate(self.instances):
            if i.id == instance_id:
                raw = i.to_dict()
                raw["OS-EXT-STS:task_state"] = task
                if host:
                    raw["OS-EXT-SRV-ATTR:host"] = host
                self.instances[n] = type(i)(raw)

    def _finish(self, instance_id, dest="cmp2", mid=None):
        """The move of ``instance_id`` done: on ``dest``, record completed."""
        self._task(instance_id, None, host=dest)
        mid = mid or 100 + len(self.migrations)
        m = f.migration(mid, instance_id, "cmp1", dest, status="completed")
        m._data["created_at"] = "2026-11-26T10:30:00.000000"
        self.migrations.append(m)

    def _submit(self, n="1", **extra):
        post = {"submit": "1", "in_flight": n}
        post.update(extra)
        return self.client.post(plan_url(), post)

    def _rows(self, res):
        return {r.id: r for r in res.context["table"].data}


class InFlightFieldTests(_Queue):

    @test.create_mocks(MOCKS)
    def test_n_outside_1_to_50_is_a_form_error_and_nothing_is_sent(self):
        self._setup_mocks()
        for bad in ("0", "51", "-3", "two", "1.5", "9" * 400):
            res = self._submit(bad)
            self.assertEqual(200, res.status_code, bad)
            self.assertTemplateUsed(res, "admin/hosts/drain/plan.html")
            self._has(res, "drain-in-flight-error")
        self.mock_server_live_migrate.assert_not_called()
        self.mock_server_migrate.assert_not_called()
        self.mock_service_disable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_default_comes_from_the_setting(self):
        self._setup_mocks()
        with override_settings(MIGRATION_DASHBOARD_DRAIN_IN_FLIGHT=3):
            res = self.client.get(plan_url())
            self.assertRegex(res.content.decode(),
                             r'name="in_flight"[^>]*value="3"')
            res = self._submit("")
        self.assertEqual(3, len(self.sent))
        self.assertEqual(1, self._outcomes(res).count(drain.QUEUED))

    def _outcomes(self, res):
        return [r.outcome for r in res.context["table"].data]

    @test.create_mocks(MOCKS)
    def test_without_setting_two_go_and_the_rest_is_queued(self):
        self._setup_mocks()
        res = self._submit("")
        self.assertEqual(2, len(self.sent))
        self.assertEqual([drain.ACCEPTED] * 2 + [drain.QUEUED] * 2,
                         sorted(self._outcomes(res)))
        self._has(res, "Queued (1 of 2)")
        self._has(res, "Queued (2 of 2)")


class AdvanceTests(_Queue):

    @test.create_mocks(MOCKS)
    def test_the_queue_advances_as_moves_finish_on_each_look(self):
        self._setup_mocks()
        self._submit("1")
        self.assertEqual(1, len(self.sent))
        first = self.sent[0]
        # Still moving: a look sends nothing.
        res = self.client.get(status_url())
        self.assertEqual(1, len(self.sent))
        rows = self._rows(res)
        queued = [r for r in rows.values() if r.state == drain_tracking.QUEUED]
        self.assertEqual(3, len(queued))
        self._has(res, "Queued (1 of 3)")
        self._has(res, "Queued (3 of 3)")
        # Queued rows do not each poll Nova; the page's refresh does.
        self.assertNotRegex(res.content.decode(),
                            r'class="[^"]*ajax-update[^"]*"[^>]*id="drain__'
                            r'row__%s"' % queued[0].id)
        # Done: the next look (any worker, any admin) sends the next one.
        self._finish(first)
        res = self.client.get(status_url())
        self.assertEqual(2, len(self.sent))
        rows = self._rows(res)
        self.assertEqual(drain_tracking.DONE, rows[first].state)
        self.assertEqual(drain_tracking.MIGRATING, rows[self.sent[1]].state)
        self.assertEqual(2, sum(r.state == drain_tracking.QUEUED
                                for r in rows.values()))
        for instance_id in list(self.sent):
            self._finish(instance_id)
        for _look in range(4):
            self.client.get(status_url())
            for instance_id in self.sent:
                if self._rows_now()[instance_id] != "cmp2":
                    self._finish(instance_id)
        self.assertEqual(sorted("inst-" + n for n in NAMES),
                         sorted(self.sent))
        self.assertEqual(len(self.sent), len(set(self.sent)))

    def _rows_now(self):
        return {i.id: i.host for i in self.instances}

    @test.create_mocks(MOCKS)
    def test_moves_off_the_host_that_are_not_the_drains_take_places(self):
        self._setup_mocks()
        self._submit("2")
        self.assertEqual(2, len(self.sent))
        for instance_id in self.sent:
            self._finish(instance_id)
        # Someone else live-migrates web-4 by hand meanwhile.
        other = f.migration(50, "inst-web-4", "cmp1", "cmp3",
                            status="running")
        other._data["created_at"] = "2026-11-26T10:40:00.000000"
        self.migrations.append(other)
        self.client.get(status_url())
        self.assertEqual(3, len(self.sent))  # one place left, not two

    @test.create_mocks(MOCKS)
    def test_a_second_looker_while_one_sends_sends_nothing(self):
        self._setup_mocks()
        self._submit("1")
        self._finish(self.sent[0])
        since = drain.stamp(_when(SINCE))
        lock = drain_queue._key("lock", drain.DRAIN, "cmp1", since)
        self.assertTrue(cache.add(lock, 1, 30))
        res = self.client.get(status_url())
        self.assertEqual(1, len(self.sent))
        self.assertEqual(3, sum(r.state == drain_tracking.QUEUED
                                for r in res.context["table"].data))
        cache.delete(lock)
        self.client.get(status_url())
        self.assertEqual(2, len(self.sent))

    @test.create_mocks(MOCKS)
    def test_refused_because_already_moving_is_not_a_failure(self):
        # Another worker (its own cache) sent web-2 a moment ago: Nova
        # refuses the second move; the row is migrating, not failed.
        self._setup_mocks()
        self._submit("1")
        self._finish(self.sent[0])
        head = self._head()

        def live(request, instance_id, host=None, block_migration=None):
            self._task(instance_id, "migrating")
            raise nova_exceptions.Conflict(
                409, "Cannot 'os-migrateLive' instance while it is in "
                "task_state migrating")
        self.mock_server_live_migrate.side_effect = live
        res = self.client.get(status_url())
        rows = self._rows(res)
        self.assertEqual(drain_tracking.MIGRATING, rows[head].state)
        self.assertNotIn("409", rows[head].reason)

    def _head(self):
        since = drain.stamp(_when(SINCE))
        _limit, entries = drain_queue.load(drain.DRAIN, "cmp1", since)
        waiting = [e.id for e in entries
                   if self._rows_now()[e.id] == "cmp1" and
                   e.id not in self.sent]
        return waiting[0]

    @test.create_mocks(MOCKS)
    def test_a_refusal_while_queued_fails_the_row_and_the_queue_goes_on(self):
        self._setup_mocks()
        self._submit("1")
        self._finish(self.sent[0])
        head = self._head()
        accepted = self.mock_server_live_migrate.side_effect

        def live(request, instance_id, host=None, block_migration=None):
            if instance_id == head:
                raise nova_exceptions.BadRequest(
                    400, "No valid host <b>was</b> found")
            return accepted(request, instance_id, host, block_migration)
        self.mock_server_live_migrate.side_effect = live
        res = self.client.get(status_url())
        rows = self._rows(res)
        self.assertEqual(drain_tracking.FAILED, rows[head].state)
        self.assertIn("No valid host <b>was</b> found", rows[head].reason)
        self._has(res, "No valid host &lt;b&gt;was&lt;/b&gt;")
        # The refused one is not retried on every look; the next one goes.
        res = self.client.get(status_url())
        self.assertEqual(drain_tracking.FAILED,
                         self._rows(res)[head].state)
        self.assertEqual(2, len(self.sent))
        self.assertNotIn(head, self.sent)

    @test.create_mocks(MOCKS)
    def test_without_the_plans_choices_the_queue_waits_and_says_why(self):
        self._setup_mocks()
        self._submit("1")
        self._finish(self.sent[0])
        cache.clear()  # another worker's cache, or a restart
        res = self.client.get(status_url())
        self.assertEqual(1, len(self.sent))
        self._has(res, "drain-queue-unknown")
        self._has(res, plan_url())


class FakeClockTests(_Queue):
    """The queue read straight through the service with a fake clock: a
    request lost on its way to nova-conductor stops holding a place once
    it is stalled, and only then."""

    @test.create_mocks(MOCKS)
    def test_a_lost_request_frees_its_place_after_the_stall_delay(self):
        self._setup_mocks()
        self._submit("1")
        lost = self.sent[0]
        for n, i in enumerate(self.instances):
            if i.id == lost:
                raw = i.to_dict()
                raw["updated"] = "2026-11-26T10:31:00Z"
                self.instances[n] = type(i)(raw)
        since = _when(SINCE)
        sent_at = _when("2026-11-26T10:31:00Z")
        delay = datetime.timedelta(seconds=stall.stall_seconds())
        # The "just sent" note lasts drain_queue.SENT_SECONDS; the fake
        # clock runs past it, so what holds the place is Nova's state.
        cache.clear()
        drain_queue.store(drain.DRAIN, "cmp1", drain.stamp(since), 1,
                          self._entries())
        request = self.request
        young = drain_tracking.track(request, "cmp1", now=sent_at + delay -
                                     datetime.timedelta(seconds=1))
        self.assertEqual(1, len(self.sent))
        self.assertEqual(drain_tracking.MIGRATING,
                         {r.id: r for r in young.rows}[lost].state)
        old = drain_tracking.track(request, "cmp1", now=sent_at + delay)
        rows = {r.id: r for r in old.rows}
        self.assertEqual(drain_tracking.FAILED, rows[lost].state)
        self.assertIn("Stalled", rows[lost].reason)
        self.assertEqual(2, len(self.sent))

    def _entries(self):
        return [dq.Entry(id="inst-" + n, name=n) for n in NAMES]


class HostsOverviewTests(_Queue):
    """The hosts overview says when a drain waits for someone to look at
    it, from what it already reads (no extra API call)."""

    def _index(self):
        for names in MOCKS.values():
            for m in names:
                getattr(self, "mock_" + m).reset_mock()
        res = self.client.get(reverse("horizon:admin:hosts:index"))
        self.assertEqual(200, res.status_code)
        calls = sum(getattr(self, "mock_" + m).call_count
                    for names in MOCKS.values() for m in names)
        return res, calls

    @test.create_mocks(MOCKS)
    def test_a_drain_nobody_looks_at_says_it_waits(self):
        self._setup_mocks()
        _res, before = self._index()
        self._submit("1")
        self._finish(self.sent[0])
        res, calls = self._index()
        self._has(res, "cmp1: drain waiting, 3 queued")
        self._has(res, 'href="%s"' % status_url())
        self.assertEqual(before, calls)
        # Someone looks: the next move goes; while it runs (a record in
        # progress off cmp1, as the overview reads it) nothing waits.
        self.client.get(status_url())
        running = f.migration(60, self.sent[1], "cmp1", "cmp2",
                              status="running")
        running._data["created_at"] = "2026-11-26T10:40:00.000000"
        self.migrations.append(running)
        res, _calls = self._index()
        self._has(res, "drain waiting", present=False)

    @test.create_mocks(MOCKS)
    def test_a_drain_with_nothing_queued_does_not_wait(self):
        self._setup_mocks()
        self._submit("4")
        for instance_id in list(self.sent):
            self._finish(instance_id)
        res, _calls = self._index()
        self._has(res, "drain waiting", present=False)


class MoveBackQueueTests(_Queue):
    """The move back is queued too; its N travels in the status URL."""

    def setUp(self):
        super().setUp()
        self.placement["node-cmp1"] = self.placement["node-cmp2"]
        self.services[0] = f.service("cmp1")  # enabled again
        for n, name in enumerate(NAMES[:3], 1):
            self._finish("inst-" + name, mid=n)
        for m in self.migrations:
            m._data["created_at"] = "2026-11-26T10:0%d:00.000000" % m.id

    @test.create_mocks(MOCKS)
    def test_one_at_a_time_back_and_the_rest_from_the_status_page(self):
        self._setup_mocks()
        back = reverse("horizon:admin:hosts:drain_move_back", args=["cmp1"])
        res = self.client.post(back, {"submit": "1", "since": SINCE,
                                      "in_flight": "1"})
        self.assertEqual(200, res.status_code)
        self.assertEqual(1, len(self.sent))
        outcomes = sorted(r.outcome for r in res.context["table"].data)
        self.assertEqual([drain.ACCEPTED, drain.QUEUED, drain.QUEUED],
                         outcomes)
        status = res.context["status_url"]
        self.assertIn("n=1", status)
        self.assertIn("direction=back", status)
        # Bad N from the page: a form error, nothing sent.
        res = self.client.post(back, {"submit": "1", "since": SINCE,
                                      "in_flight": "0"})
        self._has(res, "drain-in-flight-error")
        self.assertEqual(1, len(self.sent))
        # Back home, the status page (its N from the URL) sends the next.
        self._task(self.sent[0], None, host="cmp1")
        res = self.client.get(status)
        self.assertEqual(2, len(self.sent))
        self._has(res, "Queued (1 of 1)")
