"""A drain with one move in flight, from the browser (Chromium, real
Horizon, demo cloud): N = 1 on the plan page, the result shows the rest
queued, and the status page, left open and never reloaded by the test,
sends the queued moves one after another through its own refresh until
Nova lists nothing on the host.  Nova, read by the test every second,
never has two moves off the host in progress.  Then the move back, with
N = 3 typed on its page, brings everything home.

Screenshots of the plan, result and status pages are written to
$SCREENSHOTS (default: not written)."""
import os
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud
from tests.browser import test_drain_browser as drain_ui

pytestmark = pytest.mark.browser

HOST_ATTR = "OS-EXT-SRV-ATTR:host"
TIMEOUT = 480


def _shot(driver, name):
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        driver.save_screenshot(os.path.join(folder, name + ".png"))


def _moving_off(nova, host, ids):
    return democloud.moves_in_progress(nova, host) & set(ids)


def _set_in_flight(driver, n):
    field = driver.find_element(By.NAME, "in_flight")
    field.clear()
    field.send_keys(str(n))


def test_one_in_flight_from_the_status_page_refresh(admin_browser,
                                                    horizon_url, request):
    nova = democloud.nova(democloud.session())
    host, _on, mine = drain_ui._pick_host(nova)
    moved = {s.id for s in mine}
    request.addfinalizer(lambda: drain_ui._restore(nova, host, moved))
    driver = admin_browser

    reason = drain_ui._open_drain(driver, horizon_url, host)
    reason.send_keys("queue browser test")
    drain_ui._click(driver, driver.find_element(
        By.CSS_SELECTOR, "#drain_start_form input[type=submit]"))
    WebDriverWait(driver, 60).until(lambda d: "/drain/plan/" in
                                    d.current_url)
    WebDriverWait(driver, 60).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-plan-table")))

    # Bad N: a form error, nothing sent.
    _set_in_flight(driver, 0)
    drain_ui._click(driver, driver.find_element(By.CSS_SELECTOR,
                                                ".drain-submit"))
    WebDriverWait(driver, 60).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-in-flight-error")))
    assert not _moving_off(nova, host, moved)

    _set_in_flight(driver, 1)
    acks = driver.find_elements(By.ID, "id_acknowledge")
    if acks and not acks[0].is_selected():
        drain_ui._click(driver, acks[0])
    _shot(driver, "drain-plan")
    drain_ui._click(driver, driver.find_element(By.CSS_SELECTOR,
                                                ".drain-submit"))
    summary = drain_ui._result(driver)
    assert "Accepted by Nova: 1" in summary.text, summary.text
    assert "Queued" in summary.text, summary.text
    assert "Queued (1 of %d)" % (len(moved) - 1) in driver.page_source
    _shot(driver, "drain-result")

    drain_ui._click(driver, driver.find_element(
        By.CSS_SELECTOR, ".drain-result a.drain-status-link"))
    WebDriverWait(driver, 60).until(lambda d: "/drain/status/" in
                                    d.current_url)
    assert "Queued (" in driver.page_source
    _shot(driver, "drain-status")

    # The page stays open; only its own refresh moves the queue on.
    peak = 0
    moves_seen = set()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        moving = _moving_off(nova, host, moved)
        assert len(moving) <= 1, moving
        peak = max(peak, len(moving))
        moves_seen |= moving
        servers = {s.id: s for s in drain_ui._servers(nova)}
        waiting_confirm = [i for i in moved
                           if servers[i].status == "VERIFY_RESIZE"]
        for i in waiting_confirm:
            nova.servers.confirm_resize(i)
        if all(getattr(servers[i], HOST_ATTR) != host and
               drain_ui._idle(servers[i]) for i in moved):
            break
        time.sleep(1)
    else:
        raise AssertionError("the drain did not finish: %s" %
                             drain_ui._rows_text(driver, moved))
    assert peak == 1
    assert moves_seen == moved  # each one seen moving, one at a time
    # The page's refresh shows the end without a reload.
    WebDriverWait(driver, 60).until(lambda d: all(
        "Done" in t for t in (drain_ui._rows_text(d, moved) or
                              {"x": ""}).values()))
    _shot(driver, "drain-status-done")

    # Move back with three in flight.
    drain_ui._click(driver, driver.find_element(By.CSS_SELECTOR,
                                                ".drain-move-back-link"))
    WebDriverWait(driver, 60).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-plan-table")))
    _set_in_flight(driver, 3)
    acks = driver.find_elements(By.ID, "id_acknowledge")
    if acks and not acks[0].is_selected():
        drain_ui._click(driver, acks[0])
    drain_ui._click(driver, driver.find_element(By.CSS_SELECTOR,
                                                ".drain-submit"))
    summary = drain_ui._result(driver)
    assert "Accepted by Nova: %d" % min(3, len(moved)) in summary.text, \
        summary.text
    drain_ui._click(driver, driver.find_element(
        By.CSS_SELECTOR, ".drain-result a.drain-status-link"))

    def back():
        servers = {s.id: s for s in drain_ui._servers(nova)}
        for i in moved:
            if servers[i].status == "VERIFY_RESIZE":
                nova.servers.confirm_resize(i)
        return all(getattr(servers[i], HOST_ATTR) == host and
                   drain_ui._idle(servers[i]) for i in moved)
    democloud.wait_for(back, timeout=TIMEOUT, interval=2,
                       what="the move back")
