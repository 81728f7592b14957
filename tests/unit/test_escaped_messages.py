"""Names from Nova are escaped in the messages a submission leaves, as the
page after the redirect renders them.

Success messages carry a link, so they are built as safe HTML; a message
that formatted the instance name into that HTML unescaped would put a
working ``<img onerror>`` on the operator's page.  The whole path is real
(forms, api layer, Horizon's message rendering) against the fake cloud.
"""
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
# The fake's second instance of cmp1 (the first is CPU-pinned).
INSTANCE = "inst-cmp1-1"


class EscapedSuccessMessageTests(PlacementCatalogMixin,
                                  test.BaseAdminViewTests):

    def _submit(self, name):
        with FakeCloud() as cloud:
            cloud.catalog = self.service_catalog
            for inst in cloud.instances:
                if inst["id"] == INSTANCE:
                    inst["name"] = HOSTILE
            res = self.client.post(reverse(
                "horizon:admin:hosts:" + name, args=["cmp1", INSTANCE]), {
                    "host": "cmp1", "instances": INSTANCE,
                    "destination": "", "block_migration": "auto"},
                follow=True)
            actions = [w for w in cloud.writes
                       if w[1] == "/servers/%s/action" % INSTANCE]
        self.assertEqual(1, len(actions), cloud.writes)
        self.assertEqual(202, actions[0][3])
        return res.content.decode()

    def _assert_escaped(self, prefix, content):
        # Short failure messages: the page is long.
        self.assertTrue(HOSTILE not in content, "the raw name is on the page")
        self.assertTrue("%s %s" % (prefix, ESCAPED) in content,
                        "no escaped message %r" % prefix)

    def test_live_migration_success_message(self):
        content = self._submit("instance_live_migrate")
        self._assert_escaped("Live migration of", content)

    def test_cold_migration_success_message(self):
        content = self._submit("instance_cold_migrate")
        self._assert_escaped("Cold migration of", content)
