"""Whole-host evacuation in Chromium, against the demo cloud (cmp3 only).

cmp3 is killed like a dead host; the operator opens Evacuate Host, is told
to fence and force the host down (through the page's Force Down), then
evacuates every instance and watches the result table until each one is
rebuilt elsewhere.  The clean-up brings cmp3 back and the instances home.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec_
from selenium.webdriver.support.ui import WebDriverWait

from tests import evacuation_cloud as ec
from tests.browser.test_drain_queue_browser import _shot

pytestmark = pytest.mark.browser


def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def _click(driver, element):
    driver.execute_script("arguments[0].scrollIntoView(true);", element)
    driver.execute_script("arguments[0].click();", element)


@pytest.fixture
def failed_host():
    from tests import democloud
    nova = democloud.nova(democloud.session())
    assert ec.service(nova).state == "up"
    seeded = [s.id for s in ec.servers_on(nova)]
    extras = ec.boot_extras(nova, 1, prefix="evac-browser")
    try:
        yield nova, extras
    finally:
        errors = ec.restore(nova, seeded, extras)
        assert ec.service(nova).state == "up"
        assert not ec.service(nova).forced_down
        if errors:
            import warnings
            warnings.warn("evacuation clean-up: %s" % "; ".join(errors))


def test_evacuate_whole_host_from_the_browser(admin_browser, horizon_url,
                                              failed_host):
    nova, extras = failed_host
    driver = admin_browser
    everyone = ec.wait_idle(nova)
    ec.kill_compute()
    url = horizon_url + "/admin/hosts/%s/evacuation/" % ec.FAILED
    driver.get(url)
    _wait(driver).until(ec_.presence_of_element_located(
        (By.ID, "evacuate_host_form")))

    guard = driver.find_elements(By.CSS_SELECTOR, ".evacuation-guard")
    if guard:
        # Still reported up: the page says to fence it and force it down.
        assert "still in use" in guard[0].text
        assert "really off" in guard[0].text
        _click(driver, guard[0].find_element(
            By.CSS_SELECTOR, "a.evacuation-force-down"))
        fenced = _wait(driver).until(ec_.presence_of_element_located(
            (By.ID, "id_fenced")))
        _click(driver, fenced)
        # Fencing cannot be taken back from here: a red button.
        submit = driver.find_element(
            By.CSS_SELECTOR, "#force_down_form .migration-action-submit")
        assert "btn-danger" in submit.get_attribute("class")
        _shot(driver, "force-down-red")
        _click(driver, submit)
        _wait(driver).until(lambda d: "forced down" in
                            d.page_source.lower() or
                            "hosts__row__" in d.page_source)
        _wait(driver).until(lambda d: ec.service(nova).forced_down or
                            ec.service(nova).state == "down")
        driver.get(url)
        _wait(driver).until(ec_.presence_of_element_located(
            (By.ID, "evacuate_host_form")))

    assert not driver.find_elements(By.CSS_SELECTOR, ".evacuation-guard")
    page = driver.find_element(By.ID, "evacuate_host_form").text
    assert "What will happen" in page
    assert "lands SHUTOFF" in page
    # The commands are folded under a disclosure that shows it opens (the
    # browser's marker, which Bootstrap's block summary would drop).
    commands = driver.find_element(By.CSS_SELECTOR, "details.evacuation-cli")
    summary = commands.find_element(By.TAG_NAME, "summary")
    assert driver.execute_script(
        "return getComputedStyle(arguments[0]).display;", summary) \
        == "list-item"
    assert not commands.find_element(By.TAG_NAME, "pre").is_displayed()
    _click(driver, summary)
    assert commands.find_element(By.TAG_NAME, "pre").is_displayed()
    assert "server evacuate" in commands.text
    _shot(driver, "evacuation-commands-open")
    for server_id in everyone:
        assert driver.find_elements(By.ID,
                                    "evacuation-findings-%s" % server_id)

    _click(driver, driver.find_element(
        By.CSS_SELECTOR, "input[name=password_mode][value=generate]"))
    _click(driver, driver.find_element(By.ID, "id_confirm"))
    _click(driver, driver.find_element(
        By.CSS_SELECTOR, "#evacuate_host_form input.btn-danger"))

    _wait(driver).until(ec_.presence_of_element_located(
        (By.CSS_SELECTOR, ".evacuation-result")))
    summary = driver.find_element(By.CSS_SELECTOR,
                                  ".evacuation-result-summary").text
    assert "%d accepted by Nova, 0 not moved" % len(everyone) in summary
    passwords = driver.find_elements(By.CSS_SELECTOR,
                                     "code.evacuation-password")
    assert len(passwords) == len(everyone)
    assert all(len(p.text) == 16 for p in passwords)

    # The rows refresh themselves until every rebuild is done.
    def all_rebuilt(d):
        from selenium.common import exceptions
        try:
            return all("Rebuilt" in d.find_element(
                By.ID, "evacuation__row__%s" % i).text for i in everyone)
        except exceptions.WebDriverException:  # row replaced meanwhile
            return False

    _wait(driver, 240).until(all_rebuilt)

    # Nova agrees: every instance on another host, none lost.
    after = ec.wait_evacuated(nova, everyone, timeout=60)
    assert not ec.servers_on(nova)
    assert set(after) == set(everyone)
    assert all(ec.host_of(s) in ("cmp1", "cmp2") for s in after.values())
    assert all(s.status == "SHUTOFF" for s in after.values())

    # The status page tells what to do before forcing the host up.
    driver.get(horizon_url + "/admin/hosts/%s/evacuation/status/"
               % ec.FAILED)
    hint = _wait(driver).until(ec_.presence_of_element_located(
        (By.CSS_SELECTOR, ".evacuation-force-up-hint")))
    assert "start its nova-compute" in hint.text
