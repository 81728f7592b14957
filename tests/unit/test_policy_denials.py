"""Each action's own Nova policy rule, denied alone, refuses that action's
pages (GET) and submissions (POST) before Nova is asked anything.

An admin is logged in, so the panel's own rule passes: only the action's
rule is denied.  The api layer is real, against the fake cloud at the HTTP
layer (tests/unit/fake_cloud.py): a view that forgot its check would read
from Nova and render (or submit), which the zero-request assertion sees.
Each test also opens the same URL with nothing denied, so a refusal for
another reason (a bad URL, an unrelated rule) cannot pass for the check.
"""
from django.test.utils import override_settings
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from tests.unit.fake_cloud import FakeCloud
from tests.unit.fake_cloud import PlacementCatalogMixin

# Nova's rule names, written out (not read from content/policy.py).
ABORT = "os_compute_api:servers:migrations:delete"
FORCE_COMPLETE = "os_compute_api:servers:migrations:force_complete"
EVACUATE = "os_compute_api:os-evacuate"
COLD = "os_compute_api:os-migrate-server:migrate"
LIVE = "os_compute_api:os-migrate-server:migrate_live"


def _denying(rule):
    def check(actions, request, target=None):
        return all(name != rule for _service, name in actions)
    return check


deny_abort = _denying(ABORT)
deny_force_complete = _denying(FORCE_COMPLETE)
deny_evacuate = _denying(EVACUATE)
deny_cold = _denying(COLD)
deny_live = _denying(LIVE)

# Migration 0 of the fake cloud: a running live migration of inst-cmp1-0.
INSTANCE = "inst-cmp1-0"


class _DenialTest(PlacementCatalogMixin, test.BaseAdminViewTests):

    def _open(self, url, method, data, deny=None):
        """(response, Nova requests, Nova writes) of one request."""
        with FakeCloud() as cloud:
            cloud.catalog = self.service_catalog
            if deny:
                with override_settings(
                        POLICY_CHECK_FUNCTION="tests.unit."
                        "test_policy_denials." + deny):
                    res = getattr(self.client, method)(url, data)
            else:
                res = getattr(self.client, method)(url, data)
        return res, cloud.nova_requests, cloud.writes

    def assert_refused(self, deny, url, method="get", data=None):
        res, requests, writes = self._open(url, method, data or {}, deny)
        self.assertEqual(403, res.status_code, (deny, url, method))
        self.assertTemplateUsed(res, "not_authorized.html")
        self.assertEqual([], requests, "Nova was asked despite the denial")
        self.assertEqual([], writes)
        # The same request with nothing denied is not refused.
        res, requests, _writes = self._open(url, method, data or {})
        self.assertNotEqual(403, res.status_code, (url, method))
        self.assertTrue(requests, "the view never asked Nova")


class AbortDeniedTests(_DenialTest):
    url = reverse("horizon:admin:migrations:abort", args=[INSTANCE, "0"])

    def test_abort_form_is_refused(self):
        self.assert_refused("deny_abort", self.url)

    def test_abort_submission_is_refused_and_nothing_is_aborted(self):
        self.assert_refused("deny_abort", self.url, "post",
                            {"instance_id": INSTANCE, "migration_id": "0"})

    def test_force_complete_submission_is_refused(self):
        url = reverse("horizon:admin:migrations:force_complete",
                      args=[INSTANCE, "0"])
        self.assert_refused("deny_force_complete", url, "post",
                            {"instance_id": INSTANCE, "migration_id": "0"})


class EvacuationDeniedTests(_DenialTest):

    def test_evacuate_host_form_and_submission(self):
        url = reverse("horizon:admin:hosts:evacuate_host", args=["cmp1"])
        self.assert_refused("deny_evacuate", url)
        self.assert_refused("deny_evacuate", url, "post",
                            {"host": "cmp1", "instances": INSTANCE})

    def test_evacuate_instance_form_and_submission(self):
        url = reverse("horizon:admin:hosts:evacuate_instance",
                      args=["cmp1", INSTANCE])
        self.assert_refused("deny_evacuate", url)
        self.assert_refused("deny_evacuate", url, "post",
                            {"host": "cmp1", "instances": INSTANCE,
                             "destination": "cmp2"})

    def test_evacuation_status_page(self):
        url = reverse("horizon:admin:hosts:evacuation_status",
                      args=["cmp1"])
        self.assert_refused("deny_evacuate", url)


class FindingsFragmentDeniedTests(_DenialTest):
    url = reverse("horizon:admin:hosts:instances_findings", args=["cmp1"])

    def test_cold_findings_need_the_cold_rule(self):
        # Live migration stays allowed: the fragment must check the rule
        # of the kind it is asked for.
        self.assert_refused("deny_cold", self.url, "get",
                            {"kind": "cold", "instance": INSTANCE,
                             "destination": "cmp2"})

    def test_live_findings_need_the_live_rule(self):
        self.assert_refused("deny_live", self.url, "get",
                            {"kind": "live", "instance": INSTANCE,
                             "destination": "cmp2"})

    def test_cold_findings_are_not_refused_for_a_live_denial(self):
        res, _requests, _writes = self._open(
            self.url, "get", {"kind": "cold", "instance": INSTANCE},
            "deny_live")
        self.assertEqual(200, res.status_code)
