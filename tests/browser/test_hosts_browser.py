"""The Compute Hosts panel in Chromium, against the demo cloud."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud
from tests.browser import test_migration_page_browser as migration_page_ui

pytestmark = pytest.mark.browser


def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def _row(driver, host):
    return driver.find_element(By.ID, "hosts__row__%s" % host)


def _run_row_action(driver, host, action):
    """Open the row's action menu and click one of its actions."""
    row = _row(driver, host)
    button = row.find_element(By.ID, "hosts__row_%s__action_%s"
                              % (host, action))
    if not button.is_displayed():
        row.find_element(By.CSS_SELECTOR, ".dropdown-toggle").click()
        _wait(driver, 10).until(ec.visibility_of(button))
    button.click()


def test_admin_sees_panel_group_and_hosts(admin_browser, horizon_url):
    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/")
    _wait(driver).until(ec.presence_of_element_located(
        (By.ID, "hosts__row__cmp1")))
    assert "Maintenance &amp; Migration" in driver.page_source
    for host in democloud.COMPUTES:
        assert _row(driver, host).is_displayed()
    # The capacity columns are what the scheduler counts (Placement).
    headers = [th.text for th in driver.find_elements(
        By.CSS_SELECTOR, "table#hosts thead th")]
    assert "vCPUs (used / capacity)" in headers, headers
    assert "RAM (used / capacity)" in headers, headers
    migration_page_ui._shot(driver, "hosts_list")


def test_disable_with_reason_and_enable_from_the_table(admin_browser,
                                                       horizon_url,
                                                       request):
    nova = democloud.nova(democloud.session())
    cmp2 = next(s.id for s in nova.services.list(binary="nova-compute")
                if s.host == "cmp2")
    # Start from an enabled host whatever an earlier test left behind.
    nova.services.enable(cmp2)
    request.addfinalizer(lambda: nova.services.enable(cmp2))
    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/")
    _wait(driver).until(ec.presence_of_element_located(
        (By.ID, "hosts__row__cmp2")))

    _run_row_action(driver, "cmp2", "disable")
    reason = _wait(driver).until(ec.visibility_of_element_located(
        (By.ID, "id_reason")))
    reason.send_keys("browser test <b>maintenance</b>")
    driver.find_element(By.CSS_SELECTOR,
                        "#disable_host_form .btn-primary").click()
    _wait(driver).until(lambda d: "disabled" in _row(d, "cmp2").text)
    row = _row(driver, "cmp2")
    assert "browser test <b>maintenance</b>" in row.text
    assert "warning" in row.get_attribute("class")
    service = next(s for s in nova.services.list(binary="nova-compute")
                   if s.host == "cmp2")
    assert service.status == "disabled"

    # Enabling is not destructive: Horizon submits it without a dialog.
    _run_row_action(driver, "cmp2", "enable")
    _wait(driver).until(lambda d: "enabled" in _row(d, "cmp2").text)
    service = next(s for s in nova.services.list(binary="nova-compute")
                   if s.host == "cmp2")
    assert service.status == "enabled"


def test_non_admin_does_not_see_the_panel(demo_browser, horizon_url):
    driver = demo_browser
    assert "Maintenance &amp; Migration" not in driver.page_source
    driver.get(horizon_url + "/admin/hosts/")
    assert "hosts__row__cmp1" not in driver.page_source
