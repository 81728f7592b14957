"""Drain a host from the browser (Chromium, real Horizon, demo cloud) to the
end: Drain Host on the hosts table, the plan with a dry run, submit, the
status page until Nova lists nothing on the host, then Move Back, which
enables the host again.

The host is cmp2, with its seeded instances (the test fails, rather than
drain another host, when a test before it left cmp2 otherwise).
The test boots one instance there and shuts it off, so the drain and the
move back each have a cold migration, confirmed with Confirm All on the
status page.  The clean-up always leaves the host enabled with its
instances back, and deletes the booted one."""
import time

import pytest
from selenium.common import exceptions as selenium_exceptions
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud

pytestmark = pytest.mark.browser

HOST_ATTR = "OS-EXT-SRV-ATTR:host"
HOST = "cmp2"
SEEDED = ("app-1", "app-2", "batch-1", "cache-1", "cfg-1", "db-1", "db-2",
          "ha-1", "ha-2", "web-1", "web-2", "web-3")
TIMEOUT = 300
IMAGE = "cirros-tiny"
FLAVOR = "m1.tiny"


def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def _click(driver, element):
    driver.execute_script("arguments[0].scrollIntoView(true);", element)
    driver.execute_script("arguments[0].click();", element)


def _servers(nova):
    return nova.servers.list(search_opts={"all_tenants": 1})


def _idle(s):
    return getattr(s, "OS-EXT-STS:task_state") is None and \
        s.status in ("ACTIVE", "SHUTOFF")


def _pick_host(nova):
    """(host, its instances, the seeded ones to move): cmp2 as the seed
    left it, every compute enabled and up and each instance on cmp2 a
    seeded one, idle (a test before that left it otherwise fails this
    one, rather than have it drain another host)."""
    democloud.computes_ready(nova)
    on = [s for s in _servers(nova) if getattr(s, HOST_ATTR) == HOST]
    mine = [s for s in on if s.name in SEEDED and _idle(s)]
    assert len(mine) >= 2 and len(mine) == len(on), [
        (s.name, s.status, getattr(s, "OS-EXT-STS:task_state")) for s in on]
    return HOST, on, mine


def _boot_shut_off(nova, host):
    """An instance booted on ``host`` and shut off; returns it."""
    server = nova.servers.create(
        "drain-browser-off-%d" % int(time.time()),
        nova.glance.find_image(IMAGE).id,
        nova.flavors.find(name=FLAVOR).id, nics="none", host=host,
        meta={"democloud": "drain-browser-test"})

    def active():
        s = nova.servers.get(server.id)
        assert s.status != "ERROR", getattr(s, "fault", None)
        return s.status == "ACTIVE" and _idle(s)
    democloud.wait_for(active, timeout=180, interval=2,
                       what="the test's instance ACTIVE")
    nova.servers.stop(server.id)

    def shut_off():
        s = nova.servers.get(server.id)
        return s if s.status == "SHUTOFF" and _idle(s) else None
    return democloud.wait_for(shut_off, timeout=120, interval=2,
                              what="the test's instance SHUTOFF")


def _delete(nova, server_id):
    try:
        nova.servers.delete(server_id)
    except Exception:  # already gone
        return
    democloud.wait_for(
        lambda: server_id not in {s.id for s in _servers(nova)},
        timeout=120, interval=2, what="the test's instance deleted")


def _restore(nova, host, moved):
    """Confirm what waits, move back what is away, enable the host."""
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            away = []
            for s in _servers(nova):
                if s.id not in moved:
                    continue
                if s.status == "VERIFY_RESIZE":
                    nova.servers.confirm_resize(s)
                    away.append(s)
                elif getattr(s, HOST_ATTR) != host:
                    away.append(s)
            if not away:
                return
            if nova.services.list(host=host,
                                  binary="nova-compute")[0].status != \
                    "enabled":
                nova.services.enable(
                    nova.services.list(host=host,
                                       binary="nova-compute")[0].id)
            for s in away:
                if not _idle(s):
                    continue
                try:
                    if s.status == "SHUTOFF":
                        nova.servers.migrate(s, host=host)
                    else:
                        nova.servers.live_migrate(s, host, "auto")
                except Exception:
                    pass
            time.sleep(10)
    finally:
        svc = nova.services.list(host=host, binary="nova-compute")[0]
        if svc.status != "enabled":
            nova.services.enable(svc.id)


def _open_drain(driver, horizon_url, host):
    driver.get(horizon_url + "/admin/hosts/")
    row = _wait(driver).until(ec.presence_of_element_located(
        (By.ID, "hosts__row__%s" % host)))
    button = row.find_element(By.ID, "hosts__row_%s__action_drain" % host)
    if not button.is_displayed():
        _click(driver, row.find_element(By.CSS_SELECTOR,
                                        ".dropdown-toggle"))
        _wait(driver, 10).until(ec.visibility_of(button))
    button.click()
    return _wait(driver).until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, "#drain_start_form #id_reason")))


def _result(driver):
    """The result summary after a submit, or the page's reason why not."""
    _wait(driver, 120).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, ".drain-result-summary, .drain-submit-error, "
        ".alert-danger"))
    found = driver.find_elements(By.CSS_SELECTOR, ".drain-result-summary")
    assert found, [e.text for e in driver.find_elements(
        By.CSS_SELECTOR, ".drain-submit-error, .alert-danger, .alert")]
    return found[0]


def _rows_text(driver, ids):
    try:
        return {i: driver.find_element(By.ID, "drain__row__%s" % i).text
                for i in ids}
    except selenium_exceptions.WebDriverException:
        return None


def _follow(driver, nova, host, ids, arrived, what):
    """Reload the status page (its rows also refresh themselves) and
    confirm cold migrations from it until ``arrived()``."""
    url = driver.current_url
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if arrived():
            return
        texts = _rows_text(driver, ids) or {}
        if any("Needs confirm" in t for t in texts.values()):
            buttons = driver.find_elements(By.ID,
                                           "drain__action_confirm_all")
            if buttons:
                _click(driver, buttons[0])
                _wait(driver).until(lambda d: "Confirmed" in d.page_source
                                    or "Unable to confirm" in d.page_source)
        time.sleep(5)
        driver.get(url)
    raise AssertionError("%s did not finish: %s" % (
        what, _rows_text(driver, ids)))


def _submit(driver, count):
    """Acknowledge the warnings if asked, submit the plan and check Nova
    accepted ``count`` moves."""
    acks = driver.find_elements(By.ID, "id_acknowledge")
    if acks:
        _click(driver, acks[0])
    # Every move at once (the queue has its own test).
    field = driver.find_element(By.NAME, "in_flight")
    field.clear()
    field.send_keys(str(count))
    _click(driver, driver.find_element(By.CSS_SELECTOR, ".drain-submit"))
    summary = _result(driver)
    assert "Accepted by Nova: %d" % count in summary.text, summary.text


def test_drain_a_host_from_the_browser(admin_browser, horizon_url,
                                       request):
    nova = democloud.nova(democloud.session())
    host, on, mine = _pick_host(nova)
    moved = {s.id: s for s in mine}
    booted = []
    request.addfinalizer(lambda: [_delete(nova, i) for i in booted])
    off = _boot_shut_off(nova, host)
    booted.append(off.id)
    moved[off.id] = off
    states = {i: s.status for i, s in moved.items()}
    everyone = set(moved)
    request.addfinalizer(lambda: _restore(nova, host, everyone))
    driver = admin_browser

    # 1. Drain Host on the hosts table: disable with a reason.
    reason = _open_drain(driver, horizon_url, host)
    reason.send_keys("browser test drain")
    _click(driver, driver.find_element(
        By.CSS_SELECTOR, "#drain_start_form input[type=submit]"))
    _wait(driver).until(lambda d: "/drain/plan/" in d.current_url)
    svc = nova.services.list(host=host, binary="nova-compute")[0]
    assert svc.status == "disabled"
    assert svc.disabled_reason.startswith("Drain since ")
    assert svc.disabled_reason.endswith("browser test drain")

    # 2. The plan: every instance has a row; dry run.
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-plan-table")))
    for s in on + [off]:
        assert driver.find_elements(By.ID, "drain-plan-row-%s" % s.id)
    _click(driver, driver.find_element(By.CSS_SELECTOR,
                                       ".drain-dry-run-button"))
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-dry-run")))
    # Every instance can move (cmp1 and cmp3 have room): the running ones
    # live, the shut-off one cold.
    strategies = {i: driver.find_element(
        By.ID, "drain-plan-row-%s" % i).get_attribute("data-strategy")
        for i in moved}
    assert strategies[off.id] == "cold", strategies
    assert {st for i, st in strategies.items() if i != off.id} <= {
        "live", "live-block"}, strategies
    plan = driver.find_element(By.CSS_SELECTOR, ".drain-plan")
    assert plan.get_attribute("data-moving") == str(len(moved)), plan.text
    assert all(_idle(nova.servers.get(i)) and
               getattr(nova.servers.get(i), HOST_ATTR) == host
               for i in moved), "the dry run moved something"

    # 3. Submit: one result row per instance.
    _submit(driver, len(moved))
    for i in moved:
        assert driver.find_elements(By.ID, "drain_result__row__%s" % i)

    # 4. Track until every moved instance is done, from the status page.
    _click(driver, driver.find_element(By.CSS_SELECTOR,
                                       ".drain-result a.drain-status-link"))
    _wait(driver).until(lambda d: "/drain/status/" in d.current_url)

    def drained():
        servers = {s.id: s for s in _servers(nova)}
        return all(getattr(servers[i], HOST_ATTR) != host and
                   _idle(servers[i]) for i in moved)
    _follow(driver, nova, host, moved, drained, "the drain")
    driver.get(driver.current_url)
    _wait(driver, 30).until(lambda d: all(
        "Done" in t for t in (_rows_text(d, moved) or {"x": ""}).values()))
    assert driver.find_elements(By.CSS_SELECTOR, ".drain-host-empty")
    for i in moved:
        democloud.wait_for(lambda: nova.servers.get(i).status == states[i],
                           timeout=60, what="%s in its state" % i)

    # 5. Move back: the same instances, host enabled first.
    _click(driver, driver.find_element(By.CSS_SELECTOR,
                                       ".drain-move-back-link"))
    _wait(driver).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".drain-plan-table")))
    enable = driver.find_element(By.ID, "id_enable_first")
    assert enable.is_selected()
    plan = driver.find_element(By.CSS_SELECTOR, ".drain-plan")
    assert plan.get_attribute("data-moving") == str(len(moved)), plan.text
    _submit(driver, len(moved))
    assert nova.services.list(host=host, binary="nova-compute")[0] \
        .status == "enabled"
    _click(driver, driver.find_element(By.CSS_SELECTOR,
                                       ".drain-result a.drain-status-link"))
    _wait(driver).until(lambda d: "direction=back" in d.current_url)

    def back():
        servers = {s.id: s for s in _servers(nova)}
        return all(getattr(servers[i], HOST_ATTR) == host and
                   _idle(servers[i]) for i in moved)
    _follow(driver, nova, host, moved, back, "the move back")
    for i in moved:
        democloud.wait_for(lambda: nova.servers.get(i).status == states[i],
                           timeout=60, what="%s back in its state" % i)
