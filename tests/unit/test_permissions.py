"""Every URL of the plugin refuses a non-admin user, for GET and POST, and
no API call is made on their behalf; policy-denied actions refuse admins."""
import re
from unittest import mock

from django.test.utils import override_settings
from django.urls import get_resolver
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from migration_dashboard import api

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


def _no_api_calls():
    """Patch every public function of the api modules to fail loudly."""
    patchers = []
    for module in (api.nova, api.placement):
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
