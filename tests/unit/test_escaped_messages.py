"""Names from Nova are escaped in the messages a submission leaves, as the
page after the redirect renders them.

Success messages carry a link, so they are built as safe HTML; a message
that formatted the instance name into that HTML unescaped would put a
working ``<img onerror>`` on the operator's page.  The whole path is real
(forms, api layer, Horizon's message rendering) against the fake cloud.
"""
import re

from django.urls import reverse
from django.utils import html

from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
# The fake's second instance of cmp1 (the first is CPU-pinned).
INSTANCE = "inst-cmp1-1"


class _Submitting(PlacementCatalogMixin, test.BaseAdminViewTests):

    def _submit(self, name, destination=""):
        with FakeCloud() as cloud:
            cloud.catalog = self.service_catalog
            for inst in cloud.instances:
                if inst["id"] == INSTANCE:
                    inst["name"] = HOSTILE
            res = self.client.post(reverse(
                "horizon:admin:hosts:" + name, args=["cmp1", INSTANCE]), {
                    "host": "cmp1", "instances": INSTANCE,
                    "destination": destination,
                    "block_migration": "auto"},
                follow=True)
            actions = [w for w in cloud.writes
                       if w[1] == "/servers/%s/action" % INSTANCE]
        self.assertEqual(1, len(actions), cloud.writes)
        self.assertEqual(202, actions[0][3])
        return res.content.decode()


class EscapedSuccessMessageTests(_Submitting):

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


class MessageLinkTests(_Submitting):
    """A success message's links stand apart from its text and from each
    other, in the span by which the page keeps such a message until it is
    closed (static/migration_dashboard/js/messages.js)."""

    def _alert_text(self, content):
        alert = re.search(r'<div class="alert alert-success[^"]*">(.*?)'
                          r'</div>', content, re.S)
        self.assertIsNotNone(alert, "no success message")
        # What a person reads (a line break is a space).
        return alert.group(1), " ".join(html.strip_tags(
            alert.group(1).replace("<br>", " ")).split())

    def test_two_links_of_a_cold_migration_are_apart(self):
        content = self._submit("instance_cold_migrate", destination="cmp2")
        alert, text = self._alert_text(content)
        self.assertIn("Confirm (or Revert) it on that host's Instances "
                      "tab. Instances of cmp2 \u00b7 Follow its status", text)
        links = re.search(r'<br><span class="md-message-links">(.*?)</span>',
                          alert, re.S)
        self.assertIsNotNone(links, alert)
        self.assertEqual(["Instances of cmp2", "Follow its status"],
                         re.findall(r'<a href="[^"]+">([^<]*)</a>',
                                    links.group(1)))

    def test_the_link_of_a_live_migration_is_kept(self):
        alert, text = self._alert_text(
            self._submit("instance_live_migrate"))
        self.assertIn('<span class="md-message-links"><a href=', alert)
        self.assertTrue(text.endswith(" Follow its status"), text)
