"""Pages that show a state still changing refresh themselves until it is
final (Chromium, real Horizon, demo cloud), and the table controls keep
what the operator did:

* the migration detail's summary and steps after Force Complete,
* the host's Instances tab after Confirm,
* the drain status counts after Confirm All,

each reach Nova's state without a reload (the test marks the window
object after the action's own redirect: a reload would drop the mark);
the batch Disable Hosts dialog carries the ticked rows; a row menu opened
while its row refreshes stays open (and the row catches up once it is
closed); the drain status page refreshes with one request per interval
and no row of it on its own.

The live migrations run on cmp2, restarted for this module with a long
DEMOCLOUD_LIVE_MIGRATION_SECONDS (and restarted with the default after);
every test deletes what it booted and re-enables what it disabled."""
import datetime
import os
import subprocess
import uuid

from selenium.common.exceptions import (
    NoSuchElementException, StaleElementReferenceException)
from selenium.webdriver.support.ui import WebDriverWait

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests import democloud
from tests.browser.test_drain_queue_browser import _shot

pytestmark = pytest.mark.browser

SOURCE = "cmp2"
DEST = "cmp3"
IMAGE = "cirros-tiny"
FLAVOR = "m1.tiny"
LONG_MIGRATION = "45"
# Horizon polls rows every 2.5 s (ajax_poll_interval), slower after each
# poll that changed nothing, at most every 30 s: one refresh interval.
REFRESH = 35
MARK = "window.__not_reloaded = true;"
MARKED = "return window.__not_reloaded === true;"
# The drain status page's own refresh interval (drain/views.REFRESH_MS).
DRAIN_REFRESH_MS = 5000


def _wait(driver, timeout=60):
    # Every page here replaces parts of itself while the test reads them:
    # an element found a moment ago may be gone; look again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(
        NoSuchElementException, StaleElementReferenceException))


def _task(server):
    return getattr(server, "OS-EXT-STS:task_state", None)


def _click(driver, element):
    driver.execute_script("arguments[0].scrollIntoView(true);", element)
    driver.execute_script("arguments[0].click();", element)


def _compute(env_seconds=None):
    """Restart cmp2's nova-compute with live migrations lasting
    ``env_seconds`` (None: the demo's default)."""
    env = dict(os.environ)
    if env_seconds is None:
        env.pop("DEMOCLOUD_LIVE_MIGRATION_SECONDS", None)
    else:
        env["DEMOCLOUD_LIVE_MIGRATION_SECONDS"] = env_seconds
    result = subprocess.run(
        [env.get("DEMOCLOUD_PYTHON", "python3"), democloud.SCRIPT,
         "restart-compute", SOURCE], env=env, cwd=democloud.REPO,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.fixture(scope="module")
def nova(horizon_url):
    return democloud.nova(democloud.session())


@pytest.fixture(scope="module")
def long_migrations(nova):
    """cmp2's live migrations stay running for LONG_MIGRATION seconds."""
    _compute(LONG_MIGRATION)
    try:
        yield
    finally:
        _compute(None)


@pytest.fixture
def booted(nova):
    ids = []
    yield ids
    # A move a failed test left under way is let finish first; Nova
    # deletes an instance in VERIFY_RESIZE or ERROR as it is.
    try:
        democloud.wait_for(
            lambda: not any(_task(s) for s in nova.servers.list(
                search_opts={"all_tenants": 1}) if s.id in ids),
            timeout=120, what="the test's instances idle before delete")
    except AssertionError:
        pass  # deleted anyway: democloud.delete says if Nova refuses
    democloud.delete(nova, ids)


def _boot(nova, booted, host=SOURCE, stop=False):
    server = nova.servers.create(
        "refresh-%s" % uuid.uuid4().hex[:6],
        nova.glance.find_image(IMAGE).id,
        nova.flavors.find(name=FLAVOR).id, nics="none", host=host,
        meta={"democloud": "refresh-browser-test"})
    booted.append(server.id)

    def ready():
        s = nova.servers.get(server.id)
        assert s.status != "ERROR", getattr(s, "fault", None)
        return s.status == "ACTIVE" and not _task(s)
    democloud.wait_for(ready, timeout=180, interval=2, what="booted")
    if stop:
        nova.servers.stop(server.id)
        democloud.wait_for(
            lambda: nova.servers.get(server.id).status == "SHUTOFF" and
            not _task(nova.servers.get(server.id)),
            timeout=120, what="shut off")
    return server.id


def _running_live_migration(nova, server_id):
    def running():
        for m in nova.migrations.list(instance_uuid=server_id):
            if m.migration_type == "live-migration" and \
                    m.status == "running":
                return m
        return None
    return democloud.wait_for(running, timeout=120, interval=0.5,
                              what="the live migration running")


def _cold_migrated(nova, server_id):
    nova.servers.migrate(server_id, host=DEST)

    def waiting():
        s = nova.servers.get(server_id)
        assert s.status != "ERROR", getattr(s, "fault", None)
        return s.status == "VERIFY_RESIZE"
    democloud.wait_for(waiting, timeout=180, interval=1,
                       what="the cold migration waiting for a confirm")


def _after_action(driver, nova, server_id, status):
    """The action's own redirect shown: mark the window, then wait until
    Nova has the instance idle in ``status``."""
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".messages .alert")))
    driver.execute_script(MARK)
    democloud.wait_for(
        lambda: nova.servers.get(server_id).status == status and
        not _task(nova.servers.get(server_id)),
        timeout=120, what="Nova's instance %s after the action" % status)


# ------------------------------------------------------------- item 5

def test_batch_disable_dialog_carries_the_ticked_rows(admin_browser,
                                                      horizon_url, nova,
                                                      request):
    for host in ("cmp2", "cmp3"):
        service = next(s for s in nova.services.list(binary="nova-compute")
                       if s.host == host)
        assert service.status == "enabled", (host, service.disabled_reason)
    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/")
    for host in ("cmp2", "cmp3"):
        box = _wait(driver).until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, "#hosts__row__%s .table-row-multi-select"
             % host)))
        _click(driver, box)
    _click(driver, driver.find_element(By.ID,
                                       "hosts__action_disable_many"))
    form = _wait(driver).until(ec.visibility_of_element_located(
        (By.ID, "disable_hosts_form")))
    checked = {box.get_attribute("value") for box in form.find_elements(
        By.CSS_SELECTOR, "input[name=hosts]") if box.is_selected()}
    assert checked == {"cmp2", "cmp3"}
    # Nothing was submitted: the hosts are still enabled.
    assert all(s.status == "enabled" for s in
               nova.services.list(binary="nova-compute")
               if s.host in ("cmp2", "cmp3"))


# ------------------------------------------------------------- item 6

# The operator opens the row's menu right after the row's refresh was
# sent (Horizon checks for an open menu only before sending, so this is
# the moment its own check cannot see), once; counts the answers to that
# row's refreshes from then on, and the ticks of Horizon's row polling.
OPEN_WHILE_REFRESHING = """
    var rowId = arguments[0], objId = 'obj_id=' + arguments[1] + '&';
    function ours(opts) {
      return opts.url.indexOf('row_update') >= 0 &&
        (opts.url + '&').indexOf(objId) >= 0;
    }
    window.__menuOpened = false;
    window.__answersSinceOpen = 0;
    window.__ticksSinceOpen = 0;
    $(document).ajaxSend(function (e, xhr, opts) {
      if (window.__menuOpened || !ours(opts)) { return; }
      window.__menuOpened = true;
      $('#' + rowId).find('.dropdown-toggle').first().click();
    });
    $(document).ajaxComplete(function (e, xhr, opts) {
      if (window.__menuOpened && ours(opts)) {
        window.__answersSinceOpen++;
      }
    });
    var update = horizon.datatables.update;
    horizon.datatables.update = function () {
      if (window.__menuOpened) { window.__ticksSinceOpen++; }
      return update.apply(this, arguments);
    };"""


def test_a_row_menu_stays_open_across_a_refresh(admin_browser, horizon_url,
                                                nova, long_migrations,
                                                booted):
    server_id = _boot(nova, booted)
    nova.servers.live_migrate(server_id, host=DEST, block_migration="auto")
    migration = _running_live_migration(nova, server_id)

    driver = admin_browser
    driver.get(horizon_url + "/admin/migrations/")
    row_id = "migrations__row__%s" % migration.id
    row = _wait(driver).until(ec.presence_of_element_located(
        (By.ID, row_id)))
    assert "ajax-update" in row.get_attribute("class")
    driver.execute_script(MARK)
    driver.execute_script(OPEN_WHILE_REFRESHING, row_id, str(migration.id))
    # The refresh sent just before the menu opened has answered (it
    # replaced the row), and Horizon's polling ticked twice more.
    _wait(driver, REFRESH).until(lambda d: d.execute_script(
        "return window.__answersSinceOpen >= 1 && "
        "window.__ticksSinceOpen >= 2;"))
    row = driver.find_element(By.ID, row_id)
    assert row.find_elements(By.CSS_SELECTOR, ".btn-group.open"), \
        "the menu closed under the operator"
    force = row.find_element(By.ID, "migrations__row_%s__action_"
                             "force_complete" % migration.id)
    assert force.is_displayed()
    _shot(driver, "migration-row-menu-open")
    # One progress bar: the migration's own (bytes, rate, ETA), Horizon's
    # striped "updating" bar it puts into each refreshed row hidden.
    _wait(driver, REFRESH).until(lambda d: d.find_element(
        By.ID, row_id).find_elements(By.CSS_SELECTOR, ".migration-progress"))
    row = driver.find_element(By.ID, row_id)
    assert row.find_elements(By.CSS_SELECTOR, ".horizon-loading-bar")
    bars = [b for b in row.find_elements(By.CSS_SELECTOR, ".progress")
            if b.is_displayed()]
    assert len(bars) == 1, [b.get_attribute("outerHTML") for b in bars]
    assert " 0 B/s" not in row.text, row.text
    # Closed again: once Nova has finished the migration, the row shows
    # it within one refresh interval, without a reload.
    _click(driver, row.find_element(By.CSS_SELECTOR, ".dropdown-toggle"))
    assert not driver.find_element(By.ID, row_id).find_elements(
        By.CSS_SELECTOR, ".btn-group.open")
    democloud.wait_for(
        lambda: next(m for m in nova.migrations.list(
            instance_uuid=server_id) if m.id == migration.id).status
        == "completed", timeout=int(LONG_MIGRATION) + 120, interval=1,
        what="Nova's live migration completed")
    _wait(driver, REFRESH).until(
        lambda d: "completed" in d.find_element(By.ID, row_id).text)
    assert driver.execute_script(MARKED)


# ------------------------------------------------------------- item 4

def test_migration_detail_summary_follows_force_complete(
        admin_browser, horizon_url, nova, long_migrations, booted):
    server_id = _boot(nova, booted)
    nova.servers.live_migrate(server_id, host=DEST, block_migration="auto")
    migration = _running_live_migration(nova, server_id)

    driver = admin_browser
    driver.get(horizon_url + "/admin/migrations/%s/%s/"
               % (server_id, migration.id))
    status = _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".migration-detail .migration-status")))
    assert status.text == "running"
    # The status row refreshes itself while the migration runs: find the
    # button in the row as it is when clicked.
    WebDriverWait(driver, 30, ignored_exceptions=(
        StaleElementReferenceException,)).until(lambda d: _click(d, d.find_element(
        By.ID, "migration_status__row_%s__action_force_complete"
        % migration.id)) or True)
    form = _wait(driver).until(ec.visibility_of_element_located(
        (By.ID, "force_complete_migration_form")))
    _click(driver, form.find_element(By.CSS_SELECTOR,
                                     ".migration-action-submit"))
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".alert-success, .messages .alert")))
    driver.execute_script(MARK)
    democloud.wait_for(
        lambda: nova.migrations.list(instance_uuid=server_id)[0].status
        == "completed", timeout=60, what="Nova's migration completed")
    _wait(driver, REFRESH).until(lambda d: d.find_element(
        By.CSS_SELECTOR, ".migration-detail .migration-status").text
        == "completed")
    steps = driver.find_elements(By.CSS_SELECTOR, ".migration-steps li")
    assert steps and all("step-done" in s.get_attribute("class")
                         for s in steps)
    assert driver.execute_script(MARKED)


def test_instances_tab_row_follows_confirm(admin_browser, horizon_url,
                                           nova, booted):
    server_id = _boot(nova, booted)
    _cold_migrated(nova, server_id)

    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/%s/?tab=host_details__instances"
               % DEST)
    row_id = "instances__row__%s" % server_id
    row = _wait(driver).until(ec.presence_of_element_located(
        (By.ID, row_id)))
    assert "VERIFY_RESIZE" in row.text
    _click(driver, row.find_element(By.CSS_SELECTOR,
                                    "[id$='__action_confirm']"))
    _after_action(driver, nova, server_id, "ACTIVE")
    _wait(driver, REFRESH).until(
        lambda d: "ACTIVE" in d.find_element(By.ID, row_id).text)
    row = driver.find_element(By.ID, row_id)
    assert not [b for b in row.find_elements(
        By.CSS_SELECTOR, "[id$='__action_confirm']") if b.is_displayed()]
    assert driver.execute_script(MARKED)


def _requests(driver, marker):
    """(url, start ms) of every request of the page whose URL holds
    ``marker``, in order (the browser's resource timing)."""
    return driver.execute_script("""
        var marker = arguments[0];
        return performance.getEntriesByType('resource').filter(function (e) {
          return e.name.indexOf(marker) >= 0;
        }).map(function (e) { return [e.name, e.startTime]; });""", marker)


def _refresh_requests(driver):
    """Every request of the page for a part of itself (?fragment=...)."""
    return _requests(driver, "fragment=")


def _draining(nova, request, why):
    """cmp2 disabled with a drain marker from now (enabled again after
    the test)."""
    service = next(s for s in nova.services.list(binary="nova-compute")
                   if s.host == SOURCE)
    assert service.status == "enabled"
    since = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    nova.services.disable_log_reason(
        service.id, "Drain since %s: %s" % (since, why))
    request.addfinalizer(lambda: nova.services.enable(service.id))


def test_drain_status_refreshes_once_per_interval_and_follows_confirm_all(
        admin_browser, horizon_url, nova, booted, request):
    server_id = _boot(nova, booted, stop=True)
    _draining(nova, request, "browser refresh test")
    _cold_migrated(nova, server_id)

    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/%s/drain/status/" % SOURCE)
    confirm = _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-track-confirm")))
    assert confirm.text.endswith(": 1")
    # One poll for the page (the status block, summary inside): every
    # request for a part of the page is the block's, each sent at least
    # one interval after the one before (a second poll would come in
    # between), and no row polls on its own (Horizon's ?action=row_update
    # for each in-flight row: the seed's instances still on cmp2 are).
    WebDriverWait(driver, 8 * DRAIN_REFRESH_MS / 1000 + 60).until(
        lambda d: len(_refresh_requests(d)) >= 4)
    sent = _refresh_requests(driver)
    assert all("fragment=status" in url for url, _start in sent), sent
    gaps = [b[1] - a[1] for a, b in zip(sent, sent[1:])]
    assert min(gaps) >= DRAIN_REFRESH_MS * 0.95, gaps
    assert _requests(driver, "row_update") == []
    assert not driver.find_elements(By.CSS_SELECTOR, "tr.ajax-update")
    _shot(driver, "drain-status-refreshing")

    _click(driver, driver.find_element(By.ID, "drain__action_confirm_all"))
    _after_action(driver, nova, server_id, "SHUTOFF")
    _wait(driver, REFRESH).until(lambda d: d.find_element(
        By.CSS_SELECTOR, ".drain-track-confirm").text.endswith(": 0"))
    assert driver.find_element(
        By.CSS_SELECTOR, ".drain-track-done").text.endswith(": 1")
    assert driver.execute_script(MARKED)
    # Not final (the seed's instances are still on cmp2): still the one
    # refresh.  That it stops once final is tests/unit/
    # test_drain_cycle_views.py RefreshTests (no refresh URL then).
    sent = _refresh_requests(driver)
    assert sent and all("fragment=status" in url for url, _ in sent), sent
    assert _requests(driver, "row_update") == []
    _shot(driver, "drain-status-after-confirm")


def test_drain_status_table_works_after_its_block_is_replaced(
        admin_browser, horizon_url, nova, request):
    """The status block replaced whole (a row changed) brings a new
    table: Horizon's set-up runs again on it, so its batch buttons are
    disabled while nothing is ticked and enabled once a row is."""
    # The seed's instances on cmp2 are the drain's rows, waiting (this
    # Horizon has no plan for them, so nothing is sent).
    _draining(nova, request, "browser block swap test")

    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/%s/drain/status/" % SOURCE)
    batch = "#drain .table_actions button[data-batch-action='true']"
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "#drain .table-row-multi-select")))
    driver.execute_script(MARK)
    # A row changes: the page's next refresh answers another signature,
    # and the whole block (its table too) is replaced.
    driver.execute_script("""
        window.__oldTable = document.getElementById('drain');
        document.querySelector('.drain-status')
          .setAttribute('data-md-refresh-signature', 'a row changed');""")
    _wait(driver, 2 * DRAIN_REFRESH_MS / 1000 + 30).until(
        lambda d: d.execute_script(
            "var t = document.getElementById('drain');"
            "return t !== null && t !== window.__oldTable;"))
    assert driver.execute_script(MARKED)
    buttons = driver.find_elements(By.CSS_SELECTOR, batch)
    assert buttons, "no batch button on the drain table"
    assert all("disabled" in b.get_attribute("class") for b in buttons), \
        [(b.text, b.get_attribute("class")) for b in buttons]
    _shot(driver, "drain-status-swapped-nothing-ticked")
    _click(driver, driver.find_element(
        By.CSS_SELECTOR, "#drain tbody .table-row-multi-select"))
    buttons = driver.find_elements(By.CSS_SELECTOR, batch)
    assert not any("disabled" in b.get_attribute("class") for b in buttons)
    _shot(driver, "drain-status-swapped-one-ticked")
