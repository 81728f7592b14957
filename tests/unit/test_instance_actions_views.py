"""View tests for the instance move actions of a host's Instances tab:
live and cold migration with pre-flight findings, confirm / revert / start
(the plugin's api modules mocked; Horizon's tables, forms and templates
run)."""
import re
import threading
from unittest import mock

from django.urls import reverse
from keystoneauth1 import exceptions as ks_exceptions
from novaclient import exceptions as nova_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from migration_dashboard.services import submit
from tests.unit import fixtures as f

DETAIL = reverse("horizon:admin:hosts:detail", args=["cmp1"])
INSTANCES_TAB = DETAIL + "?tab=host_details__instances"

MOCKS = {api.nova: ["service_list", "hypervisor_list", "instance_list",
                    "compute_microversion", "server_group_list",
                    "server_live_migrate", "server_migrate",
                    "server_confirm_resize", "server_revert_resize",
                    "server_start", "migration_list", "aggregate_list",
                    "instance_get"],
         api.placement: ["allocation_candidates", "provider_capacity"],
         api.neutron: ["port_vnic_types"]}


def live_url(instance_id, host="cmp1"):
    return reverse("horizon:admin:hosts:instance_live_migrate",
                   args=[host, instance_id])


def cold_url(instance_id, host="cmp1"):
    return reverse("horizon:admin:hosts:instance_cold_migrate",
                   args=[host, instance_id])


def _summary(free_ram=8192, free_vcpus=16, free_disk=100, traits=()):
    return {"resources": {
        "VCPU": {"capacity": 32, "used": 32 - free_vcpus,
                 "free": free_vcpus},
        "MEMORY_MB": {"capacity": 16384, "used": 16384 - free_ram,
                      "free": free_ram},
        "DISK_GB": {"capacity": 200, "used": 200 - free_disk,
                    "free": free_disk}},
            "traits": frozenset(traits)}


def _messages(res):
    return [str(m) for m in res.wsgi_request._messages]


class _Base(test.BaseAdminViewTests):

    def setUp(self):
        super().setUp()
        self.hypervisors = [f.hypervisor("cmp1", node_id="node-cmp1"),
                            f.hypervisor("cmp2", node_id="node-cmp2"),
                            f.hypervisor("cmp3", node_id="node-cmp3")]
        self.services = [f.service("cmp1"), f.service("cmp2"),
                         f.service("cmp3")]
        self.instances = [f.instance("web-1", "cmp1"),
                          f.instance("web-2", "cmp1"),
                          f.instance("off-1", "cmp1", status="SHUTOFF")]
        self.placement = {"node-cmp2": _summary(),
                          "node-cmp3": _summary()}

    def _setup_mocks(self, microversion="2.96"):
        self.mock_service_list.return_value = self.services
        self.mock_hypervisor_list.return_value = self.hypervisors
        self.mock_instance_list.side_effect = lambda request, host=None, **k: [
            i for i in self.instances if host in (None, i.host)]
        self.mock_compute_microversion.return_value = microversion
        self.mock_server_group_list.return_value = []
        self.mock_allocation_candidates.return_value = self.placement
        self.mock_port_vnic_types.side_effect = \
            lambda request, ids: {i: ["normal"] for i in ids}
        self.mock_migration_list.return_value = []
        self.mock_instance_get.side_effect = lambda request, i: next(
            x for x in self.instances if x.id == i)


class LiveMigrateFormTests(_Base):

    @test.create_mocks(MOCKS)
    def test_form_shows_usable_hosts_greys_others_and_findings(self):
        self.services[2] = f.service("cmp3", status="disabled",
                                     reason="<b>repair</b>")
        self._setup_mocks()
        res = self.client.get(live_url("inst-web-1"))
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "admin/hosts/instances/migrate.html")
        content = res.content.decode()
        # The scheduler first, cmp2 usable, cmp3 greyed with its reason
        # (escaped); the source is never offered.
        self.assertIn('<option value="" selected>Let the scheduler choose'
                      '</option>', content)
        self.assertIn('<option value="cmp2">cmp2</option>', content)
        self.assertRegex(content, r'<option value="cmp3" [^>]*disabled')
        self.assertIn("&lt;b&gt;repair&lt;/b&gt;", content)
        self.assertNotIn("<b>repair</b>", content)
        self.assertNotIn('value="cmp1"', content.split("id_destination")[1]
                         .split("</select>")[0])
        # Block migration auto (2.25+) is the default.
        self.assertIn('<option value="auto" selected>', content)
        # Findings for the default choice, and the CLI equivalent.
        # Every other host was checked: cmp2 can take it, cmp3 (disabled)
        # cannot, with its reason one click away.
        self.assertContains(res, 'data-code="scheduler-candidates"')
        self.assertContains(res, "The scheduler will choose among cmp2 (1 "
                                 "of 2 hosts)")
        self.assertContains(res, "<li>cmp3: disabled (reason: &#x27;"
                                 "&lt;b&gt;repair&lt;/b&gt;&#x27;)</li>")
        # The disclosure says what it holds, not a bare "1 host".
        self.assertContains(res, "<summary>Reasons, host by host (1 host)"
                                 "</summary>")
        self.assertContains(res, "openstack --os-compute-api-version 2.68 "
                                 "server migrate --live-migration "
                                 "inst-web-1")
        self.assertNotContains(res, "--host")
        self.mock_server_live_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_form_costs_a_constant_number_of_api_calls(self):
        self._setup_mocks()
        self.client.get(live_url("inst-web-1"))
        for mocked in (self.mock_service_list, self.mock_hypervisor_list,
                       self.mock_server_group_list,
                       self.mock_allocation_candidates,
                       self.mock_port_vnic_types):
            self.assertEqual(1, mocked.call_count, mocked)
        # The source host's instances only (nobody needs every host's).
        self.mock_instance_list.assert_called_once_with(
            test.IsHttpRequest(), host="cmp1", image_properties=True)
        # Placement was asked once, for what the instance needs.
        self.mock_allocation_candidates.assert_called_once_with(
            test.IsHttpRequest(),
            {"MEMORY_MB": 2048, "VCPU": 1, "DISK_GB": 10})

    @test.create_mocks(MOCKS)
    def test_submit_with_the_scheduler(self):
        self._setup_mocks()
        res = self.client.post(live_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1", "destination": "",
            "block_migration": "auto"})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INSTANCES_TAB)
        self.mock_server_live_migrate.assert_called_once_with(
            test.IsHttpRequest(), "inst-web-1", host=None,
            block_migration="auto")
        messages = _messages(res)
        self.assertTrue(any("web-1" in m and "accepted" in m
                            for m in messages), messages)

    @test.create_mocks(MOCKS)
    def test_submit_to_a_chosen_host_with_block_no(self):
        self._setup_mocks()
        res = self.client.post(live_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1",
            "destination": "cmp2", "block_migration": "false",
            "acknowledge": "on"})
        self.assertNoFormErrors(res)
        self.mock_server_live_migrate.assert_called_once_with(
            test.IsHttpRequest(), "inst-web-1", host="cmp2",
            block_migration=False)

    @test.create_mocks(MOCKS)
    def test_blocker_refuses_submit_and_disables_the_button(self):
        # cmp2 has no room for the instance's 2048 MiB.
        self.placement["node-cmp2"] = _summary(free_ram=1024)
        self._setup_mocks()
        res = self.client.get(live_url("inst-web-1"))
        self.assertRegex(res.content.decode(),
                         r'<option value="cmp2" [^>]*disabled')
        res = self.client.post(live_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1",
            "destination": "cmp2", "block_migration": "auto",
            "acknowledge": "on"})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Not submitted")
        self.assertContains(res, 'data-code="ram-insufficient"')
        self.assertContains(res, "1024 MiB")
        self.assertRegex(res.content.decode(),
                         r'class="btn btn-primary migrate-submit"[^>]*'
                         r'disabled')
        self.mock_server_live_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_host_placement_cannot_fit_is_a_blocker(self):
        del self.placement["node-cmp3"]
        self._setup_mocks()
        res = self.client.post(live_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1",
            "destination": "cmp3", "block_migration": "auto",
            "acknowledge": "on"})
        self.assertContains(res, 'data-code="placement-no-room"')
        self.assertNotContains(res, 'data-code="ram-unknown"')
        self.mock_server_live_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_disabled_destination_is_refused_even_if_posted(self):
        self.services[1] = f.service("cmp2", status="disabled",
                                     reason="maintenance")
        self._setup_mocks()
        res = self.client.post(live_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1",
            "destination": "cmp2", "block_migration": "auto",
            "acknowledge": "on"})
        self.assertContains(res, 'data-code="dest-disabled"')
        self.mock_server_live_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_warning_needs_acknowledgement(self):
        # Block migration "no" with local disks and unknown storage: a
        # warning (the migration needs block migration unless shared).
        self._setup_mocks()
        data = {"host": "cmp1", "instances": "inst-web-1",
                "destination": "cmp2", "block_migration": "false"}
        res = self.client.post(live_url("inst-web-1"), data)
        self.assertContains(res, "tick the acknowledgement")
        self.assertContains(res, 'data-code="needs-block-migration"')
        self.mock_server_live_migrate.assert_not_called()
        data["acknowledge"] = "on"
        res = self.client.post(live_url("inst-web-1"), data)
        self.assertNoFormErrors(res)
        self.assertEqual(1, self.mock_server_live_migrate.call_count)

    @test.create_mocks(MOCKS)
    def test_state_blocker_for_a_shut_off_instance(self):
        self._setup_mocks()
        res = self.client.post(live_url("inst-off-1"), {
            "host": "cmp1", "instances": "inst-off-1", "destination": "",
            "block_migration": "auto", "acknowledge": "on"})
        self.assertContains(res, 'data-code="state-not-allowed"')
        self.assertContains(res, "Use cold migration")
        self.mock_server_live_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_before_2_25_no_auto_and_cli_says_shared(self):
        self._setup_mocks(microversion="2.24")
        res = self.client.get(live_url("inst-web-1"))
        content = res.content.decode()
        self.assertNotIn('value="auto"', content)
        self.assertIn('<option value="false" selected>', content)
        self.assertIn("--os-compute-api-version 2.24", content)
        self.assertIn("--shared-migration", content)

    @test.create_mocks(MOCKS)
    def test_each_nova_error_is_a_clear_message_never_a_500(self):
        self._setup_mocks()
        errors = [
            (nova_exceptions.Conflict(
                409, "Cannot 'os-migrateLive' instance while it is in "
                     "task_state migrating"), "409"),
            (nova_exceptions.BadRequest(400, "No valid host was found."),
             "No valid host was found."),
            (nova_exceptions.NotFound(404, "Instance could not be found."),
             "not found"),
            (ks_exceptions.ConnectFailure("Unable to establish connection "
                                          "to http://nova"),
             "could not be reached"),
        ]
        for exc, expected in errors:
            self.mock_server_live_migrate.reset_mock()
            self.mock_server_live_migrate.side_effect = exc
            res = self.client.post(live_url("inst-web-1"), {
                "host": "cmp1", "instances": "inst-web-1",
                "destination": "", "block_migration": "auto"})
            self.assertRedirectsNoFollow(res, INSTANCES_TAB)
            messages = _messages(res)
            self.assertTrue(any("web-1" in m and expected in m
                                for m in messages), (expected, messages))

    @test.create_mocks(MOCKS)
    def test_instance_gone_before_the_form_opens(self):
        self._setup_mocks()
        res = self.client.get(live_url("inst-gone"))
        self.assertRedirectsNoFollow(res, INSTANCES_TAB)
        self.assertTrue(any("inst-gone" in m for m in _messages(res)))

    @test.create_mocks(MOCKS)
    def test_nova_unreachable_when_opening_the_form(self):
        self._setup_mocks()
        self.mock_service_list.side_effect = \
            nova_exceptions.ClientException(503, "Service Unavailable")
        res = self.client.get(live_url("inst-web-1"))
        self.assertRedirectsNoFollow(res, INSTANCES_TAB)
        self.assertTrue(any("cmp1" in m and "Service Unavailable" in m
                            for m in _messages(res)), _messages(res))

    @test.create_mocks(MOCKS)
    def test_unknown_ports_and_placement_failure_say_could_not_check(self):
        self._setup_mocks()
        self.mock_port_vnic_types.side_effect = \
            ks_exceptions.EndpointNotFound("network")
        self.mock_allocation_candidates.side_effect = \
            ks_exceptions.ConnectFailure("placement down")
        res = self.client.get(
            reverse("horizon:admin:hosts:instances_findings",
                    args=["cmp1"]),
            {"kind": "live", "instance": "inst-web-1",
             "destination": "cmp2", "block_migration": "auto"})
        self.assertContains(res, 'data-code="ports-unknown"')
        self.assertContains(res, "Could not read the ports from Neutron")
        self.assertContains(res, "allocation ratios")
        # Free RAM from the hypervisor record (16384 - 4096 MiB): fits.
        self.assertNotContains(res, 'data-code="ram-unknown"')
        self.assertContains(res, 'data-code="vcpu-unknown"')

    @test.create_mocks(MOCKS)
    def test_hostile_instance_name_is_escaped(self):
        self.instances.append(f.instance('<img src=x onerror="alert(1)">',
                                         "cmp1", instance_id="inst-evil"))
        self._setup_mocks()
        res = self.client.get(live_url("inst-evil"))
        content = res.content.decode()
        self.assertNotIn('<img src=x onerror="alert(1)">', content)
        self.assertIn("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;",
                      content)
        self.mock_server_live_migrate.side_effect = \
            nova_exceptions.Conflict(409, "<script>x</script>")
        self.mock_provider_capacity.return_value = {}
        with mock.patch.object(api.keystone, "project_list",
                               return_value=[]):
            res = self.client.post(live_url("inst-evil"), {
                "host": "cmp1", "instances": "inst-evil", "destination": "",
                "block_migration": "auto"}, follow=True)
        self.assertIn("&lt;script&gt;x&lt;/script&gt;", content := (
            res.content.decode()))
        self.assertNotIn("<script>x</script>", content)
        self.assertNotIn('<img src=x onerror="alert(1)">', content)

    @test.create_mocks(MOCKS)
    def test_anti_affinity_group_member_on_destination_blocks(self):
        from migration_dashboard.api import nova_records as nova
        self.instances.append(f.instance('ha-2 "<b>', "cmp2",
                                         instance_id="inst-ha-2"))
        self._setup_mocks()
        self.mock_server_group_list.return_value = [nova.ServerGroup({
            "id": "g1", "name": "ha", "policy": "anti-affinity",
            "rules": {}, "members": ["inst-web-1", "inst-ha-2"]})]
        res = self.client.get(live_url("inst-web-1"))
        content = res.content.decode()
        option = re.search(r'<option value="cmp2" [^>]*>[^<]*</option>',
                           content).group(0)
        self.assertIn("disabled", option)
        # The peer by name (escaped), its reason whole in a few words,
        # the full message in the title.
        self.assertIn(">cmp2 \u2014 anti-affinity peer ha-2 &quot;&lt;b&gt; "
                      "there</option>", option)
        self.assertIn('title="web-1 is in anti-affinity group ha; cmp2 '
                      'already holds 1 member of it (ha-2 &quot;&lt;b&gt;), '
                      'so the scheduler refuses."', option)
        self.assertNotIn("inst-ha-2", option)
        self.assertContains(res, '<option value="cmp3">cmp3</option>')
        # Every host's instances were needed, read in one more call.
        self.assertEqual(2, self.mock_instance_list.call_count)


class FindingsFragmentTests(_Base):

    @test.create_mocks(MOCKS)
    def test_fragment_for_another_choice(self):
        self.placement["node-cmp3"] = _summary(free_ram=1024)
        self._setup_mocks()
        url = reverse("horizon:admin:hosts:instances_findings",
                      args=["cmp1"])
        res = self.client.get(url, {"kind": "live",
                                    "instance": "inst-web-1",
                                    "destination": "cmp3",
                                    "block_migration": "true"})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'data-blockers="1"')
        self.assertContains(res, 'data-code="ram-insufficient"')
        self.assertContains(res, "--host cmp3 --block-migration")
        res = self.client.get(url, {"kind": "cold",
                                    "instance": "inst-web-1",
                                    "destination": "cmp2"})
        self.assertContains(res, 'data-blockers="0"')
        self.assertContains(res, "openstack server resize confirm "
                                 "inst-web-1")

    @test.create_mocks(MOCKS)
    def test_fragment_refuses_bad_input(self):
        self._setup_mocks()
        url = reverse("horizon:admin:hosts:instances_findings",
                      args=["cmp1"])
        self.assertEqual(400, self.client.get(
            url, {"kind": "evacuate", "instance": "x"}).status_code)
        self.assertEqual(400, self.client.get(
            url, {"kind": "live"}).status_code)


class ColdMigrateFormTests(_Base):

    @test.create_mocks(MOCKS)
    def test_cold_with_the_scheduler_and_to_a_chosen_host(self):
        self._setup_mocks()
        res = self.client.get(cold_url("inst-off-1"))
        # The two steps explained once: the dialog's text, not a finding
        # repeating it.
        self.assertContains(res, "VERIFY_RESIZE", count=1)
        self.assertNotContains(res, 'data-code="cold-needs-confirm"')
        self.assertNotContains(res, 'name="block_migration"')
        res = self.client.post(cold_url("inst-off-1"), {
            "host": "cmp1", "instances": "inst-off-1", "destination": ""})
        self.assertNoFormErrors(res)
        self.mock_server_migrate.assert_called_once_with(
            test.IsHttpRequest(), "inst-off-1", host=None)
        res = self.client.post(cold_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1",
            "destination": "cmp3"})
        self.assertNoFormErrors(res)
        self.mock_server_migrate.assert_called_with(
            test.IsHttpRequest(), "inst-web-1", host="cmp3")
        messages = _messages(res)
        self.assertTrue(any("Confirm" in m and "cmp3" in m
                            for m in messages), messages)

    @test.create_mocks(MOCKS)
    def test_chosen_host_needs_2_56(self):
        self._setup_mocks(microversion="2.55")
        res = self.client.get(cold_url("inst-web-1"))
        self.assertRegex(res.content.decode(),
                         r'<option value="cmp2" [^>]*disabled')
        self.assertContains(res, "needs microversion 2.56")
        res = self.client.post(cold_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1",
            "destination": "cmp2"})
        self.assertContains(res, 'data-code="cold-host-needs-2.56"')
        self.mock_server_migrate.assert_not_called()


class BatchTests(_Base):

    @test.create_mocks(MOCKS)
    def test_table_action_opens_the_form_for_the_selected(self):
        self._setup_mocks()
        with mock.patch.object(api.keystone, "project_list",
                               return_value=[]):
            res = self.client.post(INSTANCES_TAB, {
                "action": "instances__live_migrate_selected",
                "object_ids": ["inst-web-1", "inst-web-2"]})
        url = reverse("horizon:admin:hosts:instances_live_migrate",
                      args=["cmp1"])
        self.assertRedirectsNoFollow(
            res, url + "?instance=inst-web-1&instance=inst-web-2")
        res = self.client.get(url + "?instance=inst-web-1&instance="
                                    "inst-web-2")
        self.assertContains(res, 'value="inst-web-1,inst-web-2"')
        self.assertContains(res, 'data-instance="inst-web-2"')

    @test.create_mocks(MOCKS)
    def test_batch_of_n_is_n_concurrent_calls_with_one_message_each(self):
        for n in range(3, 7):
            self.instances.append(f.instance("web-%d" % n, "cmp1"))
        self._setup_mocks()
        ids = ["inst-web-%d" % n for n in range(1, 7)]
        active, peak, arrived, broken = [0], [0], [0], []
        lock = threading.Lock()
        # The first MAX_WORKERS calls meet at a barrier: they can only pass
        # it if they run at the same time (no wall-clock assert; the
        # timeout only ends a sequential run instead of hanging it).
        barrier = threading.Barrier(submit.MAX_WORKERS, timeout=30)

        def call(request, instance_id, host=None, block_migration=None):
            with lock:
                active[0] += 1
                arrived[0] += 1
                first = arrived[0] <= submit.MAX_WORKERS
                peak[0] = max(peak[0], active[0])
            if first:
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    broken.append(instance_id)
            with lock:
                active[0] -= 1
            if instance_id == "inst-web-4":
                raise nova_exceptions.Conflict(409, "task_state migrating")

        self.mock_server_live_migrate.side_effect = call
        url = reverse("horizon:admin:hosts:instances_live_migrate",
                      args=["cmp1"])
        res = self.client.post(url, {"host": "cmp1",
                                     "instances": ",".join(ids),
                                     "destination": "",
                                     "block_migration": "auto"})
        self.assertNoFormErrors(res)
        self.assertEqual(6, self.mock_server_live_migrate.call_count)
        self.assertEqual([], broken)
        self.assertEqual(submit.MAX_WORKERS, peak[0])
        messages = _messages(res)
        self.assertEqual(6, len([m for m in messages if "web-" in m]),
                         messages)
        self.assertTrue(any("web-4" in m and "409" in m for m in messages))

    @test.create_mocks(MOCKS)
    def test_batch_capacity_is_counted_together(self):
        # cmp2 has room for one 2048 MiB instance, not two.
        self.placement["node-cmp2"] = _summary(free_ram=3000)
        self._setup_mocks()
        url = reverse("horizon:admin:hosts:instances_live_migrate",
                      args=["cmp1"])
        res = self.client.post(url, {"host": "cmp1",
                                     "instances": "inst-web-1,inst-web-2",
                                     "destination": "cmp2",
                                     "block_migration": "auto",
                                     "acknowledge": "on"})
        self.assertContains(res, "after earlier moves of this plan")
        self.mock_server_live_migrate.assert_not_called()


class ConfirmRevertStartTests(_Base):

    def _tab(self):
        self.mock_service_list.return_value = self.services
        self.mock_hypervisor_list.return_value = self.hypervisors
        self.mock_instance_list.side_effect = lambda request, host=None, **k: [
            i for i in self.instances if host in (None, i.host)]

    @test.create_mocks(MOCKS)
    def test_actions_offered_by_state(self):
        self.instances = [f.instance("moved", "cmp1",
                                     status="VERIFY_RESIZE"),
                          f.instance("run", "cmp1"),
                          f.instance("off", "cmp1", status="SHUTOFF")]
        self._tab()
        with mock.patch.object(api.keystone, "project_list",
                               return_value=[]):
            res = self.client.get(INSTANCES_TAB)
        content = res.content.decode()
        self.assertIn("instances__row_inst-moved__action_confirm", content)
        self.assertIn("instances__row_inst-moved__action_revert", content)
        self.assertNotIn("instances__row_inst-moved__action_live_migrate",
                         content)
        self.assertIn("instances__row_inst-run__action_live_migrate",
                      content)
        self.assertIn("instances__row_inst-run__action_cold_migrate",
                      content)
        self.assertNotIn("instances__row_inst-run__action_confirm", content)
        self.assertIn("instances__row_inst-off__action_start", content)
        self.assertIn("instances__row_inst-off__action_cold_migrate",
                      content)
        self.assertNotIn("instances__row_inst-off__action_live_migrate",
                         content)
        self.assertIn("Confirm or revert the cold migration", content)

    @test.create_mocks(MOCKS)
    def test_confirm_batch_reports_each_instance(self):
        self.instances = [
            f.instance("a", "cmp1", status="VERIFY_RESIZE"),
            f.instance("b", "cmp1", status="VERIFY_RESIZE"),
            f.instance("c", "cmp1")]
        self._tab()
        self.mock_server_confirm_resize.side_effect = [
            None, nova_exceptions.Conflict(409, "not in VERIFY_RESIZE")]
        with mock.patch.object(api.keystone, "project_list",
                               return_value=[]):
            res = self.client.post(INSTANCES_TAB, {
                "action": "instances__confirm",
                "object_ids": ["inst-a", "inst-b", "inst-c"]})
        self.assertEqual(302, res.status_code)
        self.assertEqual(2, self.mock_server_confirm_resize.call_count)
        messages = _messages(res)
        self.assertTrue(any("c" in m and "current state" in m
                            for m in messages), messages)
        self.assertTrue(any("409" in m for m in messages), messages)
        self.assertTrue(any(m.startswith("Confirmed") for m in messages),
                        messages)

    @test.create_mocks(MOCKS)
    def test_revert_and_start_rows(self):
        self.instances = [f.instance("a", "cmp1", status="VERIFY_RESIZE"),
                          f.instance("off", "cmp1", status="SHUTOFF")]
        self._tab()
        with mock.patch.object(api.keystone, "project_list",
                               return_value=[]):
            self.client.post(INSTANCES_TAB,
                             {"action": "instances__revert__inst-a"})
            self.client.post(INSTANCES_TAB,
                             {"action": "instances__start__inst-off"})
        self.mock_server_revert_resize.assert_called_once_with(
            test.IsHttpRequest(), "inst-a")
        self.mock_server_start.assert_called_once_with(
            test.IsHttpRequest(), "inst-off")


class SubmitHelperTests(test.TestCase):

    def test_run_keeps_order_and_collects_errors(self):
        def call(i):
            if i == 2:
                raise ValueError("two")
        out = submit.run([1, 2, 3], call)
        self.assertEqual([1, 2, 3], [i for i, _e in out])
        self.assertIsNone(out[0][1])
        self.assertIsInstance(out[1][1], ValueError)


def deny_live_migrate(actions, request, target=None):
    return all(rule != "os_compute_api:os-migrate-server:migrate_live"
               for _svc, rule in actions)


def deny_live_host(actions, request, target=None):
    return all(rule != "os_compute_api:os-migrate-server:migrate_live:host"
               for _svc, rule in actions)


class PolicyTests(_Base):

    @test.create_mocks(MOCKS)
    def test_live_migrate_refused_when_policy_denies(self):
        from django.test.utils import override_settings
        self._setup_mocks()
        with override_settings(POLICY_CHECK_FUNCTION=(
                "tests.unit.test_instance_actions_views.deny_live_migrate")):
            res = self.client.post(live_url("inst-web-1"), {
                "host": "cmp1", "instances": "inst-web-1",
                "destination": "", "block_migration": "auto"})
            self.assertEqual(403, res.status_code)
            res = self.client.get(
                reverse("horizon:admin:hosts:instances_findings",
                        args=["cmp1"]),
                {"kind": "live", "instance": "inst-web-1"})
            self.assertEqual(403, res.status_code)
        self.mock_server_live_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_without_host_policy_only_the_scheduler(self):
        from django.test.utils import override_settings
        self._setup_mocks()
        with override_settings(POLICY_CHECK_FUNCTION=(
                "tests.unit.test_instance_actions_views.deny_live_host")):
            res = self.client.get(live_url("inst-web-1"))
            self.assertRegex(res.content.decode(),
                             r'<option value="cmp2" [^>]*disabled')
            res = self.client.post(live_url("inst-web-1"), {
                "host": "cmp1", "instances": "inst-web-1",
                "destination": "cmp2", "block_migration": "auto",
                "acknowledge": "on"})
            self.assertContains(res, "migrate_live:host")
        self.mock_server_live_migrate.assert_not_called()
