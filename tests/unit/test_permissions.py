"""Every URL of the plugin refuses a non-admin user, for GET and POST, and
no API call is made on their behalf; policy-denied actions refuse admins."""
import re
from unittest import mock

from django.test.utils import override_settings
from django.urls import get_resolver
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from migration_dashboard.api import keystone  # noqa: F401 (api.keystone)
from migration_dashboard.api import neutron  # noqa: F401 (api.neutron)
from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY
from tests.unit.policy_cloud import COLD_MOVED
from tests.unit.policy_cloud import DRAINED
from tests.unit.policy_cloud import EVACUEE
from tests.unit.policy_cloud import MIGRATING
from tests.unit.policy_cloud import PolicyCloud
from tests.unit.policy_cloud import SHUTOFF
from tests.unit.policy_cloud import SINCE
from tests.unit.policy_cloud import VERIFY

PLUGIN_NAMESPACES = ("horizon:admin:hosts", "horizon:admin:migrations")


def plugin_urls():
    """(name, url) for every URL pattern of the plugin's panels."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace
                walk(pattern.url_patterns,
                     namespace + ":" + ns if ns else namespace)
            elif namespace.lstrip(":").startswith(PLUGIN_NAMESPACES):
                regex = pattern.pattern.regex.pattern
                kwargs = {name: "1" for name in
                          re.findall(r"\(\?P<(\w+)>", regex)}
                name = namespace.lstrip(":") + ":" + pattern.name
                found.append((name, reverse(name, kwargs=kwargs)))
    walk(get_resolver().url_patterns, "")
    return found


API_MODULES = (api.nova, api.placement, api.neutron, api.keystone)


def _no_api_calls():
    """Patch every public function of the api modules to fail loudly."""
    patchers = []
    for module in API_MODULES:
        for name in dir(module):
            attr = getattr(module, name)
            if callable(attr) and not name.startswith("_") and \
                    getattr(attr, "__module__", "") == module.__name__ and \
                    not isinstance(attr, type):
                patchers.append(mock.patch.object(
                    module, name,
                    side_effect=AssertionError("API called: " + name)))
    return patchers


class NonAdminTests(test.TestCase):
    """helpers.TestCase logs in a member (non-admin) of a project."""

    def test_plugin_has_urls_to_check(self):
        names = [n for n, _u in plugin_urls()]
        self.assertIn("horizon:admin:hosts:index", names)
        self.assertIn("horizon:admin:hosts:disable", names)

    def test_the_guard_covers_every_api_module(self):
        guarded = {(p.getter().__name__, p.attribute)
                   for p in _no_api_calls()}
        for module, name in (("nova", "service_disable"),
                             ("placement", "allocation_candidates"),
                             ("neutron", "port_vnic_types"),
                             ("keystone", "project_list")):
            self.assertIn(("migration_dashboard.api." + module, name),
                          guarded)

    def test_every_plugin_url_refuses_a_non_admin(self):
        patchers = _no_api_calls()
        for p in patchers:
            p.start()
        try:
            for name, url in plugin_urls():
                for method in (self.client.get, self.client.post):
                    res = method(url, {"host": "1", "reason": "x"})
                    # Horizon's "not authorized" page for a logged-in user.
                    self.assertEqual(403, res.status_code, (name, method))
                    self.assertTemplateUsed(res, "not_authorized.html")
        finally:
            for p in patchers:
                p.stop()


DENIED_RULE = "os_compute_api:os-services:update"


def deny_service_update(actions, request, target=None):
    """A policy engine in which only the services update rule is denied."""
    return all(rule != DENIED_RULE for _svc, rule in actions)


class PolicyDeniedTests(test.BaseAdminViewTests):

    def _deny(self, rule):
        self.assertEqual(DENIED_RULE, rule)
        return override_settings(
            POLICY_CHECK_FUNCTION="tests.unit.test_permissions."
                                  "deny_service_update")

    @test.create_mocks({api.nova: ["service_disable"]})
    def test_direct_post_is_refused_when_policy_denies(self):
        with self._deny("os_compute_api:os-services:update"):
            res = self.client.post(
                reverse("horizon:admin:hosts:disable", args=["cmp1"]),
                {"host": "cmp1", "reason": "x"})
        self.assertEqual(403, res.status_code)
        self.mock_service_disable.assert_not_called()

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "migration_list"]})
    def test_denied_actions_are_not_offered(self):
        from tests.unit import fixtures as f
        self.mock_service_list.return_value = [f.service("cmp1")]
        self.mock_hypervisor_list.return_value = []
        self.mock_migration_list.return_value = []
        url = reverse("horizon:admin:hosts:index")
        res = self.client.get(url)
        self.assertContains(res, "hosts__row_cmp1__action_disable")
        with self._deny("os_compute_api:os-services:update"):
            res = self.client.get(url)
        self.assertNotContains(res, "hosts__row_cmp1__action_disable")
        self.assertNotContains(res, "hosts__row_cmp1__action_force_down")


class CsrfTests(test.BaseAdminViewTests):

    @test.create_mocks({api.nova: ["service_disable"]})
    def test_post_without_csrf_token_is_rejected(self):
        self.client.handler.enforce_csrf_checks = True
        res = self.client.post(reverse("horizon:admin:hosts:disable",
                                       args=["cmp1"]),
                               {"host": "cmp1", "reason": "x"})
        self.assertEqual(403, res.status_code)
        self.mock_service_disable.assert_not_called()


class ModalTemplateTests(test.BaseAdminViewTests):
    """Every modal form of the plugin has both templates Horizon needs: the
    full page (direct link) and the modal fragment (ajax-modal)."""

    def test_every_modal_form_has_page_and_ajax_templates(self):
        import os

        from django.template import loader
        from horizon import forms as horizon_forms

        checked = []
        for name, url in plugin_urls():
            match = get_resolver().resolve(url)
            view = getattr(match.func, "view_class", None)
            if not view or not issubclass(view, horizon_forms.ModalFormView):
                continue
            ajax = getattr(view, "ajax_template_name", None)
            if not ajax:
                head, tail = os.path.split(view.template_name)
                ajax = os.path.join(head, "_" + tail)
            for template in (view.template_name, ajax):
                loader.get_template(template)  # raises if it is missing
            checked.append(name)
        self.assertIn("horizon:admin:hosts:disable", checked)


# ------------------------------------------------- every action, denied
# Each action of the plugin, POSTed directly with its own policy rule
# denied, sends nothing to Nova (the button may hide; the POST is what a
# stale page or a hand-made request sends).  Every case runs twice at the
# HTTP layer (tests/unit/policy_cloud.py): allowed, it must send a write to
# Nova (so the POST is one that reaches the call), then denied, none.

SERVICE_UPDATE = DENIED_RULE
LIVE = "os_compute_api:os-migrate-server:migrate_live"
LIVE_HOST = "os_compute_api:os-migrate-server:migrate_live:host"
COLD = "os_compute_api:os-migrate-server:migrate"
COLD_HOST = "os_compute_api:os-migrate-server:migrate:host"
CONFIRM = "os_compute_api:servers:confirm_resize"
REVERT = "os_compute_api:servers:revert_resize"
START = "os_compute_api:servers:start"
EVACUATE = "os_compute_api:os-evacuate"
ABORT = "os_compute_api:servers:migrations:delete"
FORCE_COMPLETE = "os_compute_api:servers:migrations:force_complete"

# The rule the policy engine refuses (None: every rule allowed).
DENIED = []


def deny_one_rule(actions, request, target=None):
    """A policy engine in which only the rule in DENIED is refused."""
    return all(rule not in DENIED for _svc, rule in actions)


def _url(name, *args, query=""):
    return reverse("horizon:admin:hosts:" + name, args=args) + query


def _mig_url(name, *args):
    return reverse("horizon:admin:migrations:" + name, args=args)


INDEX = reverse("horizon:admin:hosts:index")
INSTANCES_TAB = _url("detail", "cmp1", query="?tab=host_details__instances")
DRAIN_STATUS = _url("drain_status", DRAINED)

# (case, denied rule, url, posted data)
CASES = [
    # Hosts table: row and batch actions.
    ("enable row", SERVICE_UPDATE, INDEX, {"action": "hosts__enable__cmp2"}),
    ("enable batch", SERVICE_UPDATE, INDEX,
     {"action": "hosts__enable", "object_ids": ["cmp2"]}),
    ("force up row", SERVICE_UPDATE, INDEX,
     {"action": "hosts__force_up__cmp3"}),
    ("force up batch", SERVICE_UPDATE, INDEX,
     {"action": "hosts__force_up", "object_ids": ["cmp3"]}),
    # Host forms.
    ("disable", SERVICE_UPDATE, _url("disable", "cmp1"),
     {"host": "cmp1", "reason": "kernel"}),
    ("disable many", SERVICE_UPDATE, _url("disable_many"),
     {"hosts": ["cmp1"], "reason": "kernel"}),
    ("force down", SERVICE_UPDATE, _url("force_down", "cmp1"),
     {"host": "cmp1", "fenced": "on"}),
    ("prepare destination", SERVICE_UPDATE,
     _url("prepare_destination", "cmp1"),
     {"host": "cmp1", "source": "cmp2", "accept_others": "on",
      "disable": "on"}),
    ("complete maintenance", SERVICE_UPDATE,
     _url("complete_maintenance", "cmp2"), {"host": "cmp2"}),
    # Drain: start, submit, move back, the status table's actions.
    ("drain start, services", SERVICE_UPDATE, _url("drain_start", "cmp1"),
     {"host": "cmp1", "reason": "kernel"}),
    ("drain start, live", LIVE, _url("drain_start", "cmp1"),
     {"host": "cmp1", "reason": "kernel"}),
    ("drain start, cold", COLD, _url("drain_start", "cmp1"),
     {"host": "cmp1", "reason": "kernel"}),
    ("drain submit, services", SERVICE_UPDATE, _url("drain_plan", "cmp1"),
     {"submit": "1", "acknowledge": "on"}),
    ("drain submit, live", LIVE, _url("drain_plan", "cmp1"),
     {"submit": "1", "acknowledge": "on"}),
    ("drain submit, live to a host", LIVE_HOST, _url("drain_plan", "cmp1"),
     {"submit": "1", "acknowledge": "on",
      "dest__inst-cmp1-1": "cmp5"}),
    ("drain submit, cold to a host", COLD_HOST, _url("drain_plan", "cmp1"),
     {"submit": "1", "acknowledge": "on",
      "strategy__inst-cmp1-1": "cold", "dest__inst-cmp1-1": "cmp5"}),
    ("move back, live to the host", LIVE_HOST, _url("drain_move_back",
                                                    DRAINED),
     {"submit": "1", "acknowledge": "on", "enable_first": "on",
      "since": SINCE}),
    ("move back, enable the host", SERVICE_UPDATE,
     _url("drain_move_back", DRAINED),
     {"submit": "1", "acknowledge": "on", "enable_first": "on",
      "since": SINCE}),
    ("drain confirm all", CONFIRM, DRAIN_STATUS,
     {"action": "drain__confirm_all"}),
    ("drain confirm row", CONFIRM, DRAIN_STATUS,
     {"action": "drain__confirm__" + COLD_MOVED}),
    ("drain confirm batch", CONFIRM, DRAIN_STATUS,
     {"action": "drain__confirm", "object_ids": [COLD_MOVED]}),
    ("drain revert row", REVERT, DRAIN_STATUS,
     {"action": "drain__revert__" + COLD_MOVED}),
    ("drain revert batch", REVERT, DRAIN_STATUS,
     {"action": "drain__revert", "object_ids": [COLD_MOVED]}),
    # A migration's own page: Confirm / Revert of the cold move waiting.
    ("migration page confirm", CONFIRM, _mig_url("detail", COLD_MOVED, 2),
     {"action": "migration_status__confirm__2"}),
    ("migration page revert", REVERT, _mig_url("detail", COLD_MOVED, 2),
     {"action": "migration_status__revert__2"}),
    # A host's instances: row and batch actions, the move forms.
    ("instances confirm row", CONFIRM, INSTANCES_TAB,
     {"action": "instances__confirm__" + VERIFY}),
    ("instances confirm batch", CONFIRM, INSTANCES_TAB,
     {"action": "instances__confirm", "object_ids": [VERIFY]}),
    ("instances revert row", REVERT, INSTANCES_TAB,
     {"action": "instances__revert__" + VERIFY}),
    ("instances revert batch", REVERT, INSTANCES_TAB,
     {"action": "instances__revert", "object_ids": [VERIFY]}),
    ("instances start row", START, INSTANCES_TAB,
     {"action": "instances__start__" + SHUTOFF}),
    ("instances start batch", START, INSTANCES_TAB,
     {"action": "instances__start", "object_ids": [SHUTOFF]}),
    ("live migrate", LIVE, _url("instance_live_migrate", "cmp1",
                                "inst-cmp1-1"),
     {"host": "cmp1", "instances": "inst-cmp1-1", "destination": "",
      "acknowledge": "on"}),
    ("live migrate to a host", LIVE_HOST,
     _url("instance_live_migrate", "cmp1", "inst-cmp1-1"),
     {"host": "cmp1", "instances": "inst-cmp1-1", "destination": "cmp5",
      "acknowledge": "on"}),
    ("cold migrate", COLD, _url("instance_cold_migrate", "cmp1",
                                "inst-cmp1-1"),
     {"host": "cmp1", "instances": "inst-cmp1-1", "destination": "",
      "acknowledge": "on"}),
    ("cold migrate to a host", COLD_HOST,
     _url("instance_cold_migrate", "cmp1", "inst-cmp1-1"),
     {"host": "cmp1", "instances": "inst-cmp1-1", "destination": "cmp5",
      "acknowledge": "on"}),
    # Evacuation.
    ("evacuate host", EVACUATE, _url("evacuate_host", "cmp3"),
     {"host": "cmp3", "destination": "", "final_state": "stopped",
      "password_mode": "none", "confirm": "on"}),
    ("evacuate instance", EVACUATE,
     _url("evacuate_instance", "cmp3", EVACUEE),
     {"host": "cmp3", "instance": EVACUEE, "destination": "",
      "final_state": "stopped", "password_mode": "none", "confirm": "on"}),
    # Migrations panel.
    ("abort", ABORT, _mig_url("abort", MIGRATING, "3"),
     {"instance_id": MIGRATING, "migration_id": "3"}),
    ("force complete", FORCE_COMPLETE,
     _mig_url("force_complete", MIGRATING, "3"),
     {"instance_id": MIGRATING, "migration_id": "3"}),
]


class PolicyMatrixTests(test.BaseAdminViewTests):

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def _post(self, url, form, denied):
        DENIED[:] = [denied] if denied else []
        try:
            with override_settings(
                    POLICY_CHECK_FUNCTION="tests.unit.test_permissions."
                                          "deny_one_rule"), \
                    PolicyCloud() as cloud:
                cloud.catalog = self.service_catalog
                res = self.client.post(url, form)
        finally:
            DENIED[:] = []
        self.assertLess(res.status_code, 500)
        return cloud, res

    def test_every_action_sends_nothing_when_its_rule_is_denied(self):
        names = [c[0] for c in CASES]
        self.assertEqual(len(names), len(set(names)))
        for name, rule, url, form in CASES:
            with self.subTest(case=name):
                allowed, res = self._post(url, form, None)
                self.assertTrue(
                    allowed.nova_writes(),
                    "%s: allowed, the POST sends nothing (%s):\n%s" % (
                        name, res.status_code,
                        [str(m) for m in res.wsgi_request._messages]))
                denied, res = self._post(url, form, rule)
                self.assertEqual([], denied.nova_writes(),
                                 "%s: sent with %s denied" % (name, rule))

