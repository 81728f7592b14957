"""Very long hostile strings on every page of the plugin.

Nova and Keystone hold what operators and users typed: instance names and
disabled reasons up to 255 characters, project names up to 64, fault
messages and event tracebacks of any length, host names from each
compute's configuration.  Here they carry markup, quotes, entities and
non-ASCII at full length, at the HTTP layer (tests/unit/fake_cloud.py:
novaclient, the plugin's api module, Horizon's tables and the templates
all run), and every page must render (never a 500), show each string as
text (escaped), and show it whole: no page truncates these silently.  The
one deliberate cut, an action event's traceback (4,000 characters on the
migration detail page), is asserted as such.
"""
import re
from urllib import parse

from django.urls import reverse
from django.utils.html import escape

from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY


def _fill(head, length, filler="ж"):
    """``head`` padded to exactly ``length`` characters, with a marker at
    the very end so that a cut anywhere shows."""
    tail = "«END»"
    return head + filler * (length - len(head) - len(tail)) + tail


_MARKUP = ('<script>alert("%s")</script> \'q\' "dq" '
           '&amp; &lt;b&gt; ünï 维护 ')
# Nova's limits: services.disabled_reason and instances.display_name are
# 255 characters, Keystone's project name 64; a fault or a traceback has
# no practical limit.
LONG_REASON = _fill(_MARKUP % "reason", 255)
LONG_NAME = _fill(_MARKUP % "name", 255)
LONG_NAME_3 = _fill(_MARKUP % "name3", 255)  # on the long-named host
LONG_PROJECT = _fill('<script>alert("p")</script>&amp;ü', 64)
LONG_FAULT = _fill(_MARKUP % "fault", 5000)
LONG_TRACEBACK = _fill("Traceback " + _MARKUP % "tb", 6000)
# A host name from a compute's configuration (no slash: Nova's hosts are
# in the URL).
LONG_HOST = _fill('cmp-<i onclick="x">&amp;-ü', 120)
SINCE = "2026-11-26T10:00:00Z"
DRAIN_REASON = _fill("Drain since %s: " % SINCE + _MARKUP % "drain", 255)
RAW = ("<script>alert(", "<i onclick")

NAMED = "inst-cmp1-0"  # the instance with the long name and project
NAMED_3 = "inst-cmp3-0"  # on the long-named host
FAULTY = "inst-cmp1-1"  # the instance with the long fault


class HostileCloud(FakeCloud):
    """FakeCloud whose third host, names, reasons, projects and faults
    are the long strings above."""

    def __init__(self):
        super().__init__(hosts=3, instances_per_host=3, migrations=9,
                         in_progress_every=3, projects=2)
        rename = {"cmp3": LONG_HOST}
        self.hosts = [rename.get(h, h) for h in self.hosts]
        for inst in self.instances:
            for key in ("OS-EXT-SRV-ATTR:host",
                        "OS-EXT-SRV-ATTR:hypervisor_hostname"):
                inst[key] = rename.get(inst[key], inst[key])
        for mig in self.migrations:
            for key in ("source_compute", "dest_compute"):
                mig[key] = rename.get(mig[key], mig[key])
        named = self._servers[NAMED]
        named["name"] = LONG_NAME
        named["tenant_id"] = "proj-0"
        self._servers[NAMED_3]["name"] = LONG_NAME_3
        faulty = self._servers[FAULTY]
        faulty["status"] = "ERROR"
        faulty["fault"] = {"code": 500, "message": LONG_FAULT,
                           "created": "2026-11-26T10:05:00Z"}
        # A failed move of the faulty instance, leaving cmp1 in the drain.
        self.migrations.append({
            "id": 99, "uuid": "mig-99", "instance_uuid": FAULTY,
            "source_compute": "cmp1", "dest_compute": "cmp2",
            "status": "failed", "migration_type": "live-migration",
            "project_id": "proj-0",
            "created_at": "2026-11-26T10:06:00.000000",
            "updated_at": "2026-11-26T10:07:00.000000"})
        self.reasons = {"cmp1": DRAIN_REASON, LONG_HOST: LONG_REASON}
        self.updates = []  # bodies of the service updates sent to Nova

    def _nova(self, request, context, path, query):
        body = super()._nova(request, context, path, query)
        path = re.sub(r"^/v2(\.1)?", "", path)
        if request.method == "PUT" and path.startswith("/os-services/"):
            self.updates.append(request.json())
        if path == "/os-services":
            for svc in body["services"]:
                if svc["host"] in self.reasons:
                    svc["status"] = "disabled"
                    svc["disabled_reason"] = self.reasons[svc["host"]]
        match = re.match(r"^/servers/([^/]+)/os-instance-actions(/[^/]+)?$",
                         path)
        if match and match.group(1) in self._servers:
            action = {"action": "live-migration", "request_id": "req-1",
                      "instance_uuid": match.group(1),
                      "start_time": "2026-11-26T10:06:00.000000",
                      "message": "Error", "events": [{
                          "event": "compute_live_migration",
                          "start_time": "2026-11-26T10:06:00.000000",
                          "finish_time": "2026-11-26T10:07:00.000000",
                          "result": "Error", "host": "cmp1",
                          "traceback": LONG_TRACEBACK,
                          "details": LONG_FAULT}]}
            body = ({"instanceAction": action} if match.group(2)
                    else {"instanceActions": [dict(action, events=None)]})
        return body

    def _keystone(self, request, context, path, query):
        body = super()._keystone(request, context, path, query)
        if path.endswith("/projects"):
            body["projects"][0]["name"] = LONG_PROJECT
        return body


def _url(name, **kwargs):
    return reverse("horizon:admin:" + name, kwargs=kwargs)


# page: (url, the long strings it shows, each whole)
def pages():
    detail = _url("hosts:detail", host="cmp1")
    both = "?instance=%s&instance=%s" % (NAMED, FAULTY)
    return {
        "hosts list": (_url("hosts:index"),
                       [LONG_HOST, LONG_REASON, DRAIN_REASON]),
        "host detail overview": (
            _url("hosts:detail", host=LONG_HOST) +
            "?tab=host_details__overview", [LONG_HOST, LONG_REASON]),
        "host detail instances": (
            detail + "?tab=host_details__instances",
            [LONG_NAME, LONG_PROJECT]),
        "host detail migrations": (
            detail + "?tab=host_details__migrations", [LONG_HOST]),
        # The destination picker names the long host and its reason.
        "live migrate, one instance": (
            _url("hosts:instance_live_migrate", host="cmp1",
                 instance_id=NAMED), [LONG_NAME, LONG_HOST, LONG_REASON]),
        "cold migrate, one instance": (
            _url("hosts:instance_cold_migrate", host="cmp1",
                 instance_id=NAMED), [LONG_NAME, LONG_HOST, LONG_REASON]),
        "live migrate, selected instances": (
            _url("hosts:instances_live_migrate", host="cmp1") + both,
            [LONG_NAME, LONG_HOST, LONG_REASON]),
        "cold migrate, selected instances": (
            _url("hosts:instances_cold_migrate", host="cmp1") + both,
            [LONG_NAME, LONG_HOST, LONG_REASON]),
        "findings fragment": (
            _url("hosts:instances_findings", host="cmp1") + both +
            "&kind=live&destination=" + parse.quote(LONG_HOST),
            [LONG_NAME, LONG_REASON]),
        # The list shows instance ids, not names (one Nova call a page).
        "migrations list": (_url("migrations:index"),
                            [LONG_HOST, LONG_PROJECT]),
        "migrations of an instance": (
            _url("migrations:instance", instance_id=FAULTY),
            [LONG_HOST, LONG_PROJECT, LONG_FAULT]),
        "migration detail": (
            _url("migrations:detail", instance_id=FAULTY,
                 migration_id="99"), [LONG_FAULT]),
        "evacuate host": (
            _url("hosts:evacuate_host", host=LONG_HOST),
            [LONG_HOST, LONG_NAME_3, DRAIN_REASON]),
        "evacuate instance": (
            _url("hosts:evacuate_instance", host=LONG_HOST,
                 instance_id=NAMED_3),
            [LONG_HOST, LONG_NAME_3, DRAIN_REASON]),
        "evacuation status": (
            _url("hosts:evacuation_status", host=LONG_HOST),
            [LONG_HOST, LONG_NAME_3]),
        "drain start": (_url("hosts:drain_start", host="cmp1"),
                        [DRAIN_REASON]),
        "drain plan": (_url("hosts:drain_plan", host="cmp1"),
                       [LONG_NAME, LONG_HOST, DRAIN_REASON]),
        # The failed move gives the instance's whole fault as its reason.
        "drain status": (_url("hosts:drain_status", host="cmp1"),
                         [LONG_NAME, LONG_HOST, LONG_FAULT, DRAIN_REASON]),
        "move back": (_url("hosts:drain_move_back", host="cmp1") +
                      "?since=" + SINCE, [DRAIN_REASON]),
    }


class LongStringTests(test.BaseAdminViewTests):

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def _get(self, url):
        with HostileCloud() as cloud:
            cloud.catalog = self.service_catalog
            res = self.client.get(url)
        return res

    def test_every_page_shows_long_hostile_strings_whole_and_escaped(self):
        for page, (url, shown) in pages().items():
            with self.subTest(page=page):
                res = self._get(url)
                self.assertEqual(200, res.status_code, page)
                content = res.content.decode()
                for raw in RAW:
                    self.assertNotIn(raw, content, page)
                for text in shown:
                    self.assertIn(escape(text), content,
                                  "%s: %s... not shown whole" % (
                                      page, text[:40]))

    def test_the_long_traceback_is_cut_deliberately(self):
        res = self._get(_url("migrations:detail", instance_id=FAULTY,
                             migration_id="99"))
        self.assertEqual(200, res.status_code)
        content = res.content.decode()
        self.assertNotIn(escape(LONG_TRACEBACK), content)
        # truncatechars:4000 keeps 3,999 characters and an ellipsis.
        self.assertIn(escape(LONG_TRACEBACK[:3999]) + "…", content)

    def _post(self, url, form):
        with HostileCloud() as cloud:
            cloud.catalog = self.service_catalog
            res = self.client.post(url, form)
        return cloud, res

    def test_a_255_character_reason_reaches_nova_intact(self):
        url = _url("hosts:disable", host="cmp2")
        cloud, res = self._post(url, {"host": "cmp2", "reason": LONG_REASON})
        self.assertNoFormErrors(res)
        self.assertEqual(302, res.status_code)
        self.assertEqual([LONG_REASON], [u.get("disabled_reason")
                                         for u in cloud.updates])

    def test_a_longer_reason_is_refused_by_the_form_not_cut(self):
        url = _url("hosts:disable", host="cmp2")
        cloud, res = self._post(url, {"host": "cmp2",
                                      "reason": LONG_REASON + "x"})
        self.assertEqual(200, res.status_code)
        self.assertFormErrors(res, 1)
        self.assertEqual([], cloud.updates)
        self.assertIn(escape(LONG_REASON + "x"), res.content.decode())
