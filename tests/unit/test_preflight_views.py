"""What the move forms, the evacuation form and the drain plan say when the
scheduler chooses (the plugin's api modules mocked; Horizon's forms, views
and templates run): every other host checked, a refused submit when none can
take the instance, notes said once."""
from django.test import override_settings
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from tests.unit import fixtures as f
from tests.unit import test_instance_actions_views as moves
from tests.unit.test_instance_actions_views import MOCKS

REASON = "<i>planned</i> maintenance"


class SchedulerChoiceTests(moves._Base):

    def _disable_others(self):
        self.services[1] = f.service("cmp2", status="disabled",
                                     reason=REASON)
        self.services[2] = f.service("cmp3", status="disabled",
                                     reason=REASON)

    @test.create_mocks(MOCKS)
    def test_no_other_host_enabled_is_a_blocker_naming_each_one(self):
        self._disable_others()
        self._setup_mocks()
        res = self.client.get(moves.live_url("inst-web-1"))
        self.assertEqual(200, res.status_code)
        content = res.content.decode()
        self.assertIn('data-code="no-valid-host"', content)
        self.assertIn("No valid host was found", content)
        for host in ("cmp2", "cmp3"):
            # Named with its reason, escaped.
            self.assertIn("%s: disabled (reason: &#x27;&lt;i&gt;planned"
                          "&lt;/i&gt; maintenance&#x27;)" % host, content)
        self.assertNotIn("<i>planned</i>", content)
        self.assertIn('data-blockers="1"', content)
        self.assertNotIn("No blocker and no warning", content)

    @test.create_mocks(MOCKS)
    def test_submit_with_the_scheduler_is_refused_and_nothing_is_sent(self):
        self._disable_others()
        self._setup_mocks()
        res = self.client.post(moves.live_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1", "destination": "",
            "block_migration": "auto"})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Not submitted: 1 blocker(s) for web-1")
        self.mock_server_live_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_cold_migration_too(self):
        self._disable_others()
        self._setup_mocks()
        res = self.client.post(moves.cold_url("inst-web-1"), {
            "host": "cmp1", "instances": "inst-web-1", "destination": ""})
        self.assertContains(res, "Not submitted")
        self.mock_server_migrate.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_batch_says_the_shared_verdict_once(self):
        self.services[2] = f.service("cmp3", status="disabled",
                                     reason=REASON)
        self._setup_mocks()
        url = reverse("horizon:admin:hosts:instances_live_migrate",
                      args=["cmp1"])
        res = self.client.get(url + "?instance=inst-web-1"
                              "&instance=inst-web-2")
        self.assertEqual(200, res.status_code)
        content = res.content.decode()
        # Both instances would get the same line: it is said once.
        self.assertEqual(1, content.count('data-code="scheduler-candidates"'))
        self.assertEqual(1, content.count("image properties"))

    @test.create_mocks(MOCKS)
    def test_together_they_do_not_fit_where_each_would(self):
        # cmp2 has room for one of the two 2 GiB instances, cmp3 for none.
        self.placement = {"node-cmp2": moves._summary(free_ram=3072),
                          "node-cmp3": moves._summary(free_ram=1024)}
        self._setup_mocks()
        url = reverse("horizon:admin:hosts:instances_live_migrate",
                      args=["cmp1"])
        res = self.client.get(url + "?instance=inst-web-1"
                              "&instance=inst-web-2")
        content = res.content.decode()
        self.assertIn('data-code="no-valid-host"', content)
        self.assertIn("after earlier moves of this plan", content)

    @test.create_mocks(MOCKS)
    def test_memory_oversubscription_on_the_only_candidate(self):
        # Placement counts 8 GiB free (ratio applied); the hypervisor has
        # 1 GiB of physical RAM free.
        self.hypervisors[1] = f.hypervisor("cmp2", node_id="node-cmp2",
                                           memory_mb=16384,
                                           memory_mb_used=15360)
        self.services[2] = f.service("cmp3", status="disabled")
        self._setup_mocks()
        res = self.client.get(
            reverse("horizon:admin:hosts:instances_findings", args=["cmp1"]) +
            "?kind=live&instance=inst-web-1&destination=cmp2")
        self.assertContains(res, 'data-code="ram-oversubscribed"')
        self.assertContains(res, "only 1024 MiB (1 GiB) of physical RAM")


class DeploymentFactsTests(moves._Base):

    @test.create_mocks(MOCKS)
    def test_unknown_facts_are_one_line(self):
        self._setup_mocks()
        res = self.client.get(moves.live_url("inst-web-1"))
        self.assertContains(res, "3 checks need deployment facts", count=1)

    @override_settings(MIGRATION_DASHBOARD_DEPLOYMENT={
        "shared_storage": ["cmp1", "cmp2"], "cpu_mode": "host-model",
        "compute_release": "2025.1"})
    @test.create_mocks(MOCKS)
    def test_declared_facts_silence_the_line_and_decide_block_migration(
            self):
        self._setup_mocks()
        res = self.client.get(
            reverse("horizon:admin:hosts:instances_findings", args=["cmp1"]) +
            "?kind=live&instance=inst-web-1&destination=cmp3"
            "&block_migration=false")
        self.assertNotContains(res, "need deployment facts")
        # cmp3 is not in the shared list: without block migration Nova
        # refuses an image-backed instance.
        self.assertContains(res, 'data-code="needs-block-migration"')
        res = self.client.get(
            reverse("horizon:admin:hosts:instances_findings", args=["cmp1"]) +
            "?kind=live&instance=inst-web-1&destination=cmp2"
            "&block_migration=false")
        self.assertNotContains(res, 'data-code="needs-block-migration"')
