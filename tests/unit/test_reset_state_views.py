"""Reset state (os-resetState) of an instance a lost move left stuck: the
consequences and a confirmation first, Nova's refusal as a message."""
from django.urls import reverse
from novaclient import exceptions as nova_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from tests.unit import fixtures as f

UUID = "6f0c1f43-0d5e-4d64-9a3c-0e1d7f5b2a10"
MOCKS = {api.nova: ["instance_get", "instance_reset_state"]}


def url(host="cmp1", instance_id=UUID, query=""):
    return reverse("horizon:admin:hosts:instance_reset_state",
                   args=[host, instance_id]) + query


def _stuck(status="MIGRATING", task_state="migrating", host="cmp1"):
    return f.instance("<b>web</b>", host, status=status,
                      task_state=task_state, instance_id=UUID)


class ResetStateTests(test.BaseAdminViewTests):

    @test.create_mocks(MOCKS)
    def test_page_spells_out_the_consequences(self):
        self.mock_instance_get.return_value = _stuck()
        res = self.client.get(url(query="?state=error"))
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "reset-state-consequences")
        self.assertContains(res, "it starts, stops or moves")
        self.assertContains(res, "openstack server set --state")
        self.assertContains(res, "&lt;b&gt;web&lt;/b&gt;")
        self.assertEqual("error", res.context["form"].initial["state"])

    @test.create_mocks(MOCKS)
    def test_confirmed_reset_calls_nova_and_returns_to_the_row(self):
        self.mock_instance_get.return_value = _stuck()
        back = reverse("horizon:admin:hosts:drain_status", args=["cmp1"])
        res = self.client.post(url(), {"instance_id": UUID,
                                       "state": "active", "confirm": "on",
                                       "next": back})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, back)
        self.mock_instance_reset_state.assert_called_once_with(
            test.IsHttpRequest(), UUID, "active")

    @test.create_mocks(MOCKS)
    def test_no_reset_without_the_confirmation(self):
        self.mock_instance_get.return_value = _stuck()
        res = self.client.post(url(), {"instance_id": UUID,
                                       "state": "active"})
        self.assertFormErrors(res, 1)
        self.mock_instance_reset_state.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_nothing_to_reset_is_refused(self):
        self.mock_instance_get.return_value = _stuck(status="ACTIVE",
                                                     task_state=None)
        res = self.client.post(url(), {"instance_id": UUID,
                                       "state": "active", "confirm": "on"})
        self.assertFormErrors(res, 1)
        self.mock_instance_reset_state.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_an_error_instance_can_be_reset(self):
        self.mock_instance_get.return_value = _stuck(status="ERROR",
                                                     task_state=None)
        res = self.client.post(url(), {"instance_id": UUID,
                                       "state": "error", "confirm": "on"})
        self.assertNoFormErrors(res)
        self.mock_instance_reset_state.assert_called_once_with(
            test.IsHttpRequest(), UUID, "error")

    @test.create_mocks(MOCKS)
    def test_a_foreign_next_url_is_not_followed(self):
        self.mock_instance_get.return_value = _stuck()
        res = self.client.post(url(), {"instance_id": UUID,
                                       "state": "active", "confirm": "on",
                                       "next": "https://evil.example/"})
        self.assertRedirectsNoFollow(res, reverse(
            "horizon:admin:hosts:detail", args=["cmp1"]) +
            "?tab=host_details__instances")

    @test.create_mocks(MOCKS)
    def test_instance_on_another_host_redirects(self):
        self.mock_instance_get.return_value = _stuck(host="cmp2")
        res = self.client.get(url())
        self.assertEqual(302, res.status_code)
        self.mock_instance_reset_state.assert_not_called()

    @test.create_mocks(MOCKS)
    def test_nova_refusal_is_a_message(self):
        self.mock_instance_get.return_value = _stuck()
        self.mock_instance_reset_state.side_effect = \
            nova_exceptions.Forbidden(403, "Policy doesn't allow "
                                           "reset_state")
        res = self.client.post(url(), {"instance_id": UUID,
                                       "state": "active", "confirm": "on"})
        self.assertNotEqual(500, res.status_code)
        texts = [str(m) for m in res.wsgi_request._messages]
        self.assertIn("Unable to reset the state of <b>web</b>: Policy "
                      "doesn't allow reset_state", " ".join(texts))
