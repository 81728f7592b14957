"""A migration's own page in Chromium, against the demo cloud: a cold
migration Nova finished says it waits for confirmation (no striped bar,
even after the row refreshed itself, and a duration that stands still),
Confirm on the page confirms it in Nova, and the page then says what
happened.  The test boots an instance of its own and deletes it after."""
import os
import time
import uuid

import pytest
from selenium.common.exceptions import NoSuchElementException
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud

pytestmark = pytest.mark.browser

IMAGE = "cirros-tiny"
FLAVOR = "m1.tiny"
HOST_ATTR = "OS-EXT-SRV-ATTR:host"


def _wait(driver, timeout=60):
    # The summary refreshes itself: an element read may be replaced.
    return WebDriverWait(driver, timeout, ignored_exceptions=(
        NoSuchElementException, StaleElementReferenceException))


def _status_row(driver, row_id):
    """The status row as it is now, read at once (it is replaced by each
    refresh): its classes, striped bars and duration cell."""
    return driver.execute_script("""
        var row = document.getElementById(arguments[0]);
        return {classes: row.className.split(/\\s+/),
                striped: row.querySelectorAll(".progress-striped").length,
                duration: row.cells[row.cells.length - 2].textContent.trim()};
        """, row_id)


def _shot(driver, name):
    """A screenshot to look at, when MIGRATION_DASHBOARD_SHOTS names a
    folder (never part of the run's result)."""
    folder = os.environ.get("MIGRATION_DASHBOARD_SHOTS")
    if folder:
        driver.save_screenshot(os.path.join(folder, "%s.png" % name))


def _server_in(nova, server_id, status):
    server = nova.servers.get(server_id)
    if server.status == "ERROR":
        raise AssertionError("%s went to ERROR" % server.name)
    if server.status == status and \
            getattr(server, "OS-EXT-STS:task_state", None) is None:
        return server
    return None


@pytest.fixture
def waiting_for_confirmation():
    """(nova, server, migration id, source, destination): an instance of
    the test's own, cold migrated and left in VERIFY_RESIZE by Nova."""
    nova = democloud.nova(democloud.session())
    image = nova.glance.find_image(IMAGE)
    flavor = nova.flavors.find(name=FLAVOR)
    server = nova.servers.create("confirm-br-%s" % uuid.uuid4().hex[:6],
                                 image.id, flavor.id, nics="none")
    try:
        server = democloud.wait_for(
            lambda: _server_in(nova, server.id, "ACTIVE"), timeout=120,
            what="the instance ACTIVE")
        source = getattr(server, HOST_ATTR)
        dest = sorted(s.host for s in nova.services.list(
            binary="nova-compute") if s.host != source and
            s.status == "enabled" and s.state == "up")[0]
        server.migrate(host=dest)
        democloud.wait_for(
            lambda: _server_in(nova, server.id, "VERIFY_RESIZE"),
            timeout=180, what="the instance in VERIFY_RESIZE")
        mid = next(m.id for m in nova.migrations.list(
            instance_uuid=server.id) if m.status == "finished")
        yield nova, server, mid, source, dest
    finally:
        try:
            if nova.servers.get(server.id).status == "VERIFY_RESIZE":
                nova.servers.confirm_resize(server.id)
            # Nova answers a delete during the confirm with a 500.
            democloud.wait_for(
                lambda: _server_in(nova, server.id, "ACTIVE"), timeout=120,
                what="the instance idle before its delete")
        except Exception:  # gone or in ERROR: the delete follows
            pass
        nova.servers.delete(server.id)


def test_confirm_from_the_migration_page(admin_browser, horizon_url,
                                         waiting_for_confirmation):
    nova, server, mid, source, dest = waiting_for_confirmation
    driver = admin_browser
    driver.get("%s/admin/migrations/%s/%s/" % (horizon_url, server.id, mid))
    row_id = "migration_status__row__%s" % mid
    row = _wait(driver).until(ec.presence_of_element_located(
        (By.ID, row_id)))
    assert "Waiting for confirmation" in row.text, row.text
    status = driver.find_element(By.CSS_SELECTOR,
                                 ".migration-detail .migration-status")
    assert "Waiting for confirmation" in status.text
    steps = [s.get_attribute("class").split()[0] for s in
             driver.find_elements(By.CSS_SELECTOR, ".migration-steps li")]
    assert steps == ["step-done"] * 3 + ["step-waiting"] + ["step-todo"] * 2
    # What `openstack server migration show` gives, in words.
    detail = driver.find_element(By.CSS_SELECTOR, ".migration-detail").text
    assert "Destination node" in detail and "Migration UUID" in detail
    assert "user admin, project admin" in detail
    # The row refreshes itself (a confirm may come from elsewhere) and is
    # never drawn "in progress": no striped bar, the duration stands.
    first = _status_row(driver, row_id)
    assert "ajax-update" in first["classes"]
    driver.execute_script("window.__not_reloaded = true;")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = _status_row(driver, row_id)
        assert now["striped"] == 0 and "warning" not in now["classes"], now
        assert now["duration"] == first["duration"], now
        time.sleep(1)
    assert driver.execute_script("return window.__not_reloaded === true;")
    _shot(driver, "waiting")

    # Confirm, from the row's own button (Horizon asks again only for
    # the red ones: Revert).
    driver.find_element(
        By.ID, "migration_status__row_%s__action_confirm" % mid).click()
    # Back on the page, which says what is happening, then what happened.
    _wait(driver, 120).until(lambda d: any(
        word in d.find_element(By.CSS_SELECTOR, ".migration-summary").text
        for word in ("Confirming:", "Confirmed:")))

    def confirmed():
        s = _server_in(nova, server.id, "ACTIVE")
        mig = next(m for m in nova.migrations.list(instance_uuid=server.id)
                   if m.id == mid)
        return s if s is not None and mig.status == "confirmed" else None
    moved = democloud.wait_for(confirmed, timeout=120,
                               what="the migration confirmed in Nova")
    assert getattr(moved, HOST_ATTR) == dest
    # The page says what happened (its summary refreshes itself).
    _wait(driver, 120).until(lambda d: "Confirmed: %s stays on %s" % (
        server.name, dest) in d.find_element(
            By.CSS_SELECTOR, ".migration-summary").text)
    assert not driver.find_elements(
        By.ID, "migration_status__row_%s__action_confirm" % mid)
    _shot(driver, "confirmed")


@pytest.fixture
def running_live_migration():
    """(nova, server, migration id): an instance of the test's own whose
    live migration the demo cloud keeps running (its metadata asks ten
    minutes); aborted and deleted after."""
    nova = democloud.nova(democloud.session())
    image = nova.glance.find_image(IMAGE)
    flavor = nova.flavors.find(name=FLAVOR)
    server = nova.servers.create(
        "limits-br-%s" % uuid.uuid4().hex[:6], image.id, flavor.id,
        nics="none", meta={"democloud:live_migration_seconds": "600"})
    try:
        server = democloud.wait_for(
            lambda: _server_in(nova, server.id, "ACTIVE"), timeout=120,
            what="the instance ACTIVE")
        server.live_migrate(host=None, block_migration="auto")
        mid = democloud.wait_for(lambda: next(
            (m.id for m in nova.migrations.list(instance_uuid=server.id)
             if m.status == "running"), None), timeout=120,
            what="its live migration running")
        yield nova, server, mid
    finally:
        try:
            nova.server_migrations.live_migration_abort(server.id, mid)
            democloud.wait_for(
                lambda: _server_in(nova, server.id, "ACTIVE"), timeout=120,
                what="the instance idle before its delete")
        except Exception:  # ended already, or gone: the delete follows
            pass
        nova.servers.delete(server.id)


def test_a_running_migration_names_novas_limits(admin_browser, horizon_url,
                                                running_live_migration):
    """Nova's own limit for this instance and what Force Complete does
    are on the page, visibly, with the one line saying which undeclared
    [libvirt] options they depend on (the demo declares none)."""
    nova, server, mid = running_live_migration
    driver = admin_browser
    page = "%s/admin/migrations/%s/%s/" % (horizon_url, server.id, mid)
    driver.get(page)
    panel = _wait(driver).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, ".migration-remedies")))
    # m1.tiny: 512 MiB counts as Nova's 2 GiB, x 800 s = 26m 40s; its
    # root disk too if the move copies it (2 GiB more: 53m 20s).
    assert "Nova's own limit for this instance: 26m 40s, or up to 53m 20s" \
        in panel.text, panel.text
    assert "Then Nova aborts it" in panel.text
    assert "switches the migration to post-copy" in panel.text
    notes = panel.find_elements(By.CSS_SELECTOR, ".deployment-note")
    assert len(notes) == 1 and notes[0].is_displayed()
    assert "live_migration_permit_post_copy" in notes[0].text
    _shot(driver, "limits")
    driver.get(page + "force_complete/")
    what = _wait(driver).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, ".migration-consequence")))
    assert "PAUSES" in what.text and "post-copy" in what.text, what.text
    note = driver.find_element(By.CSS_SELECTOR, ".deployment-note")
    assert note.is_displayed()
    assert "live_migration_permit_post_copy" in note.text
    _shot(driver, "force-complete")
