"""Live-migrate an instance to a chosen host from the browser (Chromium,
real Horizon, demo cloud) and see it arrive there."""
import time

import pytest
from selenium.common import exceptions as selenium_exceptions
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud

pytestmark = pytest.mark.browser

HOST_ATTR = "OS-EXT-SRV-ATTR:host"
# Plain instances, least used by the other suites first.
PREFERRED = ("cache-1", "app-2", "web-3", "db-2", "cfg-1", "app-1")


def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def _pick(nova):
    servers = {s.name: s for s in
               nova.servers.list(search_opts={"all_tenants": 1})}
    for name in PREFERRED:
        s = servers.get(name)
        if s is not None and s.status == "ACTIVE" and \
                getattr(s, "OS-EXT-STS:task_state") is None:
            return s
    pytest.skip("no idle ACTIVE instance to migrate")


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


def test_live_migrate_to_a_chosen_host(admin_browser, horizon_url):
    nova = democloud.nova(democloud.session())
    server = _pick(nova)
    source = getattr(server, HOST_ATTR)
    driver = admin_browser
    select_el = _open_live_migrate(driver, horizon_url, server, source)

    # Usable hosts are enabled options; unusable ones are greyed out.
    select = Select(select_el)
    usable = [o.get_attribute("value") for o in select.options
              if o.get_attribute("value") and o.is_enabled()]
    assert source not in [o.get_attribute("value") for o in select.options]
    assert usable, "no usable destination offered: %s" % [
        o.text for o in select.options]
    dest = usable[0]
    select.select_by_value(dest)

    # The findings and the CLI follow the choice (fetched from the server).
    form = driver.find_element(By.ID, "live_migrate_form")
    _wait(driver, 60).until(
        lambda d: ("--host %s" % dest) in form.find_element(
            By.CSS_SELECTOR, ".migrate-cli").text)
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

    # Nova moves it; the destination's Instances tab then lists it.
    def arrived():
        s = nova.servers.get(server.id)
        return (getattr(s, HOST_ATTR) == dest and s.status == "ACTIVE" and
                getattr(s, "OS-EXT-STS:task_state") is None)
    democloud.wait_for(arrived, timeout=180, interval=1.0,
                       what="%s to arrive on %s" % (server.name, dest))
    deadline = time.monotonic() + 60
    while True:
        driver.get("%s/admin/hosts/%s/?tab=host_details__instances"
                   % (horizon_url, dest))
        try:
            _wait(driver, 20).until(ec.presence_of_element_located(
                (By.ID, "instances__row__%s" % server.id)))
            break
        except selenium_exceptions.TimeoutException:
            if time.monotonic() > deadline:
                raise
