"""Browser tests: Debian's Chromium driven by Selenium against a real
Horizon (with the plugin) logged in through the demo cloud's Keystone."""
import os
import shutil
import subprocess
import tempfile

import pytest

from tests import democloud

PORT = int(os.environ.get("HORIZON_TEST_PORT", "8001"))
# Horizon workers behind a round-robin balancer, sharing memcached
# (tests/browser/workers.py); 1: the single process of horizon.sh.
WORKERS = int(os.environ.get("HORIZON_TEST_WORKERS", "3"))
MEMCACHED_PORT = int(os.environ.get("HORIZON_TEST_MEMCACHED_PORT",
                                    "11311"))
BASE_URL = "http://127.0.0.1:%d" % PORT
HORIZON_SH = os.path.join(democloud.REPO, "tools", "horizon", "horizon.sh")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _horizon(command, port=PORT):
    env = dict(os.environ, HORIZON_PORT=str(port))
    return subprocess.run([HORIZON_SH, command], env=env, check=False,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)


@pytest.fixture(scope="session")
def horizon_balancer():
    """The round-robin balancer in front of the Horizon workers: its
    ``served`` says which worker answered each request.  One worker is
    horizon.sh's single process (its own sessions and cache)."""
    from tests.browser import workers
    democloud.ensure_running()
    result = _horizon("setup")
    if result.returncode != 0:
        raise RuntimeError("Horizon setup failed:\n%s" % result.stdout)
    state = os.environ.get("HORIZON_STATE",
                           os.path.join(democloud.REPO, ".horizon"))
    cache = pool = None
    if WORKERS > 1:
        cache = workers.Memcached(MEMCACHED_PORT)
        pool = workers.Workers(democloud.REPO, WORKERS, PORT, cache, state)
        ports = pool.ports
    else:
        ports = [PORT + 1]
    balancer = workers.RoundRobinProxy(PORT, ports)
    try:
        if pool is not None:
            cache.start()
            pool.start()
            workers.warm_up(pool.ports, "admin", democloud.ADMIN_PASSWORD)
        else:
            result = _horizon("start", PORT + 1)
            if result.returncode != 0:
                raise RuntimeError("Horizon start failed:\n%s"
                                   % result.stdout)
        balancer.start()
        yield balancer
    finally:
        balancer.stop()
        if pool is not None:
            pool.stop()
            cache.stop()
        else:
            _horizon("stop", PORT + 1)


@pytest.fixture(scope="session")
def horizon_url(horizon_balancer):
    return BASE_URL


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-test-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-quic", "--window-size=1400,1000",
                 "--user-data-dir=" + profile):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # Generous: Horizon's own landing page after login (project usage,
    # quotas) takes about a minute on a busy machine.
    driver.set_page_load_timeout(180)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def login(driver, base_url, username, password):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base_url + "/auth/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.ID, "loginBtn").click()
    WebDriverWait(driver, 60).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#navbar-collapse,"
                                        " .navbar, nav")))
    assert "/auth/login" not in driver.current_url, "login failed"


@pytest.fixture
def admin_browser(browser, horizon_url):
    login(browser, horizon_url, "admin", democloud.ADMIN_PASSWORD)
    return browser


@pytest.fixture
def demo_browser(browser, horizon_url):
    login(browser, horizon_url, "demo", democloud.DEMO_PASSWORD)
    return browser
