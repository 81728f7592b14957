"""A drain move lost right after nova-conductor wrote its record (killed
before it updated it) is said to be stuck in that record, at the HTTP
layer (tests/unit/fake_cloud.py answers os-migrations as Nova does: its
changes-since compares updated_at, and a record never updated has NULL
there, so a changes-since read would not list it).  The status page must
read the records created since the drain began and say "its record is
still 'accepted'", not "no migration has started"."""
import datetime
from unittest import mock

from django.core.cache import cache
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from migration_dashboard.services import stall
from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

SINCE = "2026-11-26T11:00:00Z"
# The move was accepted at 11:00:30 and never heard of again; the page is
# looked at an hour later (well past the stall delay, 300 s).
ACCEPTED_AT = "2026-11-26T11:00:30.000000"
LOOKED_AT = datetime.datetime(2026, 11, 26, 12, 0, 0,
                              tzinfo=datetime.timezone.utc)
LOST = "inst-cmp1-1"


class LostRecordTests(PlacementCatalogMixin, test.BaseAdminViewTests):

    def _status(self, cloud):
        url = reverse("horizon:admin:hosts:drain_status",
                      args=["cmp1"]) + "?since=" + SINCE
        with mock.patch.object(stall, "utcnow", return_value=LOOKED_AT):
            return self.client.get(url)

    def test_a_record_never_updated_is_named_in_the_stall(self):
        cache.clear()
        # 450 older moves in the cloud's history (before the drain).
        with FakeCloud(hosts=3, instances_per_host=3,
                       migrations=450) as cloud:
            cloud.catalog = self.service_catalog
            # As Nova's API leaves it: the task set (the instance stamped)
            # just before nova-conductor wrote the record, nothing since.
            cloud._servers[LOST].update({
                "OS-EXT-STS:task_state": "migrating",
                "updated": "2026-11-26T11:00:29Z"})
            cloud.add_migration(500, LOST, "cmp1", None, "accepted",
                                ACCEPTED_AT)
            cloud.migrations[-1]["updated_at"] = None
            res = self._status(cloud)
        self.assertEqual(200, res.status_code)
        row = {r.id: r for r in res.context["table"].data}[LOST]
        self.assertEqual("failed", row.state)
        self.assertIn("its record is still 'accepted'", row.reason)
        self.assertNotIn("no migration has started", row.reason)
        self.assertContains(res, "its record is still &#x27;accepted&#x27;")
        # The record is the row's: its id is on the row.
        self.assertEqual(500, row.migration_id)
        # The history before the drain is not read: one page of the host's
        # newest records reached one older than the drain.
        reads = [q[3] for q in cloud.queries
                 if q[2].endswith("/os-migrations")]
        self.assertEqual([{"host": ["cmp1"], "limit": ["200"]}], reads)

    def test_without_any_record_no_migration_has_started(self):
        # The other side of the wording: the API set the task, conductor
        # never wrote a record.
        cache.clear()
        with FakeCloud(hosts=3, instances_per_host=3) as cloud:
            cloud.catalog = self.service_catalog
            cloud._servers[LOST].update({
                "OS-EXT-STS:task_state": "migrating",
                "updated": "2026-11-26T11:00:29Z"})
            res = self._status(cloud)
        row = {r.id: r for r in res.context["table"].data}[LOST]
        self.assertEqual("failed", row.state)
        self.assertIn("no migration has started", row.reason)
