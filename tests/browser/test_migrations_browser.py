"""The Migrations panel in Chromium, against the demo cloud: a migration's
row refreshes itself to ``completed`` without the page being reloaded."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud

pytestmark = pytest.mark.browser

IMAGE = "cirros-tiny"
FLAVOR = "m1.tiny"


def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def _host(server):
    return getattr(server, "OS-EXT-SRV-ATTR:host", None)


def _idle(nova, server_id):
    server = nova.servers.get(server_id)
    if (server.status == "ACTIVE" and
            getattr(server, "OS-EXT-STS:task_state", None) is None):
        return server
    return None


SOURCE, DEST = "cmp1", "cmp2"


@pytest.fixture
def servers():
    """Two ACTIVE instances of the test's own on cmp1; deleted after."""
    nova = democloud.nova(democloud.session())
    democloud.computes_ready(nova)
    image = nova.glance.find_image(IMAGE)
    flavor = nova.flavors.find(name=FLAVOR)
    tag = uuid.uuid4().hex[:6]
    # The first one's live migration stays running until the test ends
    # it; the second's, queued behind it, ends at once when it runs.
    first = nova.servers.create(
        "mig-br-%s-a" % tag, image.id, flavor.id, nics="none", host=SOURCE,
        meta={democloud.LIVE_MIGRATION_SECONDS: democloud.HELD})
    created = [first]
    try:
        first = democloud.wait_for(lambda: _idle(nova, first.id),
                                   timeout=120, what="first instance")
        # The second on the same host, so that its live migration queues
        # behind the first one's (max_concurrent_live_migrations=1).
        second = nova.servers.create(
            "mig-br-%s-<b>b</b>" % tag, image.id, flavor.id, nics="none",
            host=_host(first),
            meta={democloud.LIVE_MIGRATION_SECONDS: "0"})
        created.append(second)
        second = democloud.wait_for(lambda: _idle(nova, second.id),
                                    timeout=120, what="second instance")
        yield nova, first, second
    finally:
        democloud.delete(nova, [server.id for server in created])


def _live_migration(nova, server_id):
    for m in nova.migrations.list(instance_uuid=server_id):
        if m.migration_type == "live-migration":
            return m
    return None


def test_row_of_a_migration_reaches_completed_without_reload(
        admin_browser, horizon_url, servers):
    nova, first, second = servers
    assert _host(first) == _host(second) == SOURCE
    dest = DEST
    first.live_migrate(host=dest, block_migration="auto")
    second.live_migrate(host=dest, block_migration="auto")
    migration = democloud.wait_for(lambda: _live_migration(nova, second.id),
                                   timeout=30, interval=0.2,
                                   what="the second migration listed")

    driver = admin_browser
    driver.get(horizon_url + "/admin/migrations/")
    row_id = "migrations__row__%s" % migration.id
    row = _wait(driver).until(ec.presence_of_element_located(
        (By.ID, row_id)))
    # Still in progress when the page was drawn: the row refreshes itself.
    assert "ajax-update" in row.get_attribute("class"), row.text
    # The list names the instance (one read per distinct instance of the
    # page, no server list), linked to the instance's migrations page.
    link = row.find_element(By.CSS_SELECTOR, 'a[href$="/admin/migrations/'
                            'instance/%s/"]' % second.id)
    assert link.text.strip() == second.name, row.text
    driver.execute_script("window.__not_reloaded = true;")

    # The first migration is held running: end it now (Nova's own call);
    # the second then runs and ends.
    held = democloud.wait_for(
        lambda: (lambda m: m if m and m.status == "running" else None)(
            _live_migration(nova, first.id)),
        timeout=60, what="the first migration running")
    nova.server_migrations.live_migrate_force_complete(first.id, held.id)

    _wait(driver, 120).until(
        lambda d: "completed" in d.find_element(By.ID, row_id).text)
    assert driver.execute_script("return window.__not_reloaded === true;")
    row = driver.find_element(By.ID, row_id)
    assert "ajax-update" not in row.get_attribute("class")
    # Both instances landed on the destination, ACTIVE.
    for server in (first, second):
        moved = democloud.wait_for(lambda: _idle(nova, server.id),
                                   timeout=60, what="instance idle")
        assert _host(moved) == dest

    # The detail page of the migration shows its steps, all done.
    driver.find_element(By.CSS_SELECTOR, "#%s td a" % row_id).click()
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".migration-steps")))
    steps = driver.find_elements(By.CSS_SELECTOR, ".migration-steps li")
    assert [s.get_attribute("class").split()[0] for s in steps] == \
        ["step-done"] * 6
    # The detail page names the instance; the hostile name is shown as
    # text, not markup.
    detail = driver.find_element(By.CSS_SELECTOR, ".migration-detail dl")
    assert "<b>b</b>" in detail.text
