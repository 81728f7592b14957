"""The hosts list shows what the scheduler counts (Placement), not Nova's
hypervisor record: capacity = (total - reserved) x allocation ratio, used =
what instances are allocated.

The real views, api wrappers and keystoneauth run against the fake cloud at
the HTTP layer (tests/unit/fake_cloud.py), whose Placement answers
``GET /allocation_candidates`` as Placement does: only providers with room
for what is asked, every class of each from microversion 1.27.  Expected
figures are computed here from the inventories the test sets.
"""
import re
from urllib import parse

from django.test.utils import override_settings
from django.urls import reverse
from django.utils.html import escape

from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

INDEX_URL = reverse("horizon:admin:hosts:index")
REASON = "placement-7c1: service unavailable"

# cmp1: a busy host; cmp2: an empty one (512 MiB reserved for the host,
# nothing allocated); cmp3: full (no vCPU and no MiB of RAM left);
# cmp4: not a resource provider at all.
INVENTORIES = {
    "cmp1": {"VCPU": {"total": 8, "reserved": 0, "allocation_ratio": 4.0},
             "MEMORY_MB": {"total": 16384, "reserved": 512,
                           "allocation_ratio": 1.5},
             "DISK_GB": {"total": 200, "reserved": 20,
                         "allocation_ratio": 1.0}},
    "cmp2": {"VCPU": {"total": 16, "reserved": 2, "allocation_ratio": 2.0},
             "MEMORY_MB": {"total": 32768, "reserved": 512,
                           "allocation_ratio": 1.0},
             "DISK_GB": {"total": 500, "reserved": 0,
                         "allocation_ratio": 1.0}},
    "cmp3": {"VCPU": {"total": 4, "reserved": 0, "allocation_ratio": 1.0},
             "MEMORY_MB": {"total": 8192, "reserved": 512,
                           "allocation_ratio": 1.0},
             "DISK_GB": {"total": 100, "reserved": 0,
                         "allocation_ratio": 1.0}},
}
USAGES = {
    "cmp1": {"VCPU": 6, "MEMORY_MB": 4096, "DISK_GB": 40},
    "cmp2": {},
    "cmp3": {"VCPU": 4, "MEMORY_MB": 7680, "DISK_GB": 30},
}


def capacity(host, rc):
    inv = INVENTORIES[host][rc]
    return int((inv["total"] - inv["reserved"]) * inv["allocation_ratio"])


def cells(content, host):
    """{column header position: cell html} of ``host``'s row, by the
    order of the capacity columns."""
    start = content.index('id="hosts__row__%s"' % host)
    row = content[start:content.index("</tr>", start)]
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)


def capacity_cells(content, host):
    """The vCPU, RAM and disk cells of ``host``: under the header that
    begins with "vCPUs (" and the two after it."""
    head = content[content.index("<thead"):content.index("</thead>")]
    headers = re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    at = next(i for i, h in enumerate(headers)
              if h.strip().startswith("vCPUs ("))
    return [c.strip() for c in cells(content, host)[at:at + 3]]


def shown(cell):
    """The text of a cell, without its tooltip."""
    return re.sub(r"<[^>]+>", "", cell).strip()


class SchedulerCountTests(PlacementCatalogMixin, test.BaseAdminViewTests):

    def _index(self, fail=None, url=INDEX_URL, hosts=4, post=None):
        with FakeCloud(hosts=hosts) as cloud:
            cloud.catalog = self.service_catalog
            cloud.inventories.update(INVENTORIES)
            cloud.usages.update(USAGES)
            cloud.not_providers = {"cmp4"}
            if fail:
                cloud.fail(fail, 503, REASON)
            if post:
                self.client.post(url, post)
            res = self.client.get(url)
        self.assertEqual(200, res.status_code)
        self.cloud = cloud
        return res, res.content.decode()

    def test_figures_are_placements_capacity_and_allocations(self):
        _res, content = self._index()
        vcpu, ram, disk = capacity_cells(content, "cmp1")
        self.assertEqual("6 / %d" % capacity("cmp1", "VCPU"), shown(vcpu))
        self.assertEqual("6 / 32", shown(vcpu))
        self.assertEqual("4096 / %d MiB" % capacity("cmp1", "MEMORY_MB"),
                         shown(ram))
        self.assertEqual("40 / %d GiB" % capacity("cmp1", "DISK_GB"),
                         shown(disk))
        # Nova's hypervisor record (the fake's: 8 of 64 physical vCPUs) in
        # the tooltip, said to be that.
        self.assertIn(escape("Nova's hypervisor record (physical): 8 / 64"),
                      vcpu)
        self.assertContains(_res, "vCPUs (used / capacity)")
        self.assertContains(_res, "RAM (used / capacity)")
        self.assertContains(_res, "What the scheduler counts (Placement)")
        self.assertNotContains(_res, "vCPUs (used / physical)")

    def test_an_empty_host_shows_nothing_used_not_the_reserved_ram(self):
        _res, content = self._index()
        vcpu, ram, disk = capacity_cells(content, "cmp2")
        self.assertEqual("0 / %d" % capacity("cmp2", "VCPU"), shown(vcpu))
        self.assertEqual("0 / %d MiB" % capacity("cmp2", "MEMORY_MB"),
                         shown(ram))
        self.assertEqual("0 / 32256 MiB", shown(ram))

    def test_a_full_host_absent_from_the_candidates_has_no_room(self):
        _res, content = self._index()
        for cell in capacity_cells(content, "cmp3"):
            self.assertEqual("no room", shown(cell))
            self.assertIn("Placement offers no room", cell)

    def test_a_host_that_is_not_a_provider_is_a_dash_said_once(self):
        res, content = self._index()
        self.assertEqual(["\u2014"] * 3,
                         [shown(c) for c in capacity_cells(content, "cmp4")])
        self.assertEqual(1, content.count('id="hosts_not_providers"'))
        self.assertEqual(1, content.count("is not a resource provider"))
        self.assertEqual(1, res.context["not_providers"])

    def test_every_provider_a_provider_no_note(self):
        with FakeCloud(hosts=2) as cloud:
            cloud.catalog = self.service_catalog
            res = self.client.get(INDEX_URL)
        self.assertNotContains(res, "hosts_not_providers")

    def _placement_sent(self):
        return [(r.method, parse.urlsplit(r.url).path,
                 parse.parse_qs(parse.urlsplit(r.url).query),
                 r.headers.get("OpenStack-API-Version"))
                for r in self.cloud._mock.request_history
                if "placement" in r.url]

    def test_a_host_without_room_for_a_vcpu_costs_one_more_read(self):
        # cmp3 is in no answer to "room for one vCPU": Placement is asked
        # again, for one MiB of RAM, before cmp3 is said to have no room.
        self._index()
        self.assertEqual([
            ("GET", "/placement/resource_providers", {}, "placement 1.14"),
            ("GET", "/placement/allocation_candidates",
             {"resources": ["VCPU:1"]}, "placement 1.27"),
            ("GET", "/placement/allocation_candidates",
             {"resources": ["MEMORY_MB:1"]}, "placement 1.27"),
        ], self._placement_sent())

    def test_every_host_with_room_for_a_vcpu_two_reads(self):
        USAGES["cmp3"]["VCPU"] = 3
        self.addCleanup(USAGES["cmp3"].__setitem__, "VCPU", 4)
        _res, content = self._index()
        self.assertEqual([
            ("GET", "/placement/resource_providers", {}, "placement 1.14"),
            ("GET", "/placement/allocation_candidates",
             {"resources": ["VCPU:1"]}, "placement 1.27"),
        ], self._placement_sent())
        self.assertEqual("3 / %d" % capacity("cmp3", "VCPU"),
                         shown(capacity_cells(content, "cmp3")[0]))

    def test_a_host_full_of_vcpus_with_ram_left_shows_its_figures(self):
        # Every vCPU of cmp3 taken, 1 GiB of its RAM free: the scheduler
        # can still place a RAM-only request there, and the page says how
        # full it is instead of "no room".
        USAGES["cmp3"]["MEMORY_MB"] = 6656
        self.addCleanup(USAGES["cmp3"].__setitem__, "MEMORY_MB", 7680)
        _res, content = self._index()
        self.assertEqual(
            ["4 / 4", "6656 / %d MiB" % capacity("cmp3", "MEMORY_MB"),
             "30 / %d GiB" % capacity("cmp3", "DISK_GB")],
            [shown(c) for c in capacity_cells(content, "cmp3")])
        self.assertEqual(3, len(self._placement_sent()))

    def _assert_hypervisor_figures(self, res, content):
        self.assertEqual(1, len([m for m in res.context["messages"]
                                 if "error" in m.tags]))
        self.assertContains(res, escape(REASON))
        self.assertContains(res, "Unable to read what the scheduler counts")
        # The fake hypervisor record: 8 / 64 vCPUs, 16384 / 262144 MiB.
        self.assertEqual(["8 / 64", "16384 / 262144 MiB", "100 / 2000 GiB"],
                         [shown(c) for c in capacity_cells(content, "cmp1")])
        # The headers say these are Nova's figures.
        self.assertContains(res, "vCPUs (used / physical)")
        self.assertContains(res, "RAM (used + reserved / physical)")
        self.assertNotContains(res, "vCPUs (used / capacity)")
        self.assertNotContains(res, "hosts_not_providers")

    def test_placement_failing_leaves_nova_figures_and_its_reason(self):
        res, content = self._index(fail=r"/allocation_candidates$")
        self._assert_hypervisor_figures(res, content)

    def test_provider_list_failing_too(self):
        res, content = self._index(fail=r"/resource_providers$")
        self._assert_hypervisor_figures(res, content)

    def test_no_hypervisors_read_nothing_to_look_up(self):
        # Without the compute nodes no host can be matched to a provider:
        # no Placement call, and no host is said not to be a provider.
        res, content = self._index(fail=r"/os-hypervisors/detail$")
        self.assertEqual([], [r for r in self.cloud._mock.request_history
                              if "placement" in r.url])
        self.assertContains(res, "Unable to read host capacity")
        self.assertNotContains(res, "hosts_not_providers")
        self.assertEqual(["-", "-", "-"],
                         [shown(c) for c in capacity_cells(content, "cmp1")])

    @override_settings(API_RESULT_PAGE_SIZE=2)
    def test_filter_and_paging_keep_the_counts(self):
        param = "hosts__filter__q"
        _res, content = self._index(post={param: "cmp2",
                                          param + "_field": "host"})
        self.assertEqual(["cmp2"], re.findall(r'id="hosts__row__(\w+)"',
                                              content))
        # (16 - 2) x 2.0 vCPUs, none allocated.
        self.assertEqual("0 / 28", shown(capacity_cells(content, "cmp2")[0]))
        self.client.post(INDEX_URL, {param: "", param + "_field": "host"})
        res, content = self._index(url=INDEX_URL + "?marker=cmp2")
        self.assertEqual(["cmp3", "cmp4"],
                         re.findall(r'id="hosts__row__(\w+)"', content))
        self.assertEqual("no room", shown(capacity_cells(content, "cmp3")[0]))
        self.assertEqual(1, res.context["not_providers"])
