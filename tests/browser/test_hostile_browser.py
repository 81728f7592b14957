"""Operators' data is untrusted: a disabled reason and an instance name
carrying markup are shown as text, intact, and no script of theirs runs."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud

pytestmark = pytest.mark.browser

HOSTILE = ('<img src=x onerror="window.__xss=1">'
           '<script>window.__xss=2</script> "quoted" &amp; ünïcode')


@pytest.fixture
def hostile_cloud(request):
    nova = democloud.nova(democloud.session())
    service = next(s for s in nova.services.list(binary="nova-compute")
                   if s.host == "cmp3")
    nova.services.disable_log_reason(service.id, HOSTILE)
    request.addfinalizer(lambda: nova.services.enable(service.id))
    server = next(s for s in nova.servers.list(search_opts={
        "all_tenants": 1}) if s.status in ("ACTIVE", "SHUTOFF"))
    old_name = server.name
    server.update(name=HOSTILE)
    request.addfinalizer(lambda: server.update(name=old_name))
    return server


def _assert_no_script_ran(driver):
    assert driver.execute_script("return window.__xss") is None


def test_hostile_reason_and_instance_name_are_text(admin_browser,
                                                   horizon_url,
                                                   hostile_cloud):
    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/")
    row = WebDriverWait(driver, 60).until(ec.presence_of_element_located(
        (By.ID, "hosts__row__cmp3")))
    assert HOSTILE in row.text
    _assert_no_script_ran(driver)

    # Wherever the instance is now (other suites move instances around).
    host = getattr(democloud.nova(democloud.session()).servers.get(
        hostile_cloud.id), "OS-EXT-SRV-ATTR:host")
    driver.get(horizon_url + "/admin/hosts/%s/?tab=host_details__instances"
               % host)
    table = WebDriverWait(driver, 60).until(ec.presence_of_element_located(
        (By.ID, "instances")))
    assert HOSTILE in table.text
    _assert_no_script_ran(driver)

    driver.get(horizon_url + "/admin/hosts/cmp3/")
    WebDriverWait(driver, 60).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".detail")))
    assert HOSTILE in driver.find_element(By.CSS_SELECTOR, ".detail").text
    _assert_no_script_ran(driver)
