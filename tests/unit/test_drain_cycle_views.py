"""View tests for the maintenance cycle's pages agreeing with Nova: when a
host is "empty", what the move-back status lists right after the submit,
Move Back after Complete Maintenance (the marker gone with the disabled
reason), the operator's reason kept, the batch Disable Hosts dialog, and
the parts of pages that refresh themselves (the plugin's api modules
mocked; Horizon's views, tables and the templates run)."""
import datetime
import re

from django.core.cache import cache
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from migration_dashboard import api

from tests.unit import fixtures as f
from tests.unit import test_drain_views as base

MOCKS = base.MOCKS
SINCE = base.SINCE
MARKED = base.MARKED


def _rows(res):
    return set(re.findall(r'id="drain__row__([^"]+)"', res.content.decode()))


def _moving(res):
    html = res.content.decode()
    return {i for s, i in re.findall(
        r'data-strategy="([^"]+)" data-instance="([^"]+)"', html)
        if s in ("live", "live-block", "cold")}


def _now_stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class _Cycle(base._Base):

    def setUp(self):
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)


class EmptyTests(_Cycle):

    @test.create_mocks(MOCKS)
    def test_not_empty_while_a_cold_move_waits_for_its_confirm(self):
        # Nova lists nothing on cmp1: web-1 and web-2 went live, off-1 cold
        # and waits on cmp2 (a revert would bring it back).
        self._move("web-1", "cmp2")
        self._move("web-2", "cmp3")
        self._move("off-1", "cmp2", status="VERIFY_RESIZE")
        self.migrations = [
            base.mig(1, "inst-web-1", dest="cmp2", minute=5),
            base.mig(2, "inst-web-2", dest="cmp3", minute=6),
            base.mig(3, "inst-off-1", dest="cmp2", status="finished",
                     kind="migration", minute=7)]
        self._setup_mocks()
        res = self.client.get(base.status_url())
        self.assertNotContains(res, "drain-host-empty")
        self.assertContains(res, "drain-host-waiting")
        # Confirmed: now it is empty.
        self._move("off-1", "cmp2", status="SHUTOFF")
        self.migrations[2] = base.mig(3, "inst-off-1", dest="cmp2",
                                      status="confirmed", kind="migration",
                                      minute=7)
        res = self.client.get(base.status_url())
        self.assertContains(res, "drain-host-empty")
        self.assertNotContains(res, "drain-host-waiting")


class MoveBackStatusTests(_Cycle):

    @test.create_mocks(MOCKS)
    def test_accepted_moves_are_listed_before_nova_schedules_them(self):
        self.services[0] = f.service("cmp1")  # enabled by the move back
        for name in ("web-1", "web-2", "off-1"):
            self._move(name, "cmp2")
        self.migrations = [
            base.mig(1, "inst-web-1", dest="cmp2", minute=5),
            base.mig(2, "inst-web-2", dest="cmp2", minute=6),
            base.mig(3, "inst-off-1", dest="cmp2", status="confirmed",
                     kind="migration", minute=7)]
        # Accepted a moment ago: the API set the task; web-2's record
        # exists without a destination yet, web-1's not at all, and off-1
        # was not sent back (it stays out of this move back's status).
        for n, inst in enumerate(self.instances):
            if inst.name in ("web-1", "web-2"):
                raw = inst.to_dict()
                raw["OS-EXT-STS:task_state"] = "migrating"
                self.instances[n] = api.nova_records.Instance(raw)
        started = _now_stamp()
        accepted = f.migration(9, "inst-web-2", "cmp2", None,
                               status="accepted")
        accepted._data["created_at"] = started.replace("Z", ".000000")
        self.migrations.append(accepted)
        self._setup_mocks()
        res = self.client.get(base.status_url() + "?direction=back&since=%s"
                              "&drain=%s" % (started, SINCE))
        self.assertEqual({"inst-web-1", "inst-web-2"}, _rows(res))
        # ... and the page refreshes itself while they move (its status
        # block, one request; no row on its own).
        self.assertContains(res, "data-md-refresh-url")
        self.assertNotContains(res, "ajax-update")


class CompleteMaintenanceTests(_Cycle):

    def _drained(self):
        self.placement["node-cmp1"] = base._summary()
        self.instances.append(f.instance("decoy", "cmp3"))
        for name in ("web-1", "web-2"):
            self._move(name, "cmp2")
        # Left cmp1 before the drain and stayed away: not the drain's.
        decoy = base.mig(1, "inst-decoy", dest="cmp3")
        decoy._data["created_at"] = "2026-11-26T09:50:00.000000"
        self.migrations = [
            decoy,
            base.mig(2, "inst-web-1", dest="cmp2", minute=5),
            base.mig(3, "inst-web-2", dest="cmp2", minute=6)]
        self._setup_mocks()

    @test.create_mocks(MOCKS)
    def test_dialog_shows_the_reason_and_offers_move_back(self):
        self._drained()
        url = reverse("horizon:admin:hosts:complete_maintenance",
                      args=["cmp1"])
        res = self.client.get(url)
        self.assertContains(res, "kernel upgrade")
        self.assertContains(res, "complete-maintenance-move-back")
        self.assertContains(res, "since=" + SINCE)

    @test.create_mocks(MOCKS)
    def test_move_back_after_complete_maintenance_plans_the_drained(self):
        self._drained()
        url = reverse("horizon:admin:hosts:complete_maintenance",
                      args=["cmp1"])
        res = self.client.post(url, {"host": "cmp1"})
        self.mock_service_enable.assert_called_once_with(
            test.IsHttpRequest(), "cmp1")
        self.assertIn(base.back_url(), res["location"])
        self.assertIn("since=" + SINCE, res["location"])
        # Nova cleared the disabled reason with the marker.
        self.services[0] = f.service("cmp1")
        # From the host's menu: no start in the URL.
        res = self.client.get(base.back_url())
        self.assertEqual({"inst-web-1", "inst-web-2"}, _moving(res))
        res = self.client.get(reverse("horizon:admin:hosts:index"))
        self.assertContains(res, "hosts__row_cmp1__action_move_back")


class BatchDisableTests(_Cycle):

    @test.create_mocks(MOCKS)
    def test_the_dialog_carries_the_ticked_rows(self):
        self.services[0] = f.service("cmp1")
        self._setup_mocks()
        index = reverse("horizon:admin:hosts:index")
        res = self.client.post(index, {
            "action": "hosts__disable_many",
            "object_ids": ["cmp2", "cmp3"]})
        self.assertEqual(302, res.status_code)
        res = self.client.get(res["location"])
        html = res.content.decode()
        checked = set(re.findall(
            r'<input[^>]*name="hosts"[^>]*value="([^"]+)"[^>]*checked',
            html))
        self.assertEqual({"cmp2", "cmp3"}, checked)


class RefreshTests(_Cycle):
    """The drain status page has one refresh: the status block, which
    reads the drain again (moving the queue on) and carries the summary;
    the summary has none of its own."""

    def _refreshing(self, html):
        return re.findall(r'<[^>]*data-md-refresh-url="([^"]*)"[^>]*>', html)

    @test.create_mocks(MOCKS)
    def test_one_refresh_carries_the_summary_while_moves_are_in_flight(self):
        self._move("web-1", "cmp2", status="VERIFY_RESIZE")
        self.migrations = [base.mig(1, "inst-web-1", dest="cmp2",
                                    status="finished", kind="migration")]
        self._setup_mocks()
        html = self.client.get(base.status_url()).content.decode()
        urls = self._refreshing(html)
        self.assertEqual(1, len(urls), urls)
        block = re.search(r'<div class="drain-status"[^>]*>', html).group(0)
        self.assertIn("data-md-refresh-url", block)
        self.assertIn('data-md-refresh-interval="5000"', block)
        self.assertIn("data-md-refresh-steady", block)
        # What the page asks for every 5 s: the block, summary inside.
        part = self.client.get(urls[0].replace("&amp;", "&"),
                               HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        fragment = part.content.decode().strip()
        self.assertTrue(fragment.startswith('<div class="drain-status"'),
                        fragment[:200])
        self.assertNotIn("<html", fragment)
        self.assertIn('class="drain-status-summary" '
                      'data-md-refresh-part="summary"', fragment)
        self.assertIn("drain-track-confirm", fragment)
        self.assertEqual(1, len(self._refreshing(fragment)))

    @test.create_mocks(MOCKS)
    def test_the_refresh_stops_when_final(self):
        self.instances = []
        self.services[0] = f.service("cmp1", status="disabled",
                                     reason=MARKED)
        self._setup_mocks()
        html = self.client.get(base.status_url()).content.decode()
        self.assertIn("drain-host-empty", html)
        self.assertEqual([], self._refreshing(html))
        part = self.client.get(base.status_url() + "?fragment=status",
                               HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertContains(part, "drain-host-empty")
        self.assertNotContains(part, "data-md-refresh-url")


# Nova keeps 255 characters of a disabled reason; the widest drain marker
# (N has two digits at most) takes this much of them.
WIDEST_MARKER = "Drain since 2026-11-26T10:00:00Z (N=50): "
ROOM = 255 - len(WIDEST_MARKER)


def _words(length):
    """An operator's reason of ``length`` characters whose last word
    would be the first to go."""
    text = ("replace the failed DIMM in slot %d, " * 20) % tuple(range(20))
    return (text[:length - 4] + " END")[:length]


class ReasonTests(_Cycle):
    """The drain keeps the operator's reason after its marker whole, or
    refuses and says the limit: never a silent cut."""

    @test.create_mocks(MOCKS)
    def test_a_reason_that_fits_exactly_is_kept_whole(self):
        self.services[0] = f.service("cmp1")
        self._setup_mocks()
        reason = _words(ROOM)
        res = self.client.post(base.start_url(), {"host": "cmp1",
                                                  "reason": reason})
        self.assertNoFormErrors(res)
        written = self.mock_service_disable.call_args[0][2]
        self.assertLessEqual(len(written), 255)
        self.assertEqual(reason, base.drain.parse_marker(written)[1])
        # Marked again with the widest N, it still fits whole.
        again = base.drain.drain_reason(written, limit=50)
        self.assertLessEqual(len(again), 255)
        self.assertTrue(again.endswith(": " + reason))

    @test.create_mocks(MOCKS)
    def test_a_longer_reason_is_refused_saying_the_limit(self):
        self.services[0] = f.service("cmp1")
        self._setup_mocks()
        reason = _words(ROOM + 1)
        res = self.client.post(base.start_url(), {"host": "cmp1",
                                                  "reason": reason})
        self.assertFormErrors(res, 1)
        self.assertContains(res, "has %d characters" % (ROOM + 1))
        self.assertContains(res, "at most %d" % ROOM)
        self.mock_service_disable.assert_not_called()
        # The operator's text is still in the field, to be shortened; no
        # maxlength for the browser to cut a paste with.
        self.assertContains(res, 'value="%s"' % reason)
        self.assertNotRegex(res.content.decode(),
                            r'<input[^>]*name="reason"[^>]*maxlength')

    @test.create_mocks(MOCKS)
    def test_a_disabled_hosts_long_reason_is_not_kept_cut(self):
        # The operator disabled cmp1 earlier (Nova takes 255 characters);
        # Drain Host with the reason left empty would keep it after the
        # marker: it does not fit, so the form says so.
        long_reason = _words(250)
        self.services[0] = f.service("cmp1", status="disabled",
                                     reason=long_reason)
        self._setup_mocks()
        res = self.client.get(base.start_url())
        self.assertContains(res, "%d characters at most" % ROOM)
        self.assertContains(res, "leaves the drain marker no room")
        self.assertContains(res, 'value="Replace the Reason and Plan"')
        res = self.client.post(base.start_url(), {"host": "cmp1",
                                                  "reason": ""})
        self.assertFormErrors(res, 1)
        self.assertContains(res, "has 250 characters")
        self.assertContains(res, "at most %d" % ROOM)
        self.mock_service_disable.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_submitting_the_plan_refuses_a_reason_that_does_not_fit(self):
        self.services[0] = f.service("cmp1", status="disabled",
                                     reason=_words(250))
        self._setup_mocks()
        res = self.client.post(base.plan_url(), {"submit": "1",
                                                 "acknowledge": "1"})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "has 250 characters")
        self.assertContains(res, "at most %d" % ROOM)
        self.mock_service_disable.assert_not_called()
        self.mock_server_live_migrate.assert_not_called()
        self.mock_server_migrate.assert_not_called()
