"""Every page and action of the plugin against older Novas.

The fake cloud at the HTTP layer (tests/unit/fake_cloud.py) is capped at
the Nova floor the README declares (2.60, Queens), at 2.79 (the last
without who requested a migration), at 2.87 (the last hypervisor list
with capacity) and at the newest microversion the plugin asks: it answers
406 above its cap and in the older shapes below each feature's
microversion.  At every cap each page renders what it shows (the long
strings of test_long_strings, whole) except what the cap cannot carry,
each action is accepted by Nova, and no request above the cap is sent.
The README's "Supported releases" table states the same.
"""
import re

from django.urls import reverse
from django.utils.html import escape

from openstack_dashboard.test import helpers as test

from migration_dashboard.api import microversions
from tests.unit import test_long_strings as long_strings
from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY

# The README's Nova floor, 2.79 and 2.87 (see the module docstring), and
# the newest the plugin asks.
CAPS = ("2.60", "2.79", "2.87", microversions.CLIENT_MAX)


def _version(text):
    major, minor = text.split(".")
    return int(major), int(minor)


# What each page shows only from a microversion on (the README's table):
# (page, the long string it cannot show below it, microversion).
NEEDS = (
    # "Requested by": the migration's project_id is Nova's from 2.80.
    ("migrations list", long_strings.LONG_PROJECT, "2.80"),
    ("migrations of an instance", long_strings.LONG_PROJECT, "2.80"),
)


def _above(cloud, cap):
    return [r for r in cloud.nova_requests if r[2] > _version(cap)]


def _errors(res):
    return [str(m) for m in res.wsgi_request._messages
            if "error" in m.tags]


class _CappedMixin:
    cap = None

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def _assert_within_cap(self, cloud, what):
        self.assertEqual([], _above(cloud, self.cap), what)
        self.assertTrue(cloud.nova_requests, what)


class _PagesAtCap(_CappedMixin):

    def test_every_page_renders_what_the_cap_can_carry(self):
        cap = _version(self.cap)
        for page, (url, shown) in long_strings.pages().items():
            with self.subTest(page=page):
                with long_strings.HostileCloud() as cloud:
                    cloud.max_version = self.cap
                    cloud.catalog = self.service_catalog
                    res = self.client.get(url)
                self.assertEqual(200, res.status_code, page)
                self._assert_within_cap(cloud, page)
                self.assertEqual([], _errors(res), page)
                content = res.content.decode()
                missing = {text for name, text, version in NEEDS
                           if name == page and cap < _version(version)}
                for text in shown:
                    if text in missing:
                        self.assertNotIn(escape(text), content,
                                         "%s at %s" % (page, self.cap))
                    else:
                        self.assertIn(escape(text), content,
                                      "%s at %s: %s... not shown" % (
                                          page, self.cap, text[:30]))



SINCE = "2026-11-26T09:00:00Z"


class ActionCloud(FakeCloud):
    """Four hosts: cmp1 the source of every move (an ACTIVE, a SHUTOFF and
    a VERIFY_RESIZE instance), cmp2 the destination (and inst-cmp2-2 drained
    from cmp1, to move back), cmp3 forced down (to evacuate), cmp4 disabled
    (to enable)."""

    def __init__(self, cap):
        super().__init__(hosts=4, instances_per_host=4, migrations=10,
                         max_version=cap)
        self._servers["inst-cmp1-2"].update({
            "status": "SHUTOFF", "OS-EXT-STS:vm_state": "stopped",
            "OS-EXT-STS:power_state": 4})
        self._servers["inst-cmp1-3"].update({
            "status": "VERIFY_RESIZE", "OS-EXT-STS:vm_state": "resized"})
        self.add_migration(50, "inst-cmp2-2", "cmp1", "cmp2", "completed",
                           "2026-11-26T10:30:00.000000",
                           "2026-11-26T10:31:00.000000")

    def _nova(self, request, context, path, query):
        body = super()._nova(request, context, path, query)
        if re.sub(r"^/v2(\.1)?", "", path) == "/os-services" and \
                request.method == "GET":
            for svc in body["services"]:
                if svc["host"] == "cmp3":
                    svc.update(forced_down=True, state="down")
                if svc["host"] == "cmp4":
                    svc.update(status="disabled",
                               disabled_reason="firmware")
        return body


def _hosts(name, *args):
    return reverse("horizon:admin:hosts:" + name, args=args)


# (action, url, form, the Nova write it must make: method, path regex)
ACTIONS = (
    ("disable", _hosts("disable", "cmp1"),
     {"host": "cmp1", "reason": "firmware"}, ("PUT", r"/os-services/")),
    ("disable several", _hosts("disable_many"),
     {"hosts": ["cmp1", "cmp2"], "reason": "rack move"},
     ("PUT", r"/os-services/")),
    ("enable", _hosts("index"),
     {"action": "hosts__enable", "object_ids": ["cmp4"]},
     ("PUT", r"/os-services/")),
    ("force down", _hosts("force_down", "cmp1"),
     {"host": "cmp1", "fenced": "on"}, ("PUT", r"/os-services/")),
    ("force up", _hosts("index"), {"action": "hosts__force_up__cmp3"},
     ("PUT", r"/os-services/")),
    ("prepare destination", _hosts("prepare_destination", "cmp2"),
     {"host": "cmp2", "source": "cmp1", "accept_others": "on",
      "disable": "on"}, ("PUT", r"/os-services/")),
    ("complete maintenance", _hosts("complete_maintenance", "cmp4"),
     {"host": "cmp4"}, ("PUT", r"/os-services/")),
    ("live migrate", _hosts("instance_live_migrate", "cmp1", "inst-cmp1-1"),
     {"host": "cmp1", "instances": "inst-cmp1-1", "destination": "",
      "block_migration": "auto", "acknowledge": "on"},
     ("POST", r"^/servers/inst-cmp1-1/action$")),
    ("cold migrate to a host",
     _hosts("instance_cold_migrate", "cmp1", "inst-cmp1-2"),
     {"host": "cmp1", "instances": "inst-cmp1-2", "destination": "cmp2",
      "acknowledge": "on"}, ("POST", r"^/servers/inst-cmp1-2/action$")),
    ("confirm resize", _hosts("detail", "cmp1") +
     "?tab=host_details__instances",
     {"action": "instances__confirm__inst-cmp1-3"},
     ("POST", r"^/servers/inst-cmp1-3/action$")),
    ("revert resize", _hosts("detail", "cmp1") +
     "?tab=host_details__instances",
     {"action": "instances__revert__inst-cmp1-3"},
     ("POST", r"^/servers/inst-cmp1-3/action$")),
    ("start", _hosts("detail", "cmp1") + "?tab=host_details__instances",
     {"action": "instances__start__inst-cmp1-2"},
     ("POST", r"^/servers/inst-cmp1-2/action$")),
    ("evacuate instance", _hosts("evacuate_instance", "cmp3", "inst-cmp3-1"),
     {"host": "cmp3", "instance": "inst-cmp3-1", "destination": "",
      "final_state": "stopped", "password_mode": "none", "confirm": "on"},
     ("POST", r"^/servers/inst-cmp3-1/action$")),
    ("evacuate host", _hosts("evacuate_host", "cmp3"),
     {"host": "cmp3", "destination": "", "final_state": "stopped",
      "password_mode": "generate", "confirm": "on"},
     ("POST", r"^/servers/inst-cmp3-\d/action$")),
    ("drain start", _hosts("drain_start", "cmp1"),
     {"host": "cmp1", "reason": "kernel upgrade"},
     ("PUT", r"/os-services/")),
    ("drain submit", _hosts("drain_plan", "cmp1"),
     {"submit": "1", "acknowledge": "on"},
     ("POST", r"^/servers/inst-cmp1-\d/action$")),
    ("move back", _hosts("drain_move_back", "cmp1"),
     {"submit": "1", "enable_first": "1", "since": SINCE,
      "acknowledge": "on"},
     ("POST", r"^/servers/inst-cmp2-2/action$")),
    ("abort", reverse("horizon:admin:migrations:abort",
                      args=["inst-cmp1-0", "0"]),
     {"instance_id": "inst-cmp1-0", "migration_id": "0"},
     ("DELETE", r"^/servers/inst-cmp1-0/migrations/0$")),
    ("force complete", reverse("horizon:admin:migrations:force_complete",
                               args=["inst-cmp2-1", "5"]),
     {"instance_id": "inst-cmp2-1", "migration_id": "5"},
     ("POST", r"^/servers/inst-cmp2-1/migrations/5/action$")),
)


class _ActionsAtCap(_CappedMixin):

    def test_every_action_is_accepted_by_nova(self):
        for action, url, form, (method, path) in ACTIONS:
            with self.subTest(action=action):
                with ActionCloud(self.cap) as cloud:
                    cloud.catalog = self.service_catalog
                    res = self.client.post(url, form)
                self.assertIn(res.status_code, (200, 302), action)
                self.assertEqual([], _errors(res), action)
                self._assert_within_cap(cloud, action)
                self.assertTrue(
                    [w for w in cloud.writes
                     if w[0] == method and re.search(path, w[1])],
                    "%s: no %s %s in %s" % (action, method, path,
                                            cloud.writes))
                refused = [w for w in cloud.writes if w[3] >= 300]
                self.assertEqual([], refused, action)



EVENT_HOST = "cmp-event-host"
EVENT_DETAILS = "Event details: no valid host for the move"


# The tooltip of the "Requested by" column header (the column is left out
# below 2.80).
REQUESTED_BY_HEADER = 'title="The project that asked for the migration."'
# The one line each page shows below a feature's microversion, after
# "Nova <the cloud's version>".
NOTE_REQUESTED_BY = (": who requested each migration is not recorded "
                     "before 2.80.")
NOTE_EVENT_HOST = ": the host of each event is not recorded before 2.62."
NOTE_EVENT_DETAILS = (" gives no reason for a failed event before 2.84; "
                      "see the instance's fault.")
NOTE_ABORT_QUEUED = (": a queued or preparing live migration cannot be "
                     "aborted before 2.65; Abort is offered once it runs.")
NOTE_FINAL_STATE = (": the final state can be chosen from 2.95 on; here "
                    "each instance keeps the state it had, so an ACTIVE "
                    "one is started again on its new host (its old host "
                    "must really be off).")


class NotesCloud(long_strings.HostileCloud):
    """HostileCloud whose failed move's event names its own host and
    details, with a queued live migration of inst-cmp2-1."""

    def __init__(self):
        super().__init__()
        self.add_migration(51, "inst-cmp2-1", "cmp2", "cmp1", "queued",
                           "2026-11-26T10:08:00.000000")

    def _nova(self, request, context, path, query):
        body = super()._nova(request, context, path, query)
        for event in (body.get("instanceAction") or {}).get("events") or ():
            event.update(host=EVENT_HOST, details=EVENT_DETAILS)
        return body


class _FeaturesAtCap(_CappedMixin):
    """What each page shows from a microversion on (the README's table)."""

    def _get(self, url, cloud=None, **headers):
        if cloud is None:
            cloud = NotesCloud()
            cloud.max_version = self.cap
        with cloud:
            cloud.catalog = self.service_catalog
            res = self.client.get(url, **headers)
        self.assertEqual(200, res.status_code)
        self._assert_within_cap(cloud, url)
        return res.content.decode()

    def _shown_from(self, version, text, content):
        if _version(self.cap) >= _version(version):
            self.assertIn(text, content)
        else:
            self.assertNotIn(text, content)

    def _noted_below(self, version, line, content):
        """Below ``version`` the page says once, in ``line``, what this
        cloud does not tell; from it on it does not."""
        note = escape("Nova %s%s" % (self.cap, line))
        if _version(self.cap) < _version(version):
            self.assertEqual(1, content.count(note), note)
        else:
            self.assertNotIn(escape(line), content)

    def test_failed_move_events_name_their_host_and_details(self):
        content = self._get(reverse(
            "horizon:admin:migrations:detail",
            args=[long_strings.FAULTY, "99"]))
        self._shown_from("2.62", EVENT_HOST, content)
        self._shown_from("2.84", EVENT_DETAILS, content)
        self._noted_below("2.62", NOTE_EVENT_HOST, content)
        self._noted_below("2.84", NOTE_EVENT_DETAILS, content)
        # No "Host" column of nothing but "-" below 2.62.
        self._shown_from("2.62", "<th>Host</th>", content)

    def test_requested_by(self):
        for url in (reverse("horizon:admin:migrations:index"),
                    reverse("horizon:admin:migrations:instance",
                            args=[long_strings.FAULTY])):
            with self.subTest(url=url):
                content = self._get(url)
                self._shown_from("2.80",
                                 escape(long_strings.LONG_PROJECT), content)
                # Below 2.80 no column of "-": the note says why.
                self._shown_from("2.80", REQUESTED_BY_HEADER, content)
                self._noted_below("2.80", NOTE_REQUESTED_BY, content)
                # A row's refresh has the page's cells (no requester below
                # 2.80 either), or it would shift under the headers.
                match = re.search(r'data-update-url="([^"]+)"[^>]*>(.*?)'
                                  r'</tr>', content, re.S)
                row = self._get(match.group(1).replace("&amp;", "&"),
                                HTTP_X_REQUESTED_WITH="XMLHttpRequest")
                self.assertEqual(match.group(2).count("<td"),
                                 row.count("<td"))

    def test_abort_of_a_queued_live_migration(self):
        content = self._get(reverse("horizon:admin:migrations:index"))
        self._shown_from("2.65", "migrations__row_51__action_abort", content)
        self._noted_below("2.65", NOTE_ABORT_QUEUED, content)
        # A running one can be aborted at every cap (2.24).
        self.assertIn("migrations__row_0__action_abort", content)
        # The note only where a queued row is shown: inst-cmp2-1 has one,
        # inst-cmp1-0 none.
        content = self._get(reverse("horizon:admin:migrations:instance",
                                    args=["inst-cmp2-1"]))
        self._noted_below("2.65", NOTE_ABORT_QUEUED, content)
        content = self._get(reverse("horizon:admin:migrations:instance",
                                    args=["inst-cmp1-0"]))
        self.assertIn("instance_migrations__row_0__action_abort", content)
        self.assertNotIn(escape(NOTE_ABORT_QUEUED), content)

    def test_evacuation_final_state_choice(self):
        # Below 2.95 Nova keeps the instance's state: nothing to choose.
        for url in (reverse("horizon:admin:hosts:evacuate_instance",
                            args=["cmp3", "inst-cmp3-1"]),
                    reverse("horizon:admin:hosts:evacuate_host",
                            args=["cmp3"])):
            with self.subTest(url=url):
                content = self._get(url, ActionCloud(self.cap))
                self.assertIn('name="password_mode"', content)
                self._shown_from("2.95", 'name="final_state"', content)
                self._noted_below("2.95", NOTE_FINAL_STATE, content)


def _per_cap(mixin, prefix):
    """One test class per cap (PagesAtNova2_60, ...): each cap is reported
    on its own."""
    for cap in CAPS:
        name = "%sAtNova%s" % (prefix, cap.replace(".", "_"))
        globals()[name] = type(name, (mixin, test.BaseAdminViewTests),
                               {"cap": cap})


_per_cap(_PagesAtCap, "Pages")
_per_cap(_ActionsAtCap, "Actions")
_per_cap(_FeaturesAtCap, "Features")
