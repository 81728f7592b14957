"""Every page of the plugin, with Nova/Placement/Keystone failing at the
HTTP layer (each error status, a timeout, a refused connection): a clear
message and a page (or a redirect with a message), never a 500."""
import re

import requests
import requests_mock
from django.urls import reverse

from openstack_dashboard.test import helpers as test

from tests.unit import test_permissions

SAMPLE = {"host": "cmp1", "instance_id": "inst-cmp1-0", "migration_id": "1"}
FAULTS = (400, 403, 404, 409, 500, 503,
          requests.exceptions.ConnectTimeout, requests.exceptions.ConnectionError)


def page_urls():
    urls = []
    for name, _url in test_permissions.plugin_urls():
        pattern = reverse  # resolve the argument names of each pattern
        for kwargs in ({}, {"host": SAMPLE["host"]},
                       {"host": SAMPLE["host"],
                        "instance_id": SAMPLE["instance_id"]},
                       {"instance_id": SAMPLE["instance_id"]},
                       {"instance_id": SAMPLE["instance_id"],
                        "migration_id": SAMPLE["migration_id"]}):
            try:
                urls.append((name, pattern(name, kwargs=kwargs)))
                break
            except Exception:
                continue
    return urls


class FaultTests(test.BaseAdminViewTests):

    def _get_with_fault(self, url, fault):
        with requests_mock.Mocker() as m:
            if isinstance(fault, int):
                m.register_uri(requests_mock.ANY, re.compile(".*"),
                               status_code=fault,
                               json={"error": {"code": fault,
                                               "message": "injected %d"
                                               % fault}})
            else:
                m.register_uri(requests_mock.ANY, re.compile(".*"),
                               exc=fault)
            from migration_dashboard.api import microversions
            microversions.forget()
            return self.client.get(url)

    def test_every_page_survives_every_fault(self):
        urls = page_urls()
        self.assertGreater(len(urls), 10)
        for name, url in urls:
            for fault in FAULTS:
                res = self._get_with_fault(url, fault)
                # 4xx only where the endpoint itself refuses a bare GET
                # (e.g. the findings fragment without its form data).
                self.assertLess(res.status_code, 500,
                                (name, fault, res.status_code))
                if res.status_code == 302:
                    # A redirect back into the plugin with a message, not a
                    # logout.
                    self.assertNotIn("/auth/login", res["location"],
                                     (name, fault))

    def test_token_refused_by_nova_is_horizons_unauthorized_path(self):
        # Horizon itself logs a user out once its token has expired; a 401
        # from Nova on a token Horizon still holds goes through Horizon's
        # unauthorized handling (its "not authorized" page), never a 500.
        res = self._get_with_fault(reverse("horizon:admin:hosts:index"), 401)
        self.assertEqual(403, res.status_code)
        self.assertTemplateUsed(res, "not_authorized.html")
