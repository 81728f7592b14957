"""Nothing half done silently (README): every batch action reports each
host or instance on its own.

For each action that acts on several hosts or instances in one submit,
the fake cloud at the HTTP layer (tests/unit/fake_cloud.py) refuses the
middle one of three with a reason of its own (409), and accepts the
others.  Then Nova must have been asked for all three (a refusal does
not stop the rest), the refused one must be named with Nova's reason,
and each accepted one must be named as done: a batch that stopped at the
first refusal, reported only "some failed", or claimed success for the
refused one fails here.
"""
import re
from unittest import mock

from django.contrib import messages as django_messages
from django.contrib.messages import constants
from django.urls import reverse
from django.utils.html import escape

from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

REASON = "batch-4c1: Nova refused this one"


class BatchCloud(FakeCloud):
    """Three hosts of three instances each (inst-cmpN-1..3, the pinned
    inst-cmpN-0 left out of the batches); ``services`` and ``servers``
    override what Nova lists for them."""

    def __init__(self, services=None, servers=None):
        super().__init__(hosts=3, instances_per_host=4)
        self.service_overrides = services or {}
        for server_id, fields in (servers or {}).items():
            self._servers[server_id].update(fields)

    def _nova(self, request, context, path, query):
        body = super()._nova(request, context, path, query)
        if request.method == "GET" and \
                re.sub(r"^/v2(\.1)?", "", path) == "/os-services":
            for svc in body["services"]:
                svc.update(self.service_overrides.get(svc["host"], {}))
        return body


def _hosts(name, *args):
    return reverse("horizon:admin:hosts:" + name, args=args)


HOSTS = ("cmp1", "cmp2", "cmp3")
INSTANCES = ("inst-cmp1-1", "inst-cmp1-2", "inst-cmp1-3")
NAMES = {i: "vm-" + i[len("inst-"):] for i in INSTANCES}
DISABLED = {h: {"status": "disabled", "disabled_reason": "fans"}
            for h in HOSTS}
FORCED_DOWN = {h: {"forced_down": True, "state": "down"} for h in HOSTS}
RESIZED = {i: {"status": "VERIFY_RESIZE", "OS-EXT-STS:vm_state": "resized"}
           for i in INSTANCES}
STOPPED = {i: {"status": "SHUTOFF", "OS-EXT-STS:vm_state": "stopped",
               "OS-EXT-STS:power_state": 4} for i in INSTANCES}
INSTANCES_TAB = _hosts("detail", "cmp1") + "?tab=host_details__instances"


def _service_write(host):
    return r"/os-services/svc-%s$" % host


def _server_write(instance_id):
    return r"/servers/%s/action$" % instance_id


# (batch, url, form, cloud set-up, [(object, what it is called on the
#  page, the path of its write)])
BATCHES = (
    ("enable hosts", _hosts("index"),
     {"action": "hosts__enable", "object_ids": list(HOSTS)},
     {"services": DISABLED}, [(h, h, _service_write(h)) for h in HOSTS]),
    ("force up hosts", _hosts("index"),
     {"action": "hosts__force_up", "object_ids": list(HOSTS)},
     {"services": FORCED_DOWN}, [(h, h, _service_write(h)) for h in HOSTS]),
    ("disable hosts", _hosts("disable_many"),
     {"hosts": list(HOSTS), "reason": "rack move"}, {},
     [(h, h, _service_write(h)) for h in HOSTS]),
    ("live migrate instances", _hosts("instances_live_migrate", "cmp1"),
     {"host": "cmp1", "instances": ",".join(INSTANCES), "destination": "",
      "block_migration": "auto", "acknowledge": "on"}, {},
     [(i, NAMES[i], _server_write(i)) for i in INSTANCES]),
    ("cold migrate instances", _hosts("instances_cold_migrate", "cmp1"),
     {"host": "cmp1", "instances": ",".join(INSTANCES), "destination": "",
      "acknowledge": "on"}, {},
     [(i, NAMES[i], _server_write(i)) for i in INSTANCES]),
    ("confirm migrations", INSTANCES_TAB,
     {"action": "instances__confirm", "object_ids": list(INSTANCES)},
     {"servers": RESIZED},
     [(i, NAMES[i], _server_write(i)) for i in INSTANCES]),
    ("revert migrations", INSTANCES_TAB,
     {"action": "instances__revert", "object_ids": list(INSTANCES)},
     {"servers": RESIZED},
     [(i, NAMES[i], _server_write(i)) for i in INSTANCES]),
    ("start instances", INSTANCES_TAB,
     {"action": "instances__start", "object_ids": list(INSTANCES)},
     {"servers": STOPPED},
     [(i, NAMES[i], _server_write(i)) for i in INSTANCES]),
)


class BatchReportTests(PlacementCatalogMixin, test.BaseAdminViewTests):

    def _post(self, url, form, setup, refused_path):
        """POST with one refusal; returns (response, cloud, the messages
        this submit added: [(level, text)])."""
        added = []
        real = django_messages.add_message

        def spy(request, level, message, *args, **kwargs):
            added.append((level, str(message)))
            return real(request, level, message, *args, **kwargs)

        with BatchCloud(**setup) as cloud, \
                mock.patch.object(django_messages, "add_message", spy):
            cloud.catalog = self.service_catalog
            cloud.fail(refused_path, 409, REASON)
            res = self.client.post(url, form)
        return res, cloud, added

    def test_each_object_of_every_batch_is_reported_on_its_own(self):
        for batch, url, form, setup, objects in BATCHES:
            with self.subTest(batch=batch):
                refused = objects[1]
                res, cloud, shown = self._post(url, form, setup,
                                               refused[2])
                self.assertLess(res.status_code, 400, batch)
                # Nova was asked for every one: the refusal stopped nothing.
                for _obj, _name, path in objects:
                    self.assertTrue(
                        [c for c in cloud.calls if c[0] == "nova" and
                         c[1] in ("PUT", "POST") and re.search(path, c[2])],
                        "%s: nothing sent for %s" % (batch, path))
                errors = [text for level, text in shown
                          if level == constants.ERROR]
                successes = [text for level, text in shown
                             if level == constants.SUCCESS]
                # The refused one, by name, with Nova's own words; and
                # nothing else refused.
                self.assertEqual(1, len(errors), (batch, shown))
                self.assertIn(refused[1], errors[0], batch)
                self.assertIn(REASON, errors[0], batch)
                # Each accepted one named as done; the refused one not.
                for _obj, name, _path in (objects[0], objects[2]):
                    self.assertTrue([t for t in successes if name in t],
                                    "%s: %s not reported done: %s"
                                    % (batch, name, shown))
                self.assertFalse([t for t in successes if refused[1] in t],
                                 "%s: the refused %s reported done"
                                 % (batch, refused[1]))

    def test_host_evacuation_reports_each_instance_on_its_own(self):
        cloud_setup = {"services": {"cmp3": {"forced_down": True,
                                             "state": "down"}}}
        ids = ["inst-cmp3-%d" % n for n in range(4)]
        refused = "inst-cmp3-2"
        res, cloud, _shown = self._post(
            _hosts("evacuate_host", "cmp3"),
            {"host": "cmp3", "destination": "", "final_state": "stopped",
             "password_mode": "none", "confirm": "on",
             "disable_source": ""},
            cloud_setup, _server_write(refused))
        self.assertEqual(200, res.status_code)
        for instance_id in ids:
            self.assertTrue(
                [c for c in cloud.calls if c[1] == "POST" and
                 re.search(_server_write(instance_id), c[2])],
                "nothing sent for %s" % instance_id)
        content = res.content.decode()
        # One result row per instance: the refused one with Nova's words,
        # the others accepted.
        rows = dict(re.findall(
            r'id="evacuation__row__([^"]+)">(.*?)</tr>', content,
            re.S))
        self.assertEqual(set(ids), set(rows), content[-2000:])
        self.assertIn(escape(REASON), rows[refused])
        for instance_id in ids:
            if instance_id != refused:
                self.assertNotIn(escape(REASON), rows[instance_id])
                self.assertRegex(rows[instance_id], r">\s*Accepted\s*<")
        self.assertIn("Refused by Nova", rows[refused])
