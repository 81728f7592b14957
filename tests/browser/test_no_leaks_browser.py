"""Every page of the plugin in Chromium, with the long-string suite's
hostile strings on the demo cloud (a disabled reason, an instance name):
no markup and no attribute text leaks into what a person reads.

A quote or an angle bracket reaching an attribute unescaped (Horizon puts
help texts into a ``title`` through ``|safe``) ends the attribute early:
the rest shows up as text (``") by which every dashboard ...">``) and
the browser makes attributes of the words in between.  So each page is
checked twice: its visible text, once the hostile strings themselves are
taken out, holds no tag, attribute or entity syntax; and every attribute
name in its DOM is a real one."""
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests import democloud
from tests.unit.test_long_strings import LONG_NAME
from tests.unit.test_long_strings import LONG_REASON

pytestmark = pytest.mark.browser

REASON_HOST = "cmp3"
IMAGE = "cirros-tiny"
FLAVOR = "m1.tiny"

# What leaked markup looks like as text.
LEAK = re.compile(r"""["']\s*/?>|=\s*["']|</[a-zA-Z]|<[a-zA-Z][^<>]*>"""
                  r"""|&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);""")
ATTRIBUTE_NAME = re.compile(r"^[a-zA-Z_:][-a-zA-Z0-9_:.]*$")

_ATTRIBUTE_NAMES = """
var names = {};
document.querySelectorAll("*").forEach(function (el) {
  for (var i = 0; i < el.attributes.length; i++) {
    names[el.attributes[i].name] = true;
  }
});
return Object.keys(names);
"""


def _idle(nova, server_id):
    server = nova.servers.get(server_id)
    if server.status == "ERROR":
        raise AssertionError("instance went to ERROR: %s"
                             % getattr(server, "fault", ""))
    if (server.status == "ACTIVE" and
            getattr(server, "OS-EXT-STS:task_state", None) is None):
        return server
    return None


def _host(server):
    return getattr(server, "OS-EXT-SRV-ATTR:host")


@pytest.fixture
def hostile_cloud():
    """An instance of the test's own named LONG_NAME with one completed
    live migration, and cmp3 disabled with LONG_REASON; both undone
    after (cmp3 back to how it was, the instance deleted)."""
    nova = democloud.nova(democloud.session())
    service = next(s for s in nova.services.list(binary="nova-compute")
                   if s.host == REASON_HOST)
    nova.services.disable_log_reason(service.id, LONG_REASON)
    server = None
    try:
        image = nova.glance.find_image(IMAGE)
        flavor = nova.flavors.find(name=FLAVOR)
        server = nova.servers.create(LONG_NAME, image.id, flavor.id,
                                     nics="none")
        server = democloud.wait_for(lambda: _idle(nova, server.id),
                                    timeout=180, what="instance ACTIVE")
        source = _host(server)
        target = next(h for h in democloud.COMPUTES
                      if h not in (source, REASON_HOST))
        server.live_migrate(host=target, block_migration="auto")
        server = democloud.wait_for(
            lambda: (_idle(nova, server.id) if _host(nova.servers.get(
                server.id)) == target else None),
            timeout=180, what="live migration done")
        migration = nova.migrations.list(instance_uuid=server.id)[0]
        yield server, migration
    finally:
        if server is not None:
            nova.servers.delete(server.id)
        if service.status == "enabled":
            nova.services.enable(service.id)
        else:
            nova.services.disable_log_reason(service.id,
                                             service.disabled_reason)


def _pages(server, migration):
    """(path, what to wait for) of every page of the plugin."""
    host = _host(server)
    sid = server.id
    mig = "/admin/migrations/%s/%s/" % (sid, migration.id)
    return [
        ("/admin/hosts/", "#hosts"),
        ("/admin/hosts/disable/", "form"),
        ("/admin/hosts/%s/" % REASON_HOST, ".detail"),
        ("/admin/hosts/%s/?tab=host_details__instances" % host,
         "#instances"),
        ("/admin/hosts/%s/?tab=host_details__migrations" % host, "table"),
        ("/admin/hosts/%s/disable/" % host, "form"),
        ("/admin/hosts/%s/force_down/" % REASON_HOST, "form"),
        ("/admin/hosts/%s/prepare_destination/" % REASON_HOST, "form"),
        ("/admin/hosts/%s/complete_maintenance/" % REASON_HOST, "form"),
        ("/admin/hosts/%s/drain/" % REASON_HOST, "form"),
        ("/admin/hosts/%s/drain/plan/" % REASON_HOST, ".page-header"),
        ("/admin/hosts/%s/drain/status/" % REASON_HOST, ".page-header"),
        ("/admin/hosts/%s/drain/move_back/" % REASON_HOST, ".page-header"),
        ("/admin/hosts/%s/evacuation/" % host, ".page-header"),
        ("/admin/hosts/%s/evacuation/status/" % host, ".page-header"),
        ("/admin/hosts/%s/evacuation/instance/%s/" % (host, sid),
         ".page-header"),
        ("/admin/hosts/%s/instances/%s/live_migrate/" % (host, sid),
         ".migrate-findings-content"),
        ("/admin/hosts/%s/instances/%s/cold_migrate/" % (host, sid),
         ".migrate-findings-content"),
        ("/admin/migrations/", "#migrations"),
        ("/admin/migrations/instance/%s/" % sid, ".page-header"),
        (mig, ".page-header"),
        (mig + "abort/", ".page-header"),
        (mig + "force_complete/", ".page-header"),
    ]


def _leaks(text):
    for hostile in (LONG_REASON, LONG_NAME):
        text = text.replace(hostile, "")
        # A host's option label cuts its reason on purpose (with "…").
        for end in range(len(hostile) - 1, 20, -1):
            text = text.replace(hostile[:end] + "\u2026", "")
    return [text[max(0, m.start() - 60):m.end() + 60]
            for m in LEAK.finditer(text)]


def test_no_markup_or_attribute_text_leaks_on_any_page(
        admin_browser, horizon_url, hostile_cloud):
    driver = admin_browser
    server, migration = hostile_cloud
    seen = {}
    problems = []
    for path, ready in _pages(server, migration):
        driver.get(horizon_url + path)
        WebDriverWait(driver, 90).until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, ready)))
        assert "/auth/login" not in driver.current_url
        text = driver.find_element(By.TAG_NAME, "body").text
        seen[path] = text
        for leak in _leaks(text):
            problems.append("%s: text %r" % (path, leak))
        for name in driver.execute_script(_ATTRIBUTE_NAMES):
            if not ATTRIBUTE_NAME.match(name):
                problems.append("%s: attribute named %r" % (path, name))
    assert not problems, "\n".join(problems)

    # The hostile strings were on the pages, whole, as text.
    assert LONG_REASON in seen["/admin/hosts/"]
    assert LONG_REASON in seen["/admin/hosts/%s/" % REASON_HOST]
    instances_tab = ("/admin/hosts/%s/?tab=host_details__instances"
                     % _host(server))
    assert LONG_NAME in seen[instances_tab]
    assert LONG_NAME in seen["/admin/migrations/%s/%s/"
                             % (server.id, migration.id)]


def test_help_text_with_quotes_is_the_tooltip_not_page_text(
        admin_browser, horizon_url):
    driver = admin_browser
    driver.get(horizon_url + "/admin/hosts/cmp1/drain/")
    icon = WebDriverWait(driver, 60).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "label[for=id_reason] + .help-icon")))
    assert '("Drain since <time>")' in icon.get_attribute("title")
    # The whole help text is the tooltip (it goes on to say the limit).
    assert "by which every dashboard recognises the drain" in \
        icon.get_attribute("title")
    assert "recognises the drain" not in driver.find_element(
        By.TAG_NAME, "body").text


def test_leak_detector_sees_a_broken_attribute():
    # The detector itself: the text the unescaped help text used to show.
    assert _leaks('Reason ") by which every dashboard recognises the '
                  'drain.">')
    assert _leaks("a &lt;b&gt; c")
    assert not _leaks("Reason " + LONG_REASON + " and " + LONG_NAME)
    assert not _leaks("cmp3 (reason: " + LONG_REASON[:40] + "\u2026)")
    assert _leaks("cmp3 (reason: " + LONG_REASON[:40] + ")")
    assert not ATTRIBUTE_NAME.match('<time>"')
    assert ATTRIBUTE_NAME.match("data-toggle")
