"""The row actions of a host's Instances tab fit the instance's state and
the host's: an instance in a move is followed (and aborted, confirmed,
reverted) rather than evacuated; Evacuate only on a host that is down;
migrations only off a host that is up.  Plugin api module mocked, as
test_instance_actions_views."""
import re
from unittest import mock

from django.test.utils import override_settings

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from tests.unit import fixtures as f
from tests.unit.test_instance_actions_views import INSTANCES_TAB
from tests.unit.test_instance_actions_views import MOCKS
from tests.unit.test_instance_actions_views import _Base

ABORT_RULE = "os_compute_api:servers:migrations:delete"
DENIED = []


def deny_listed(actions, request, target=None):
    return all(rule not in DENIED for _svc, rule in actions)


def _actions(content, instance_id):
    """The names of the row actions offered for ``instance_id``."""
    return sorted(set(re.findall(
        r'id="instances__row_%s__action_(\w+)"' % re.escape(instance_id),
        content)))


def _primary(content, instance_id):
    """The row's first (button) action: Horizon draws the first allowed
    row action as the row's button, the rest in its menu."""
    row = content[content.index('id="instances__row__%s"' % instance_id):]
    row = row[:row.index("</tr>")]
    found = re.search(r'id="instances__row_%s__action_(\w+)"'
                      % re.escape(instance_id), row)
    return found.group(1) if found else None


class RowActionsTests(_Base):

    def _get(self, services=None, migrations=(), version="2.96"):
        self.mock_service_list.return_value = services or self.services
        self.mock_hypervisor_list.return_value = self.hypervisors
        self.mock_instance_list.side_effect = lambda request, host=None, **k: [
            i for i in self.instances if host in (None, i.host)]
        self.mock_compute_microversion.return_value = version
        self.mock_migration_list.return_value = list(migrations)
        with mock.patch.object(api.keystone, "project_list",
                               return_value=[]):
            return self.client.get(INSTANCES_TAB).content.decode()

    @test.create_mocks(MOCKS)
    def test_migrating_instance_on_a_healthy_host(self):
        self.instances = [f.instance("live", "cmp1", status="MIGRATING",
                                     task_state="migrating")]
        content = self._get(migrations=[
            f.migration(9, "inst-live", "cmp1", "cmp2", status="running"),
            f.migration(8, "inst-live", "cmp2", "cmp1",
                        status="completed")])
        self.assertEqual(["abort", "follow_migration"],
                         _actions(content, "inst-live"))
        self.assertEqual("follow_migration", _primary(content, "inst-live"))
        # Follow leads to the running migration's page, Abort to its form.
        self.assertIn('href="/admin/migrations/inst-live/9/"', content)
        self.assertIn('href="/admin/migrations/inst-live/9/abort/"', content)
        # One list of the host's migrations for the page.
        self.mock_migration_list.assert_called_once_with(
            test.IsHttpRequest(), host="cmp1", limit=mock.ANY)

    @test.create_mocks(MOCKS)
    def test_resizing_and_waiting_instances(self):
        self.instances = [
            f.instance("cold", "cmp1", status="RESIZE",
                       task_state="resize_migrating"),
            f.instance("waits", "cmp1", status="VERIFY_RESIZE")]
        content = self._get(migrations=[
            f.migration(5, "inst-cold", "cmp1", "cmp2", status="migrating",
                        migration_type="migration"),
            f.migration(4, "inst-waits", "cmp3", "cmp1", status="finished",
                        migration_type="resize")])
        # A cold migration cannot be aborted: it is followed.
        self.assertEqual(["follow_migration"], _actions(content, "inst-cold"))
        self.assertEqual(["confirm", "follow_migration", "revert"],
                         _actions(content, "inst-waits"))
        self.assertEqual("confirm", _primary(content, "inst-waits"))
        self.assertIn('href="/admin/migrations/inst-waits/4/"', content)

    @test.create_mocks(MOCKS)
    def test_move_not_among_the_hosts_recent_migrations(self):
        # Unknown migration: Follow leads to the instance's migrations.
        self.instances = [f.instance("live", "cmp1", status="MIGRATING",
                                     task_state="migrating")]
        # (Its earlier, ended migration is not the one it is in.)
        content = self._get(migrations=[f.migration(
            3, "inst-live", "cmp2", "cmp1", status="completed")])
        self.assertEqual(["follow_migration"], _actions(content, "inst-live"))
        self.assertIn('href="/admin/migrations/instance/inst-live/"',
                      content)
        self.assertNotIn('href="/admin/migrations/inst-live/3/"', content)

    @test.create_mocks(MOCKS)
    def test_no_move_no_migration_read(self):
        self.instances = [f.instance("idle", "cmp1")]
        content = self._get()
        self.assertEqual(["cold_migrate", "live_migrate"],
                         _actions(content, "inst-idle"))
        self.assertEqual(0, self.mock_migration_list.call_count)

    @test.create_mocks(MOCKS)
    def test_evacuate_only_where_the_host_is_down(self):
        self.instances = [f.instance("idle", "cmp1"),
                          f.instance("live", "cmp1", status="MIGRATING",
                                     task_state="migrating")]
        up = self._get()
        self.assertNotIn("evacuate", _actions(up, "inst-idle"))
        self.assertNotIn("evacuate", _actions(up, "inst-live"))
        for down in (f.service("cmp1", state="down"),
                     f.service("cmp1", forced_down=True,
                               status="disabled")):
            content = self._get(services=[down, f.service("cmp2")])
            self.assertEqual("evacuate", _primary(content, "inst-idle"))
            # Nova refuses to migrate off a host whose service is down.
            self.assertNotIn("live_migrate", _actions(content, "inst-idle"))
            self.assertNotIn("cold_migrate", _actions(content, "inst-idle"))

    @test.create_mocks(MOCKS)
    def test_abort_only_where_nova_takes_it(self):
        self.instances = [f.instance("live", "cmp1", status="MIGRATING",
                                     task_state="migrating")]
        queued = [f.migration(9, "inst-live", "cmp1", "cmp2",
                              status="queued")]
        self.assertNotIn("abort", _actions(
            self._get(migrations=queued, version="2.64"), "inst-live"))
        self.assertIn("abort", _actions(
            self._get(migrations=queued, version="2.65"), "inst-live"))

    @test.create_mocks(MOCKS)
    @override_settings(POLICY_CHECK_FUNCTION="tests.unit."
                       "test_instance_row_actions.deny_listed")
    def test_abort_hidden_when_its_rule_is_denied(self):
        self.instances = [f.instance("live", "cmp1", status="MIGRATING",
                                     task_state="migrating")]
        DENIED[:] = [ABORT_RULE]
        try:
            content = self._get(migrations=[f.migration(
                9, "inst-live", "cmp1", "cmp2", status="running")])
        finally:
            DENIED[:] = []
        self.assertEqual(["follow_migration"], _actions(content, "inst-live"))

    @test.create_mocks(MOCKS)
    def test_refreshed_row_keeps_its_moves_actions(self):
        inst = f.instance("live", "cmp1", status="MIGRATING",
                          task_state="migrating")
        self.instances = [inst]
        self.mock_service_list.return_value = self.services
        self.mock_hypervisor_list.return_value = self.hypervisors
        self.mock_compute_microversion.return_value = "2.96"
        self.mock_migration_list.return_value = [
            f.migration(9, "inst-live", "cmp1", "cmp2", status="running")]
        with mock.patch.object(api.nova, "instance_get",
                               return_value=inst):
            res = self.client.get(
                INSTANCES_TAB + "&action=row_update&table=instances"
                "&obj_id=inst-live",
                HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        content = res.content.decode()
        self.assertEqual(["abort", "follow_migration"],
                         _actions(content, "inst-live"))
        self.mock_migration_list.assert_called_once_with(
            test.IsHttpRequest(), instance_id="inst-live")
