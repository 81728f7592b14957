"""The plugin keeps nothing in a worker: one browser session's requests go
round-robin to the Horizon workers (tests/browser/workers.py: three by
default, sessions and cache in memcached), and multi-request flows work
whichever worker answers each step.

The other browser tests (drain start, plan, submit and its status page;
evacuation; live migration with rows refreshing themselves) run on the same
workers; these add the proof that requests really crossed workers, and an
abort of a live migration.
"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud
from tests.browser import conftest
from tests.browser.test_hosts_browser import _row
from tests.browser.test_hosts_browser import _run_row_action
# Two ACTIVE instances of the test's own on one host (fixture).
from tests.browser.test_migrations_browser import _host
from tests.browser.test_migrations_browser import _idle
from tests.browser.test_migrations_browser import servers  # noqa: F401

pytestmark = pytest.mark.browser

def _wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def _workers_of(pages):
    return {worker for worker, _method, _path in pages}


def test_one_session_is_served_by_every_worker(admin_browser, horizon_url,
                                               horizon_balancer, request):
    """Log in on one worker, disable a host through the modal form (GET
    the form, POST it, reload the table: three workers) and enable it
    again from the table: still logged in, every step done."""
    balancer = horizon_balancer
    count = len(balancer.backends)
    assert count == conftest.WORKERS
    nova = democloud.nova(democloud.session())
    host = democloud.COMPUTES[-1]
    service = next(s.id for s in nova.services.list(binary="nova-compute")
                   if s.host == host)
    nova.services.enable(service)
    request.addfinalizer(lambda: nova.services.enable(service))
    start = len(balancer.served)

    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/")
    _wait(driver).until(ec.presence_of_element_located(
        (By.ID, "hosts__row__%s" % host)))
    _run_row_action(driver, host, "disable")
    reason = _wait(driver).until(ec.visibility_of_element_located(
        (By.ID, "id_reason")))
    reason.send_keys("stateless check")
    driver.find_element(By.CSS_SELECTOR,
                        "#disable_host_form .btn-primary").click()
    _wait(driver).until(lambda d: "disabled" in _row(d, host).text)
    assert "stateless check" in _row(driver, host).text
    assert next(s for s in nova.services.list(binary="nova-compute")
                if s.host == host).status == "disabled"

    # Enable from the table: a POST, then the table again.
    _run_row_action(driver, host, "enable")
    _wait(driver).until(lambda d: "enabled" in _row(d, host).text)
    assert next(s for s in nova.services.list(binary="nova-compute")
                if s.host == host).status == "enabled"

    pages = balancer.pages(start)
    # Nothing sent the browser back to the login page on any worker.
    assert not [p for p in pages if p[2].startswith("/auth/login")], pages
    assert "/auth/login" not in driver.current_url
    assert _workers_of(pages) == set(range(count)), pages
    posts = [p for p in pages if p[1] == "POST"]
    assert len(posts) >= 2, pages
    # The form's GET and its POST were answered by different workers.
    form_get = [p for p in pages if p[1] == "GET" and
                p[2].startswith("/admin/hosts/%s/disable/" % host)]
    form_post = [p for p in posts if
                 p[2].startswith("/admin/hosts/%s/disable/" % host)]
    assert form_get and form_post, pages
    if count > 1:
        assert form_get[-1][0] != form_post[-1][0], pages


def test_abort_a_live_migration_across_workers(admin_browser, horizon_url,
                                               horizon_balancer,
                                               servers):
    """The second of two live migrations off one host waits behind the
    first (one at a time per compute): open its Abort form and confirm;
    Nova cancels it and the instance stays on its host."""
    nova, first, second = servers
    source = _host(first)
    enabled = sorted(
        s.host for s in nova.services.list(binary="nova-compute")
        if s.host != source and s.status == "enabled" and s.state == "up"
        and not getattr(s, "forced_down", False))
    assert enabled, "no other enabled compute host in the demo cloud"
    def live_migration(server, status):
        for m in nova.migrations.list(instance_uuid=server.id):
            if m.migration_type == "live-migration" and m.status == status:
                return m
        return None

    # The second is sent once the first holds the source's one live
    # migration slot: sent together, the second's pre-checks could end
    # first and take the slot (then it runs, and Nova refuses its abort).
    first.live_migrate(host=enabled[0], block_migration="auto")
    democloud.wait_for(lambda: live_migration(first, "running"), timeout=60,
                       interval=0.2, what="the first migration running")
    second.live_migrate(host=enabled[0], block_migration="auto")
    migration = democloud.wait_for(lambda: live_migration(second, "queued"),
                                   timeout=30, interval=0.2,
                                   what="the second migration queued")
    start = len(horizon_balancer.served)
    driver = admin_browser
    driver.get("%s/admin/migrations/%s/%s/abort/" % (
        horizon_url, second.id, migration.id))
    _wait(driver).until(ec.element_to_be_clickable(
        (By.CSS_SELECTOR, "#abort_migration_form .migration-action-submit"))).click()
    _wait(driver).until(lambda d: "Abort of migration" in d.page_source)

    def ended():
        m = next(m for m in nova.migrations.list(instance_uuid=second.id)
                 if m.id == migration.id)
        return m if m.status in ("cancelled", "completed", "error",
                                 "failed") else None
    final = democloud.wait_for(ended, timeout=120, what="migration ended")
    assert final.status == "cancelled"
    stayed = democloud.wait_for(lambda: _idle(nova, second.id), timeout=60,
                                what="instance idle")
    assert _host(stayed) == source
    pages = horizon_balancer.pages(start)
    assert len(_workers_of(pages)) > 1 or conftest.WORKERS == 1, pages
