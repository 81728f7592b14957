"""Reset state from a stalled drain row, on the demo cloud.

nova-conductor is stopped, then a drain move of web-3 is sent: Nova's API
accepts it and marks the instance 'migrating', and the request waits for
a conductor that is not there.  Past the stall delay the drain's status
page reports the row stalled and links to the reset page; resetting the
instance to ACTIVE there clears its task in Nova.  The cloud is restored
after (conductor started, seed layout, hosts enabled)."""
import re
from html import unescape

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from migration_dashboard import api
from migration_dashboard.services import drain
from tests import democloud
from tests.integration.test_chaos import _democloud
from tests.integration.test_chaos import _seed_ids
from tests.integration.test_chaos import chaos  # noqa: F401 (fixture)
from tests.integration.test_chaos import horizon  # noqa: F401 (fixture)

pytestmark = pytest.mark.integration

SOURCE, DEST = "cmp2", "cmp1"
STALL_SECONDS = 5


@override_settings(MIGRATION_DASHBOARD_STALL_SECONDS=STALL_SECONDS)
def test_reset_state_from_a_stalled_drain_row(
        admin_request, nova_admin, horizon, chaos):  # noqa: F811
    server_id = _seed_ids()["web-3"]
    drain.ensure_marker(admin_request, SOURCE, reason="reset-state test")
    _democloud("stop-service", "nova-conductor")
    try:
        api.nova.server_live_migrate(admin_request, server_id, host=DEST)
        chaos["stranded"].append(server_id)
        server = nova_admin.servers.get(server_id)
        assert getattr(server, "OS-EXT-STS:task_state") == "migrating"

        status_url = reverse("horizon:admin:hosts:drain_status",
                             args=[SOURCE])
        reset_path = reverse("horizon:admin:hosts:instance_reset_state",
                             args=[SOURCE, server_id])

        def stalled_row_links_reset():
            page = horizon.get(status_url).content.decode()
            found = re.search(r'href="(%s\?[^"]+)"' % re.escape(reset_path),
                              page)
            return unescape(found.group(1)) if found else None

        link = democloud.wait_for(stalled_row_links_reset, timeout=120,
                                  interval=3, what="the stalled row")
        assert "state=active" in link

        page = horizon.get(link)
        assert page.status_code == 200
        assert b"reset-state-consequences" in page.content
        res = horizon.post(link, {"instance_id": server_id,
                                  "state": "active", "confirm": "on",
                                  "next": status_url})
        assert res.status_code == 302, res.content[-2000:]
        assert res["location"] == status_url

        server = nova_admin.servers.get(server_id)
        assert server.status == "ACTIVE"
        assert getattr(server, "OS-EXT-STS:task_state") is None
        assert getattr(server, "OS-EXT-SRV-ATTR:host") == SOURCE
        # The row no longer offers a reset: nothing is left to undo.
        assert reset_path not in horizon.get(status_url).content.decode()
    finally:
        _democloud("start-service", "nova-conductor")
        # The started conductor takes the queued request and runs it:
        # let it end before the clean-up moves web-3 home or re-creates it.
        democloud.wait_for(
            lambda: not getattr(nova_admin.servers.get(server_id),
                                "OS-EXT-STS:task_state") and all(
                m.status in ("completed", "error", "failed", "cancelled")
                for m in nova_admin.migrations.list(
                    instance_uuid=server_id)),
            timeout=300, interval=3, what="the queued move to end")
