"""View tests for evacuation (plugin api modules mocked; the real facts
conversion and pre-flight engine run)."""
import datetime
from unittest import mock

from django.urls import reverse
from novaclient import exceptions as nova_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from migration_dashboard.content.hosts.evacuation import forms as evac_forms
from migration_dashboard.services import evacuation as data
from migration_dashboard.services import stall
from tests.unit import fixtures as f

GATHER = {api.nova: ["service_list", "hypervisor_list", "instance_list",
                     "compute_microversion", "server_group_list",
                     "instance_evacuate", "evacuate_microversion",
                     "aggregate_list"],
          api.placement: ["allocation_candidates"],
          api.neutron: ["port_vnic_types"]}


def host_url(host):
    return reverse("horizon:admin:hosts:evacuate_host", args=[host])


def instance_url(host, instance_id):
    return reverse("horizon:admin:hosts:evacuate_instance",
                   args=[host, instance_id])


def status_url(host):
    return reverse("horizon:admin:hosts:evacuation_status", args=[host])


def assert_form_error(testcase, res, text):
    """One form error, containing ``text`` (plain substring)."""
    testcase.assertFormErrors(res, 1)
    errors = res.context["form"].errors
    flat = " ".join(str(e) for errs in errors.values() for e in errs)
    testcase.assertIn(text, flat)


def _messages(res):
    return [str(m) for m in res.wsgi_request._messages]


class _Cloud:
    """Set the mocks of GATHER up as a small cloud: cmp3 failed."""

    def setup_cloud(self, cmp3_up=False, instances=None, version="2.96"):
        services = [
            f.service("cmp1"),
            f.service("cmp2", status="disabled", reason="repair"),
            f.service("cmp3", state="up" if cmp3_up else "down",
                      forced_down=not cmp3_up)]
        hypervisors = [f.hypervisor(h) for h in ("cmp1", "cmp2", "cmp3")]
        self.mock_service_list.return_value = services
        self.mock_hypervisor_list.return_value = hypervisors
        if instances is None:
            instances = [f.instance("web", "cmp3"),
                         f.instance("db", "cmp3", image=None)]
        self.instances = instances

        def instance_list(request, host=None, **kw):
            return [i for i in self.instances
                    if host is None or i.host == host]

        self.mock_instance_list.side_effect = instance_list
        self.mock_compute_microversion.return_value = version
        self.mock_evacuate_microversion.side_effect = \
            lambda request, keep_state=False: (
                "2.94" if keep_state else min(version, "2.95"))
        self.mock_server_group_list.return_value = []
        self.mock_port_vnic_types.return_value = {}
        self.mock_allocation_candidates.return_value = {
            h.id: {"resources": {
                "VCPU": {"capacity": 32, "used": 2, "free": 30},
                "MEMORY_MB": {"capacity": 16384, "used": 4096,
                              "free": 12288},
                "DISK_GB": {"capacity": 200, "used": 20, "free": 180}},
                "traits": None}
            for h in hypervisors}
        self.mock_instance_evacuate.return_value = None


class GuardTests(_Cloud, test.BaseAdminViewTests):

    @test.create_mocks(GATHER)
    def test_host_up_explains_fencing_and_offers_force_down(self):
        self.setup_cloud(cmp3_up=True)
        res = self.client.get(host_url("cmp3"))
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "admin/hosts/evacuation/"
                                     "evacuate_host.html")
        self.assertContains(res, "is still in use")
        self.assertContains(res, "really off")
        self.assertContains(res, reverse("horizon:admin:hosts:force_down",
                                         args=["cmp3"]))
        self.assertNotContains(res, 'value="Evacuate All Instances"')
        # A POST is refused too, whatever the page showed.
        res = self.client.post(host_url("cmp3"), {
            "host": "cmp3", "password_mode": "none", "confirm": "on"})
        assert_form_error(self, res, "is still in use")
        self.mock_instance_evacuate.assert_not_called()

    @test.create_mocks(GATHER)
    def test_instance_form_of_up_host_is_guarded(self):
        self.setup_cloud(cmp3_up=True)
        res = self.client.get(instance_url("cmp3", "inst-web"))
        self.assertContains(res, "is still in use")
        self.assertNotContains(res, 'value="Evacuate"')
        res = self.client.post(instance_url("cmp3", "inst-web"), {
            "host": "cmp3", "instance": "inst-web",
            "password_mode": "none", "confirm": "on"})
        self.assertFormErrors(res, 1)
        self.mock_instance_evacuate.assert_not_called()

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "migration_list",
                                   "service_force_down"]})
    def test_force_up_refusal_explains_the_restart(self):
        self.mock_service_list.return_value = [
            f.service("cmp3", state="down", forced_down=True)]
        self.mock_hypervisor_list.return_value = []
        self.mock_migration_list.return_value = []
        reason = ("Unable to force up host cmp3 as `done` evacuation "
                  "migration records remain associated with the host. "
                  "Ensure the compute service has been restarted, allowing "
                  "these records to move to `completed` before retrying "
                  "this request.")
        self.mock_service_force_down.side_effect = \
            nova_exceptions.BadRequest(400, reason)
        res = self.client.post(reverse("horizon:admin:hosts:index"),
                               {"action": "hosts__force_up__cmp3"})
        messages = _messages(res)
        self.assertTrue(any(reason in m and "start its nova-compute" in m
                            and "Enable" in m for m in messages), messages)

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "migration_list"]})
    def test_hosts_table_offers_evacuate_host(self):
        self.mock_service_list.return_value = [f.service("cmp1")]
        self.mock_hypervisor_list.return_value = []
        self.mock_migration_list.return_value = []
        res = self.client.get(reverse("horizon:admin:hosts:index"))
        self.assertContains(res, "hosts__row_cmp1__action_evacuate")
        self.assertContains(res, host_url("cmp1"))


class EvacuateInstanceTests(_Cloud, test.BaseAdminViewTests):

    @test.create_mocks(GATHER)
    def test_form_shows_findings_and_only_up_enabled_destinations(self):
        self.setup_cloud()
        res = self.client.get(instance_url("cmp3", "inst-web"))
        self.assertEqual(200, res.status_code)
        # What will happen: image-backed disk rebuilt, data lost; SHUTOFF.
        self.assertContains(res, "evacuate-local-data-lost")
        self.assertContains(res, "lands SHUTOFF")
        self.assertContains(res, "first boot and keeps it")
        # cmp1 can be chosen; cmp2 (disabled) is greyed out with why.
        content = res.content.decode()
        self.assertIn('<option value="cmp1"', content)
        self.assertRegex(content, r'<option value="cmp2"[^>]*disabled')
        # 2.95 offers no parameter: the choice is the microversion.
        self.assertContains(res, 'name="final_state"')
        self.assertContains(res, "microversion 2.94")

    @test.create_mocks(GATHER)
    def test_generated_password_is_sent_and_shown_once(self):
        self.setup_cloud()
        res = self.client.post(instance_url("cmp3", "inst-web"), {
            "host": "cmp3", "instance": "inst-web", "destination": "cmp1",
            "final_state": "stopped", "password_mode": "generate",
            "confirm": "on"})
        self.assertNoFormErrors(res)
        self.assertEqual(200, res.status_code)
        args, kwargs = self.mock_instance_evacuate.call_args
        self.assertEqual("inst-web", args[1])
        self.assertEqual("cmp1", kwargs["host"])
        self.assertFalse(kwargs["keep_state"])
        password = kwargs["password"]
        self.assertEqual(evac_forms.PASSWORD_LENGTH, len(password))
        self.assertContains(res, password, count=1)
        self.assertEqual("no-store", res["Cache-Control"])
        # Never in a message (messages live in the session cookie).
        self.assertFalse(any(password in m for m in _messages(res)))
        self.assertTemplateUsed(res, "admin/hosts/evacuation/"
                                     "instance_result.html")

    @test.create_mocks(GATHER)
    def test_keep_state_asks_for_2_94_and_scheduler_by_default(self):
        self.setup_cloud()
        res = self.client.post(instance_url("cmp3", "inst-db"), {
            "host": "cmp3", "instance": "inst-db", "destination": "",
            "final_state": "keep", "password_mode": "none",
            "confirm": "on"})
        self.assertNoFormErrors(res)
        self.mock_instance_evacuate.assert_called_once_with(
            test.IsHttpRequest(), "inst-db", host=None, password=None,
            keep_state=True)

    @test.create_mocks(GATHER)
    def test_final_state_not_offered_below_2_95(self):
        self.setup_cloud(version="2.94")
        res = self.client.get(instance_url("cmp3", "inst-web"))
        self.assertNotContains(res, 'name="final_state"')
        self.assertContains(res, "keeps the state it had")

    @test.create_mocks(GATHER)
    def test_password_rules(self):
        self.setup_cloud()
        url = instance_url("cmp3", "inst-web")
        base = {"host": "cmp3", "instance": "inst-web",
                "final_state": "stopped", "password_mode": "set",
                "confirm": "on"}
        res = self.client.post(url, dict(base, password="short",
                                         confirm_password="short"))
        assert_form_error(self, res, "At least 8 characters")
        res = self.client.post(url, dict(base, password="long enough 1",
                                         confirm_password="long enough 2"))
        assert_form_error(self, res, "do not match")
        res = self.client.post(url, dict(base, password=" padded-pass ",
                                         confirm_password=" padded-pass "))
        assert_form_error(self, res, "No spaces")
        # The fencing/data-loss acknowledgement is required.
        res = self.client.post(url, {"host": "cmp3", "instance": "inst-web",
                                     "password_mode": "none"})
        self.assertFormErrors(res, 1)
        self.mock_instance_evacuate.assert_not_called()
        res = self.client.post(url, dict(base, password="Secret-pass-9",
                                         confirm_password="Secret-pass-9"))
        self.assertNoFormErrors(res)
        self.assertEqual("Secret-pass-9",
                         self.mock_instance_evacuate.call_args[1]["password"])
        # A password the operator typed is not echoed back.
        self.assertNotContains(res, "Secret-pass-9")

    @test.create_mocks(GATHER)
    def test_vtpm_instance_is_refused_before_submit(self):
        self.setup_cloud(instances=[f.instance(
            "tpm", "cmp3", extra_specs={"hw:tpm_version": "2.0",
                                        "hw:tpm_model": "tpm-crb"})])
        res = self.client.post(instance_url("cmp3", "inst-tpm"), {
            "host": "cmp3", "instance": "inst-tpm", "password_mode": "none",
            "final_state": "stopped", "confirm": "on"})
        assert_form_error(self, res, "vTPM")
        self.mock_instance_evacuate.assert_not_called()

    @test.create_mocks(GATHER)
    def test_nova_still_in_use_is_shown_plainly(self):
        self.setup_cloud()
        self.mock_instance_evacuate.side_effect = \
            nova_exceptions.BadRequest(
                400, "Compute service of cmp3 is still in use.")
        res = self.client.post(instance_url("cmp3", "inst-web"), {
            "host": "cmp3", "instance": "inst-web", "password_mode": "none",
            "final_state": "stopped", "confirm": "on"})
        self.assertRedirectsNoFollow(
            res, reverse("horizon:admin:hosts:detail", args=["cmp3"]) +
            "?tab=host_details__instances")
        self.assertTrue(any("Compute service of cmp3 is still in use." in m
                            and "web" in m for m in _messages(res)),
                        _messages(res))

    @test.create_mocks(GATHER)
    def test_instance_not_on_host_redirects(self):
        self.setup_cloud()
        res = self.client.get(instance_url("cmp3", "inst-gone"))
        self.assertEqual(302, res.status_code)

    @test.create_mocks(GATHER)
    def test_nova_unreachable_is_a_message_not_a_500(self):
        self.setup_cloud()
        self.mock_service_list.side_effect = \
            nova_exceptions.ClientException(503, "Service Unavailable")
        res = self.client.get(host_url("cmp3"))
        self.assertRedirectsNoFollow(res, reverse("horizon:admin:hosts:index"))
        self.assertTrue(any("Service Unavailable" in m and "cmp3" in m
                            for m in _messages(res)), _messages(res))


class EvacuateHostTests(_Cloud, test.BaseAdminViewTests):

    def _three(self):
        return [f.instance("<b>web</b>", "cmp3", instance_id="inst-web"),
                f.instance("db", "cmp3", image=None),
                f.instance("tpm", "cmp3",
                           extra_specs={"hw:tpm_version": "2.0"}),
                f.instance("busy", "cmp3", task_state="rebuilding")]

    @test.create_mocks(GATHER)
    def test_get_says_what_will_happen(self):
        self.setup_cloud(instances=self._three())
        res = self.client.get(host_url("cmp3"))
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "evacuation-data-lost")
        self.assertContains(res, "evacuation-disk-kept")
        self.assertContains(res, "vtpm-evacuate")
        self.assertContains(res, "task-in-progress")
        self.assertContains(res, 'value="Evacuate All Instances"')
        self.assertNotContains(res, "<b>web</b>")
        self.assertContains(res, "&lt;b&gt;web&lt;/b&gt;")

    @test.create_mocks(GATHER)
    def test_result_table_with_partial_failure(self):
        self.setup_cloud(instances=self._three())

        def evacuate(request, instance_id, host=None, password=None,
                     keep_state=False):
            if instance_id == "inst-db":
                raise nova_exceptions.Conflict(
                    409, "Cannot 'evacuate' instance inst-db while it is in "
                         "vm_state building")
            return None

        self.mock_instance_evacuate.side_effect = evacuate
        res = self.client.post(host_url("cmp3"), {
            "host": "cmp3", "destination": "", "final_state": "stopped",
            "password_mode": "generate", "confirm": "on"})
        self.assertNoFormErrors(res)
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "admin/hosts/evacuation/"
                                     "host_result.html")
        # Blocked instances are not sent; the others concurrently.
        sent = sorted(c[0][1] for c in
                      self.mock_instance_evacuate.call_args_list)
        self.assertEqual(["inst-db", "inst-web"], sent)
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual(data.ACCEPTED, rows["inst-web"].outcome)
        self.assertEqual(data.REFUSED, rows["inst-db"].outcome)
        self.assertIn("vm_state building", rows["inst-db"].reason)
        self.assertEqual(data.NOT_SENT, rows["inst-tpm"].outcome)
        self.assertIn("vTPM", rows["inst-tpm"].reason)
        self.assertEqual(data.NOT_SENT, rows["inst-busy"].outcome)
        # Not moved first, and the summary says so.
        self.assertEqual(data.ACCEPTED, res.context["table"].data[-1].outcome)
        self.assertContains(res, "1 accepted by Nova, 3 not moved")
        content = res.content.decode()
        self.assertIn("evacuation__row__inst-db", content)
        self.assertIn("vm_state building", content)
        # The accepted row refreshes itself from the status view.
        self.assertIn(status_url("cmp3") + "?action=row_update", content)
        # The generated password of the accepted instance, once.
        password = [c for c in self.mock_instance_evacuate.call_args_list
                    if c[0][1] == "inst-web"][0][1]["password"]
        self.assertEqual(1, content.count(password))
        self.assertNotIn("<b>web</b>", content)

    @test.create_mocks(GATHER)
    def test_chosen_destination_for_all(self):
        self.setup_cloud()
        res = self.client.post(host_url("cmp3"), {
            "host": "cmp3", "destination": "cmp1", "final_state": "stopped",
            "password_mode": "none", "confirm": "on"})
        self.assertNoFormErrors(res)
        hosts = {c[1]["host"] for c in
                 self.mock_instance_evacuate.call_args_list}
        self.assertEqual({"cmp1"}, hosts)
        # A disabled host cannot be chosen.
        res = self.client.post(host_url("cmp3"), {
            "host": "cmp3", "destination": "cmp2", "final_state": "stopped",
            "password_mode": "none", "confirm": "on"})
        self.assertFormErrors(res, 1)

    @test.create_mocks(GATHER)
    def test_every_instance_blocked_is_not_submitted(self):
        self.setup_cloud(instances=[f.instance(
            "tpm", "cmp3", extra_specs={"hw:tpm_version": "2.0"})])
        res = self.client.post(host_url("cmp3"), {
            "host": "cmp3", "final_state": "stopped",
            "password_mode": "none", "confirm": "on"})
        assert_form_error(self, res, "every instance has a blocker")
        self.mock_instance_evacuate.assert_not_called()


class StatusTests(test.BaseAdminViewTests):

    @test.create_mocks({api.nova: ["service_list", "instance_list",
                                   "migration_list", "instance_get"]})
    def test_status_lists_moved_in_flight_and_left_behind(self):
        self.mock_service_list.return_value = [
            f.service("cmp3", state="down", forced_down=True)]
        self.mock_instance_list.return_value = [
            f.instance("moved", "cmp1"), f.instance("flying", "cmp3"),
            f.instance("left", "cmp3"), f.instance("other", "cmp2")]
        flying = f.migration(9, "inst-flying", "cmp3", None,
                             status="accepted", migration_type="evacuation")
        flying._data["updated_at"] = _ago(seconds=20)
        self.mock_migration_list.return_value = [
            flying,
            f.migration(8, "inst-moved", "cmp3", "cmp1", status="done",
                        migration_type="evacuation"),
            f.migration(7, "inst-other", "cmp2", "cmp3",
                        status="completed", migration_type="evacuation")]
        res = self.client.get(status_url("cmp3"))
        self.assertEqual(200, res.status_code)
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual({"inst-moved", "inst-flying", "inst-left"},
                         set(rows))
        self.assertEqual("not moved", rows["inst-left"].progress)
        self.assertEqual("in flight", rows["inst-flying"].progress)
        self.assertEqual("rebuilt", rows["inst-moved"].progress)
        self.assertContains(res, "start its nova-compute service first")
        content = res.content.decode()
        self.assertIn("ajax-update", content)

        # The row refresh: one instance read, one migration list.
        self.mock_instance_get.return_value = f.instance("flying", "cmp1")
        self.mock_migration_list.return_value = [
            f.migration(9, "inst-flying", "cmp3", "cmp1", status="done",
                        migration_type="evacuation")]
        res = self.client.get(
            status_url("cmp3") + "?action=row_update&table=evacuation"
            "&obj_id=inst-flying", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertEqual(200, res.status_code)
        content = res.content.decode()
        self.assertIn("evacuation__row__inst-flying", content)
        self.assertIn("done", content)
        self.assertNotIn("ajax-update", content)
        self.mock_instance_get.assert_called_once()

    @test.create_mocks({api.nova: ["service_list", "instance_list",
                                   "migration_list", "instance_get"]})
    def test_failed_and_lost_evacuations_are_named_as_such(self):
        """After a crash (nova-conductor killed): one evacuation failed,
        one was lost in `accepted` with the instance stuck rebuilding on
        the failed host, one is still young."""
        self.mock_service_list.return_value = [
            f.service("cmp3", state="down", forced_down=True)]
        failed = f.instance("failed", "cmp3", status="ERROR")
        failed._data["fault"] = {"message": "No valid host <b>x</b>"}
        self.mock_instance_list.return_value = [
            failed,
            f.instance("lost", "cmp3", status="REBUILD",
                       task_state="rebuilding"),
            f.instance("young", "cmp3", status="REBUILD",
                       task_state="rebuilding")]
        lost = f.migration(9, "inst-lost", "cmp3", None, status="accepted",
                           migration_type="evacuation")
        lost._data["created_at"] = lost._data["updated_at"] = _ago(
            seconds=stall.STALL_SECONDS + 60)
        young = f.migration(10, "inst-young", "cmp3", None,
                            status="accepted", migration_type="evacuation")
        young._data["created_at"] = young._data["updated_at"] = _ago(
            seconds=30)
        self.mock_migration_list.return_value = [
            young, lost,
            f.migration(8, "inst-failed", "cmp3", "cmp2", status="failed",
                        migration_type="evacuation")]
        res = self.client.get(status_url("cmp3"))
        self.assertEqual(200, res.status_code)
        rows = {r.id: r for r in res.context["table"].data}
        self.assertEqual("failed", rows["inst-failed"].progress)
        self.assertEqual("stalled", rows["inst-lost"].progress)
        self.assertEqual("in flight", rows["inst-young"].progress)
        content = res.content.decode()
        self.assertIn("Evacuation failed; still on cmp3. No valid host "
                      "&lt;b&gt;x&lt;/b&gt;", content)
        self.assertIn("1 rebuilding, 1 failed, 1 stalled, 0 not moved",
                      content)
        self.assertIn("evacuation-stalled", content)
        self.assertIn("openstack server set --state error inst-lost",
                      content)
        reset = "horizon:admin:hosts:instance_reset_state"
        self.assertIn(reverse(reset, args=["cmp3", "inst-lost"]) +
                      "?state=error&amp;next=", content)
        self.assertNotIn(reverse(reset, args=["cmp3", "inst-young"]),
                         content)
        self.assertIn("task &#x27;rebuilding&#x27;", content)
        # Only the young one keeps refreshing itself.
        self.assertEqual(1, content.count("ajax-update"))

        # Its own refresh says the same.
        self.mock_instance_get.return_value = f.instance(
            "lost", "cmp3", status="REBUILD", task_state="rebuilding")
        self.mock_migration_list.return_value = [lost]
        res = self.client.get(
            status_url("cmp3") + "?action=row_update&table=evacuation"
            "&obj_id=inst-lost", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertEqual(200, res.status_code)
        self.assertIn("Stalled", res.content.decode())
        self.assertNotIn("ajax-update", res.content.decode())

    def test_the_stall_delay_is_a_setting(self):
        row = data.Row(id="i", outcome=data.ACCEPTED, host="cmp3",
                       migration_status="accepted")
        mig = f.migration(1, "i", "cmp3", None, status="accepted",
                          migration_type="evacuation")
        mig._data["updated_at"] = _ago(seconds=90)
        self.assertFalse(data.mark_stalled(row, mig, "cmp3").stalled)
        with self.settings(MIGRATION_DASHBOARD_STALL_SECONDS=60):
            self.assertTrue(data.mark_stalled(row, mig, "cmp3").stalled)
        # Left the failed host: never "stalled", whatever the record says.
        row = data.Row(id="i", outcome=data.ACCEPTED, host="cmp1")
        with self.settings(MIGRATION_DASHBOARD_STALL_SECONDS=60):
            self.assertFalse(data.mark_stalled(row, mig, "cmp3").stalled)


def _ago(seconds):
    when = datetime.datetime.now(datetime.timezone.utc) - \
        datetime.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000000")


class ApiTests(test.TestCase):
    """instance_evacuate: the body per microversion, the answer."""

    def _client(self, version, answer=None):
        from novaclient import api_versions
        client = mock.Mock()
        client.api_version = api_versions.APIVersion(version)
        client.client.post.return_value = (mock.Mock(), answer)
        return client

    def test_body_and_microversion(self):
        cases = [("2.95", False, {"host": "cmp1", "adminPass": "p"}, None),
                 ("2.94", True, {"host": "cmp1", "adminPass": "p"}, None),
                 ("2.1", False, {"host": "cmp1", "adminPass": "p",
                                 "onSharedStorage": False},
                  {"adminPass": "p"})]
        for version, keep, body, answer in cases:
            client = self._client(version, answer)
            with mock.patch.object(api.nova, "novaclient",
                                   return_value=client) as factory:
                returned = api.nova.instance_evacuate(
                    mock.Mock(), "i-1", host="cmp1", password="p",
                    keep_state=keep)
            wanted = factory.call_args[0][1]
            self.assertEqual("2.94" if keep else "2.95", wanted)
            # log=False: the body and the answer may carry a password.
            client.client.post.assert_called_once_with(
                "/servers/i-1/action", body={"evacuate": body}, log=False)
            self.assertEqual((answer or {}).get("adminPass"), returned)

    def test_scheduler_and_no_password_send_an_empty_body(self):
        client = self._client("2.95")
        with mock.patch.object(api.nova, "novaclient", return_value=client):
            api.nova.instance_evacuate(mock.Mock(), "i-1")
        client.client.post.assert_called_once_with(
            "/servers/i-1/action", body={"evacuate": {}}, log=False)

    def test_generated_passwords(self):
        seen = set()
        for _i in range(50):
            password = evac_forms.generate_password()
            self.assertEqual(evac_forms.PASSWORD_LENGTH, len(password))
            self.assertTrue(any(c.isdigit() for c in password))
            self.assertTrue(any(c.isupper() for c in password))
            self.assertTrue(any(c.islower() for c in password))
            self.assertIsNone(evac_forms.password_ok(password))
            seen.add(password)
        self.assertEqual(50, len(seen))


DISABLE = dict(GATHER)
DISABLE[api.nova] = GATHER[api.nova] + ["service_disable"]


class DisableSourceTests(_Cloud, test.BaseAdminViewTests):
    """Evacuation disables the failed host (guide: disable, then
    evacuate), so nothing is scheduled there when its compute comes
    back; the result says to re-enable it with Complete Maintenance."""

    def _post(self, **extra):
        form = {"host": "cmp3", "destination": "", "final_state": "stopped",
                "password_mode": "none", "confirm": "on"}
        form.update(extra)
        return self.client.post(host_url("cmp3"), form)

    @test.create_mocks(DISABLE)
    def test_offered_checked_with_a_reason(self):
        self.setup_cloud()
        res = self.client.get(host_url("cmp3"))
        self.assertRegex(res.content.decode(),
                         r'<input type="checkbox" name="disable_source"'
                         r'[^>]* checked>')
        self.assertContains(res, "Enable it with Complete Maintenance")

    @test.create_mocks(DISABLE)
    def test_disabled_with_the_reason_then_evacuated(self):
        self.setup_cloud()
        order = []
        self.mock_service_disable.side_effect = \
            lambda *a: order.append("disable")
        self.mock_instance_evacuate.side_effect = \
            lambda *a, **k: order.append("evacuate")
        res = self._post(disable_source="on", disable_reason="PSU <b>")
        self.assertNoFormErrors(res)
        self.mock_service_disable.assert_called_once_with(
            mock.ANY, "cmp3", "PSU <b>")
        self.assertEqual(["disable", "evacuate", "evacuate"], order)
        self.assertContains(res, "evacuation-source-disabled")
        self.assertContains(res, reverse(
            "horizon:admin:hosts:complete_maintenance", args=["cmp3"]))
        self.assertNotContains(res, "evacuation-source-enabled")

    @test.create_mocks(DISABLE)
    def test_unchecked_leaves_it_enabled_and_says_so(self):
        self.setup_cloud()
        res = self._post()
        self.assertNoFormErrors(res)
        self.mock_service_disable.assert_not_called()
        self.assertContains(res, "evacuation-source-enabled")

    @test.create_mocks(DISABLE)
    def test_a_reason_is_required(self):
        self.setup_cloud()
        res = self._post(disable_source="on", disable_reason="  ")
        self.assertFormErrors(res, 1)
        self.mock_instance_evacuate.assert_not_called()

    @test.create_mocks(DISABLE)
    def test_nova_refusing_is_a_message_and_the_evacuation_goes_on(self):
        self.setup_cloud()
        self.mock_service_disable.side_effect = nova_exceptions.Forbidden(
            403, "Policy doesn't allow os-services:update")
        res = self._post(disable_source="on", disable_reason="PSU")
        self.assertEqual(2, self.mock_instance_evacuate.call_count)
        self.assertIn("Unable to disable host cmp3: Policy doesn't allow "
                      "os-services:update. Disable it before its compute "
                      "service comes back.", " ".join(_messages(res)))
        self.assertContains(res, "evacuation-source-enabled")
