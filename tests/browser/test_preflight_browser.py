""""Let the scheduler choose" in the browser (Chromium, real Horizon, demo
cloud): with every other host disabled, the live-migrate form, the drain
plan and the evacuation form show a blocker naming each host's reason, and
nothing is sent to Nova.  Screenshots go to $PREFLIGHT_SHOTS (default: a
folder under /tmp) for a person to look at."""
import os

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud

pytestmark = pytest.mark.browser

HOST_ATTR = democloud.HOST_ATTR
REASON = "browser test: only the source left enabled"
SHOTS = os.environ.get("PREFLIGHT_SHOTS", "/tmp/preflight-shots")


def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def _shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    height = driver.execute_script(
        "return document.body.scrollHeight") or 1000
    driver.set_window_size(1400, min(max(height, 1000), 4000))
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def _only_enabled(nova, source):
    return democloud.only_enabled(nova, source, REASON)


_forced_down = democloud.forced_down
_migrations = democloud.migration_ids


@pytest.fixture
def nova():
    return democloud.nova(democloud.session())


@pytest.fixture
def server(nova):
    return democloud.plain_active(nova)


def _blocker_text(driver):
    found = _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "[data-code='no-valid-host']")))
    # The reasons of each host are collapsed under it: open them.
    for details in found.find_elements(By.TAG_NAME, "details"):
        details.click()
    return found.text


def _assert_names_each_host(text, others):
    assert "No valid host was found" in text, text
    for host in others:
        assert "%s: disabled (reason: '%s')" % (host, REASON) in text, text


def test_live_migrate_form_with_the_scheduler(admin_browser, horizon_url,
                                             nova, server):
    driver = admin_browser
    source = getattr(server, HOST_ATTR)
    before = _migrations(nova, server.id)
    with _only_enabled(nova, source) as others:
        driver.get("%s/admin/hosts/%s/instances/%s/live_migrate/"
                   % (horizon_url, source, server.id))
        text = _blocker_text(driver)
        _assert_names_each_host(text, others)
        button = driver.find_element(By.CSS_SELECTOR, ".migrate-submit")
        assert button.get_attribute("disabled")
        _shot(driver, "live-migrate-no-valid-host")
        # Submitting anyway (the button re-enabled by hand) is refused.
        driver.execute_script("arguments[0].disabled = false;"
                              " arguments[0].click();", button)
        _wait(driver).until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, ".alert-danger, .error")))
        assert "blocker" in driver.page_source
    assert _migrations(nova, server.id) == before
    assert getattr(nova.servers.get(server.id), HOST_ATTR) == source


def test_drain_plan_row_with_the_scheduler(admin_browser, horizon_url,
                                           nova, server):
    driver = admin_browser
    source = getattr(server, HOST_ATTR)
    with _only_enabled(nova, source) as others:
        driver.get("%s/admin/hosts/%s/drain/plan/" % (horizon_url, source))
        row = _wait(driver).until(ec.presence_of_element_located(
            (By.ID, "drain-plan-row-%s" % server.id)))
        assert row.get_attribute("data-strategy") == "blocked"
        page = driver.find_element(By.CSS_SELECTOR, ".drain-plan").text
        _assert_names_each_host(page, others)
        _shot(driver, "drain-plan-no-valid-host")


def test_evacuation_form_with_the_scheduler(admin_browser, horizon_url,
                                            nova, server):
    driver = admin_browser
    source = getattr(server, HOST_ATTR)
    before = _migrations(nova, server.id)
    with _only_enabled(nova, source) as others, _forced_down(nova, source):
        driver.get("%s/admin/hosts/%s/evacuation/instance/%s/"
                   % (horizon_url, source, server.id))
        text = _blocker_text(driver)
        _assert_names_each_host(text, others)
        _shot(driver, "evacuate-no-valid-host")
    assert _migrations(nova, server.id) == before


def test_busiest_host_plan_and_a_form_say_nothing_twice(
        admin_browser, horizon_url, nova, server):
    driver = admin_browser
    counts = {}
    for s in nova.servers.list(search_opts={"all_tenants": 1}):
        h = getattr(s, HOST_ATTR)
        counts[h] = counts.get(h, 0) + 1
    busiest = max(sorted(counts), key=lambda h: counts[h])
    driver.get("%s/admin/hosts/%s/drain/plan/" % (horizon_url, busiest))
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-plan-table")))
    _shot(driver, "drain-plan-busiest")
    text = driver.find_element(By.CSS_SELECTOR, ".drain-plan").text
    assert "could not read the image properties" not in text.lower()
    assert "shares" not in text.lower()
    rows = driver.find_elements(By.CSS_SELECTOR, ".drain-plan-row")
    assert len(rows) >= 2
    per_row = [{li.text for li in r.find_elements(By.CSS_SELECTOR,
                                                  ".finding")}
               for r in rows]
    assert not set.intersection(*per_row), set.intersection(*per_row)

    source = getattr(server, HOST_ATTR)
    driver.get("%s/admin/hosts/%s/instances/%s/live_migrate/"
               % (horizon_url, source, server.id))
    box = _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".migrate-findings-content")))
    _shot(driver, "live-migrate-scheduler")
    text = box.text.lower()
    assert "could not read the image properties" not in text
    assert "shares" not in text
