"""The plugin's Nova wrappers against the HTTP-level fake cloud: what they
send and how they page."""
from unittest import mock

from openstack_auth import utils as auth_utils
from openstack_dashboard.test import helpers as test

from migration_dashboard.api import nova
from tests.unit.fake_cloud import FakeCloud


class ServerGroupPagingTests(test.BaseAdminViewTests):

    def _groups(self, count, page):
        # The admin user Horizon's helpers log in, on a plain request.
        self.request.user = auth_utils.get_user(self.request)
        with mock.patch.object(nova, "SERVER_GROUP_PAGE", page), \
                FakeCloud(hosts=count, instances=count,
                          server_groups=count, page_limit=page) as cloud:
            cloud.catalog = self.service_catalog
            groups = nova.server_group_list(self.request)
            calls = [c for c in cloud.calls
                     if c[0] == "nova" and c[2].endswith("/os-server-groups")]
        return groups, calls

    def test_every_group_over_several_pages(self):
        # 5 groups, pages of 2: 2 + 2 + 1, every group once.
        groups, calls = self._groups(5, 2)
        self.assertEqual(5, len({g.id for g in groups}))
        self.assertEqual(3, len(calls))

    def test_one_call_when_they_fit_one_page(self):
        groups, calls = self._groups(3, 4)
        self.assertEqual(3, len(groups))
        self.assertEqual(1, len(calls))
