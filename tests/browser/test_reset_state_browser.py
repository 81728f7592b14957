"""Reset State from a stalled drain row, in Chromium, on the demo cloud.

nova-conductor is stopped and a drain move of web-3 (cmp2 -> cmp1) is
sent: Nova's API accepts it and marks the instance 'migrating', and the
request waits for a conductor that is not there.  The drain's status page
(a Horizon of this test's own, whose stall delay is 5 s instead of 300)
reports the row stalled with a Reset State button; the reset page, ACTIVE
preselected, resets the instance in Nova.  The cloud is restored after
(conductor started, the queued move settled, the seed layout back)."""
import os
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from migration_dashboard.services import drain
from tests import democloud
from tests.browser import conftest
from tests.integration.test_chaos import _democloud
from tests.integration.test_chaos import _seed_ids
from tests.integration.test_chaos import restore_seed

pytestmark = pytest.mark.browser

SOURCE, DEST = "cmp2", "cmp1"
STALL_SECONDS = 5
PORT = conftest.PORT + 40
TASK_ATTR = "OS-EXT-STS:task_state"


@pytest.fixture
def stall_horizon(horizon_url):
    """One Horizon process (the suite's static files) that calls a move
    stalled after STALL_SECONDS without a sign of life."""
    env = dict(os.environ, HORIZON_PORT=str(PORT),
               MIGRATION_DASHBOARD_STALL_SECONDS=str(STALL_SECONDS))
    result = subprocess.run([conftest.HORIZON_SH, "start"], env=env,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert result.returncode == 0, result.stdout
    try:
        yield "http://127.0.0.1:%d" % PORT
    finally:
        subprocess.run([conftest.HORIZON_SH, "stop"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _drain_marker(nova):
    service = next(s for s in nova.services.list(binary="nova-compute")
                   if s.host == SOURCE)
    nova.services.disable_log_reason(service.id, drain.drain_reason(
        "reset-state browser test", drain.now(), None))


def test_reset_state_from_a_stalled_drain_row(browser, stall_horizon):
    nova = democloud.nova(democloud.session())
    server_id = _seed_ids()["web-3"]
    driver = browser
    conftest.login(driver, stall_horizon, "admin", democloud.ADMIN_PASSWORD)
    _drain_marker(nova)
    _democloud("stop-service", "nova-conductor")
    try:
        nova.servers.live_migrate(server_id, DEST, "auto")
        assert getattr(nova.servers.get(server_id), TASK_ATTR) == "migrating"

        # The status page refreshes its rows; the stalled one offers the
        # reset once the stall delay has passed.
        driver.get("%s/admin/hosts/%s/drain/status/" % (stall_horizon,
                                                        SOURCE))
        button = WebDriverWait(driver, 180, poll_frequency=2).until(
            ec.element_to_be_clickable(
                (By.ID, "drain__row_%s__action_reset_state" % server_id)))
        row = driver.find_element(By.ID, "drain__row__%s" % server_id)
        assert "Stalled" in row.text, row.text
        button.click()

        WebDriverWait(driver, 60).until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, ".reset-state-consequences")))
        active = driver.find_element(
            By.CSS_SELECTOR, 'input[name="state"][value="active"]')
        assert active.is_selected()
        driver.find_element(By.CSS_SELECTOR, "label[for=id_confirm]").click()
        driver.find_element(By.CSS_SELECTOR,
                            ".modal-footer input[type=submit]").click()
        # Back on the drain's status, where the row no longer offers it.
        WebDriverWait(driver, 60).until(
            lambda d: "/drain/status/" in d.current_url)
        server = nova.servers.get(server_id)
        assert (server.status, getattr(server, TASK_ATTR)) == ("ACTIVE",
                                                               None)
        assert getattr(server, "OS-EXT-SRV-ATTR:host") == SOURCE
        driver.refresh()
        WebDriverWait(driver, 60).until(ec.presence_of_element_located(
            (By.ID, "drain__row__%s" % server_id)))
        assert not driver.find_elements(
            By.ID, "drain__row_%s__action_reset_state" % server_id)
    finally:
        _democloud("start-service", "nova-conductor")
        # The started conductor takes the queued request and runs it: let
        # it end before the seed layout is put back.
        democloud.wait_for(
            lambda: not getattr(nova.servers.get(server_id), TASK_ATTR) and
            all(m.status in ("completed", "error", "failed", "cancelled")
                for m in nova.migrations.list(instance_uuid=server_id)),
            timeout=300, interval=3, what="the queued move to end")
        restore_seed(nova)
