"""Live-migrate an instance to a chosen host from the browser (Chromium,
real Horizon, demo cloud) and see it arrive there.

The instance is the test's own, booted on cmp1 (deleted afterwards); every
compute is enabled and up, so cmp2 and cmp3 are offered and cmp2 is
chosen."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud
from tests.browser.test_drain_queue_browser import _shot

pytestmark = pytest.mark.browser

HOST_ATTR = "OS-EXT-SRV-ATTR:host"
SOURCE, DEST = "cmp1", "cmp2"


def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


@pytest.fixture
def own_server():
    nova = democloud.nova(democloud.session())
    democloud.computes_ready(nova)
    server = democloud.boot(
        nova, "migrate-br-%s" % uuid.uuid4().hex[:6], SOURCE,
        meta={democloud.LIVE_MIGRATION_SECONDS: "0"})
    try:
        yield nova, server
    finally:
        democloud.delete(nova, [server.id])


def _open_live_migrate(driver, horizon_url, server, source):
    driver.get("%s/admin/hosts/%s/?tab=host_details__instances"
               % (horizon_url, source))
    row_id = "instances__row__%s" % server.id
    row = _wait(driver).until(ec.presence_of_element_located(
        (By.ID, row_id)))
    button = row.find_element(
        By.ID, "instances__row_%s__action_live_migrate" % server.id)
    if not button.is_displayed():
        row.find_element(By.CSS_SELECTOR, ".dropdown-toggle").click()
        _wait(driver, 10).until(ec.visibility_of(button))
    button.click()
    return _wait(driver).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, "#live_migrate_form #id_destination")))


def test_live_migrate_to_a_chosen_host(admin_browser, horizon_url,
                                       own_server):
    nova, server = own_server
    source = getattr(server, HOST_ATTR)
    driver = admin_browser
    select_el = _open_live_migrate(driver, horizon_url, server, source)

    # Usable hosts are enabled options; unusable ones are greyed out.
    select = Select(select_el)
    usable = [o.get_attribute("value") for o in select.options
              if o.get_attribute("value") and o.is_enabled()]
    assert source not in [o.get_attribute("value") for o in select.options]
    assert usable == ["cmp2", "cmp3"], [o.text for o in select.options]
    dest = DEST
    select.select_by_value(dest)

    # The findings and the CLI follow the choice (fetched from the server).
    form = driver.find_element(By.ID, "live_migrate_form")
    _wait(driver, 60).until(
        lambda d: ("--host %s" % dest) in form.find_element(
            By.CSS_SELECTOR, ".migrate-cli").text)
    # The command shown open, under the same disclosure as elsewhere.
    commands = form.find_element(By.CSS_SELECTOR, "details.migrate-cli")
    assert commands.get_attribute("open") is not None
    assert driver.execute_script(
        "return getComputedStyle(arguments[0]).display;",
        commands.find_element(By.TAG_NAME, "summary")) == "list-item"
    _shot(driver, "live-migrate-form")
    content = form.find_element(By.CSS_SELECTOR,
                                ".migrate-findings-content")
    assert content.get_attribute("data-blockers") == "0"
    assert "force" not in form.find_element(
        By.CSS_SELECTOR, ".migrate-cli").text
    if content.get_attribute("data-warnings") != "0":
        driver.find_element(By.CSS_SELECTOR,
                            "label[for=id_acknowledge]").click()
    submit = form.find_element(By.CSS_SELECTOR, ".migrate-submit")
    _wait(driver, 10).until(lambda d: submit.is_enabled())
    submit.click()

    # Back on the host page with a per-instance message.
    _wait(driver).until(lambda d: "accepted" in d.page_source)
    assert server.name in driver.page_source
    # Its link stays until the message is closed: Horizon fades a success
    # in seconds, and one without a link shown now has faded before this
    # one is looked at again.
    kept = driver.find_element(By.CSS_SELECTOR,
                               ".messages .alert-success")
    link = kept.find_element(By.CSS_SELECTOR, ".md-message-links a")
    assert link.text == "Follow its status"
    driver.execute_script(
        "window.__plain = horizon.alert('success', 'no link')[0];")
    _wait(driver, 30).until(lambda d: d.execute_script(
        "return !$(window.__plain).is(':visible');"))
    assert kept.is_displayed() and link.is_displayed()
    _shot(driver, "live-migrate-message-kept")
    # Closed, it goes.
    kept.find_element(By.CSS_SELECTOR, "a.close").click()
    _wait(driver, 10).until(lambda d: not d.find_elements(
        By.CSS_SELECTOR, ".messages .md-message-links"))

    # Nova moves it; the destination's Instances tab then lists it.
    def arrived():
        s = nova.servers.get(server.id)
        return (getattr(s, HOST_ATTR) == dest and s.status == "ACTIVE" and
                getattr(s, "OS-EXT-STS:task_state") is None)
    democloud.wait_for(arrived, timeout=180, interval=1.0,
                       what="%s to arrive on %s" % (server.name, dest))
    # Nova has it there: the destination's Instances tab, read from Nova,
    # lists it at once.
    driver.get("%s/admin/hosts/%s/?tab=host_details__instances"
               % (horizon_url, dest))
    _wait(driver).until(ec.presence_of_element_located(
        (By.ID, "instances__row__%s" % server.id)))
