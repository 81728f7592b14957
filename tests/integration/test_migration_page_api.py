"""Confirm and Revert from a migration's own page, on the demo cloud.

web-2 (seeded on cmp1) is cold migrated to cmp2 through the plugin's api
layer; once Nova leaves it in VERIFY_RESIZE, its migration's page (the
real views, logged in through the demo cloud's Keystone) says it waits
for confirmation and offers Confirm and Revert; the button's POST is sent
as the browser sends it, and Nova's own records are read back.  The seed
layout is restored after (the chaos fixture)."""
import re
from html import unescape

import pytest
from django.urls import reverse

from migration_dashboard import api
from tests import democloud
from tests.integration.test_chaos import _seed_ids
from tests.integration.test_chaos import chaos
from tests.integration.test_chaos import horizon

pytestmark = pytest.mark.integration
# Fixtures of test_chaos, which pytest finds by name in this module.
FIXTURES = (chaos, horizon)

NAME, SOURCE, DEST = "web-2", "cmp1", "cmp2"
HOST_ATTR = "OS-EXT-SRV-ATTR:host"
TASK_ATTR = "OS-EXT-STS:task_state"


def _text(res):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ",
                                    res.content.decode())).split())


def _ready(nova_admin, server_id):
    """web-2 where the seed put it, idle and ACTIVE, both hosts enabled
    and up: what the move needs (the chaos fixture restores this)."""
    server = nova_admin.servers.get(server_id)
    assert (server.status, getattr(server, TASK_ATTR),
            getattr(server, HOST_ATTR)) == ("ACTIVE", None, SOURCE)
    for svc in nova_admin.services.list(binary="nova-compute"):
        if svc.host in (SOURCE, DEST):
            assert (svc.status, svc.state) == ("enabled", "up"), svc.host


def _cold_migrate_to_verify_resize(admin_request, nova_admin, server_id):
    """The new migration's id, once Nova finished it (VERIFY_RESIZE)."""
    before = {m.id for m in nova_admin.migrations.list(
        instance_uuid=server_id)}
    api.nova.server_migrate(admin_request, server_id, host=DEST)

    def finished():
        new = [m for m in nova_admin.migrations.list(instance_uuid=server_id)
               if m.id not in before]
        if new and new[0].status in ("error", "failed"):
            raise AssertionError("the cold migration failed: %s"
                                 % new[0].status)
        server = nova_admin.servers.get(server_id)
        if new and new[0].status == "finished" and \
                server.status == "VERIFY_RESIZE":
            return new[0].id
        return None
    return democloud.wait_for(finished, timeout=180, interval=2,
                              what="%s in VERIFY_RESIZE" % NAME)


def _settled(nova_admin, server_id, host, mid, status):
    def done():
        server = nova_admin.servers.get(server_id)
        mig = next(m for m in nova_admin.migrations.list(
            instance_uuid=server_id) if m.id == mid)
        if server.status == "ERROR":
            raise AssertionError("%s went to ERROR" % NAME)
        return (server.status == "ACTIVE" and not getattr(server, TASK_ATTR)
                and mig.status == status and server)
    server = democloud.wait_for(done, timeout=180, interval=2,
                                what="%s %s" % (NAME, status))
    assert getattr(server, HOST_ATTR) == host


def _act_from_the_page(client, server_id, mid, action):
    url = reverse("horizon:admin:migrations:detail", args=[server_id, mid])
    page = client.get(url)
    assert page.status_code == 200
    text = _text(page)
    assert "Waiting for confirmation" in text
    assert "Migration UUID" in text and "Destination node" in text
    for name in ("confirm", "revert"):
        assert ('value="migration_status__%s__%s"' % (name, mid)
                ).encode() in page.content
    res = client.post(url, {"action": "migration_status__%s__%s"
                             % (action, mid)})
    assert res.status_code == 302, res.content[-2000:]
    assert res["location"] == url
    return url


@pytest.mark.parametrize("action, lands_on, status, said", [
    ("confirm", DEST, "confirmed",
     "Confirmed: %s stays on %s; its copy on %s was deleted." % (
         NAME, DEST, SOURCE)),
    ("revert", SOURCE, "reverted",
     "Reverted: %s is back on %s as it was before the migration" % (
         NAME, SOURCE)),
])
def test_confirm_or_revert_from_the_migration_page(
        admin_request, nova_admin, horizon, chaos,  # noqa: F811
        action, lands_on, status, said):
    server_id = _seed_ids()[NAME]
    _ready(nova_admin, server_id)
    mid = _cold_migrate_to_verify_resize(admin_request, nova_admin,
                                         server_id)
    url = _act_from_the_page(horizon, server_id, mid, action)
    _settled(nova_admin, server_id, lands_on, mid, status)
    assert said in _text(horizon.get(url))
