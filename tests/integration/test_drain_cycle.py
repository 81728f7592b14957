"""The maintenance cycle of the migration guide, through the plugin's own
pages (Django's test client logged in through the demo cloud's Keystone,
every page and form with its real Nova calls), each step compared with
what Nova says:

drain cmp1 -> confirm the cold moves -> Complete Maintenance -> Move Back,
and drain -> Move Back -> Complete Maintenance.

Before each drain the test plants a *decoy*: an instance of its own that
left cmp1 shortly before the drain (a live migration to cmp3) and stays
there; Move Back must not propose it, whichever order the operator
follows, because the drain did not move it.  The operator disabled cmp1
with a reason of their own first: the drain keeps it, Complete
Maintenance shows it.

Every test puts the seed back (instances home, hosts enabled) and deletes
what it booted, also when it fails."""
import re
import uuid

import pytest
from django.urls import reverse
from novaclient import exceptions as nova_exceptions

from migration_dashboard.core import planning
from tests import democloud
from tests.integration import test_chaos as seed

pytestmark = pytest.mark.integration

HOST = "cmp1"
DECOY_TO = "cmp3"
IMAGE = "cirros-tiny"
MOVING = {s.value for s in planning.MOVING}


# ------------------------------------------------------------- helpers

def _servers(nova):
    return seed._servers(nova)


def _on(nova, host):
    return {s.id: s for s in seed._on(nova, host)}


def _service(nova, host):
    return seed._service(nova, host)


def _html(res):
    assert res.status_code == 200, (res.status_code, res.get("location"))
    return res.content.decode()


def _plan_rows(html):
    """{instance id: strategy} of the plan table as the page shows it."""
    return dict((i, s) for s, i in re.findall(
        r'data-strategy="([^"]+)" data-instance="([^"]+)"', html))


def _moving(html):
    return {i for i, s in _plan_rows(html).items() if s in MOVING}


def _status_rows(html):
    """Instance ids of the rows of the drain status table."""
    return set(re.findall(r'id="drain__row__([0-9a-f-]{36})"', html))


def _confirm_all(nova, ids, confirmed=None):
    """Confirm the moves of ``ids`` waiting for it, each once (``confirmed``
    keeps those done across polls: Nova shows VERIFY_RESIZE a moment
    after a confirm)."""
    confirmed = set() if confirmed is None else confirmed
    for s in _servers(nova).values():
        if s.id in ids and s.status == "VERIFY_RESIZE" and \
                s.id not in confirmed:
            nova.servers.confirm_resize(s.id)
            confirmed.add(s.id)


def _idle(server):
    return not seed._task(server) and server.status in ("ACTIVE",
                                                         "SHUTOFF")


# A Django test client logged in through the demo cloud's Keystone.
horizon = seed.horizon


@pytest.fixture
def cycle(nova_admin):
    """The seed in place and idle; afterwards the seed put back, cmp1
    enabled and the test's own instances deleted."""
    booted = []
    errors = seed.restore_seed(nova_admin)
    assert not errors, errors
    seed._wait_idle_on(nova_admin, HOST)
    try:
        yield booted
    finally:
        _confirm_all(nova_admin, set(_servers(nova_admin)))
        for server_id in booted:
            try:
                nova_admin.servers.delete(server_id)
            except nova_exceptions.NotFound:
                pass
        democloud.wait_for(
            lambda: not set(booted) & set(_servers(nova_admin)),
            timeout=120, what="the test's instances deleted")
        errors = seed.restore_seed(nova_admin)
        assert not errors, errors


def _boot(nova, booted, name, host, stop=False):
    image = nova.glance.find_image(IMAGE)
    server = nova.servers.create(
        name, image.id, nova.flavors.find(name="m1.tiny").id, nics="none",
        host=host, meta={"democloud": "drain-cycle-test"})
    booted.append(server.id)

    def up():
        s = nova.servers.get(server.id)
        assert s.status != "ERROR", getattr(s, "fault", None)
        return s if s.status == "ACTIVE" and _idle(s) else None
    democloud.wait_for(up, timeout=180, interval=2, what=name + " ACTIVE")
    if stop:
        nova.servers.stop(server.id)
        democloud.wait_for(
            lambda: nova.servers.get(server.id).status == "SHUTOFF",
            timeout=120, what=name + " SHUTOFF")
    return server.id


def _plant_decoy(nova, booted):
    """An instance that leaves cmp1 before the drain and stays away."""
    decoy = _boot(nova, booted, "cycle-decoy-" + uuid.uuid4().hex[:6],
                  HOST)
    nova.servers.live_migrate(decoy, host=DECOY_TO, block_migration="auto")
    democloud.wait_for(
        lambda: seed._host(nova.servers.get(decoy)) == DECOY_TO and
        _idle(nova.servers.get(decoy)),
        timeout=180, interval=2, what="the decoy on " + DECOY_TO)
    return decoy


def _operator_disables(nova, reason):
    nova.services.disable_log_reason(_service(nova, HOST).id, reason)


def _start_drain(horizon):
    res = horizon.post(reverse("horizon:admin:hosts:drain_start",
                               args=[HOST]), {"host": HOST, "reason": ""})
    assert res.status_code == 302, _html(res)


def _submit_drain(horizon, exclude=()):
    url = reverse("horizon:admin:hosts:drain_plan", args=[HOST])
    form = {"submit": "1", "acknowledge": "1"}
    for instance_id in exclude:
        form["strategy__" + instance_id] = "exclude"
    html = _html(horizon.post(url, form))
    assert "drain-result" in html, html[-3000:]
    return html


def _wait_moved_off(nova, ids, horizon):
    """Until Nova lists none of ``ids`` on cmp1 and none is busy (a cold
    move may wait in VERIFY_RESIZE); returns {id: server}.  Each poll
    looks at the drain's status page, as an operator's open page does:
    that is what sends the queued moves (N in flight)."""
    def off():
        _status(horizon)
        servers = _servers(nova)
        moved = {i: servers[i] for i in ids}
        if any(seed._host(s) == HOST or seed._task(s) or
               s.status not in ("ACTIVE", "SHUTOFF", "VERIFY_RESIZE")
               for s in moved.values()):
            return None
        return moved
    return democloud.wait_for(off, timeout=420, interval=3,
                              what="the drained instances off " + HOST)


def _status(horizon, query=""):
    return _html(horizon.get(reverse("horizon:admin:hosts:drain_status",
                                     args=[HOST]) + query))


def _wait_all_home(nova, ids, horizon, status_url):
    confirmed = set()

    def home():
        horizon.get(status_url)  # looking moves the move back's queue on
        _confirm_all(nova, ids, confirmed)
        servers = _servers(nova)
        return all(seed._host(servers[i]) == HOST and _idle(servers[i])
                   for i in ids)
    democloud.wait_for(home, timeout=420, interval=3,
                       what="the drained instances back on " + HOST)


def _move_back_submit(horizon, url):
    """Submit the Move Back page at ``url`` (enable first, warnings read);
    returns the result page's status link."""
    html = _html(horizon.get(url))
    since = re.search(r'name="since" value="([^"]+)"', html)
    form = {"submit": "1", "acknowledge": "1", "enable_first": "1"}
    if since:
        form["since"] = since.group(1)
    html = _html(horizon.post(url.split("?")[0], form))
    status = re.search(r'href="([^"]+)" class="btn btn-primary '
                       r'drain-status-link"', html)
    assert status, html[-3000:]
    return status.group(1).replace("&amp;", "&")


# ------------------------------------------------------------------ tests

def test_complete_maintenance_then_move_back_moves_exactly_the_drained(
        horizon, nova_admin, cycle):
    decoy = _plant_decoy(nova_admin, cycle)
    reason = "kernel upgrade <b>%s</b> & more" % uuid.uuid4().hex[:6]
    _operator_disables(nova_admin, reason)
    drained = set(_on(nova_admin, HOST))
    assert decoy not in drained and len(drained) >= 6
    cold = {i for i, s in _on(nova_admin, HOST).items()
            if s.status == "SHUTOFF"}
    assert cold, "the seed keeps batch-1 SHUTOFF on cmp1"

    _start_drain(horizon)
    # The host is already disabled: starting the drain changes nothing in
    # Nova, the operator's reason stays as written.
    assert _service(nova_admin, HOST).disabled_reason == reason
    _submit_drain(horizon)
    service = _service(nova_admin, HOST)
    # Submitting the plan puts the marker in front of the operator's
    # reason, kept whole.
    assert service.disabled_reason.startswith("Drain since ")
    assert service.disabled_reason.endswith(": " + reason)

    moved = _wait_moved_off(nova_admin, drained, horizon)
    waiting = {i for i, s in moved.items() if s.status == "VERIFY_RESIZE"}
    assert waiting >= cold, "cold moves wait for a confirm"
    # Nova lists nothing on cmp1, yet the cold moves wait for a confirm
    # (a revert would bring them back): not "empty" yet.
    assert not _on(nova_admin, HOST)
    html = _status(horizon)
    assert "drain-host-empty" not in html
    assert "drain-host-waiting" in html
    assert _status_rows(html) >= drained

    _confirm_all(nova_admin, waiting)
    democloud.wait_for(
        lambda: all(_idle(s) for i, s in _servers(nova_admin).items()
                    if i in drained),
        timeout=180, interval=2, what="the confirms done")
    html = _status(horizon)
    assert "drain-host-empty" in html
    assert "drain-host-waiting" not in html

    # Complete Maintenance (guide 5.8) before moving back: it shows the
    # operator's reason and offers Move Back for the drain's instances.
    url = reverse("horizon:admin:hosts:complete_maintenance", args=[HOST])
    html = _html(horizon.get(url))
    assert "kernel upgrade &lt;b&gt;" in html
    assert "complete-maintenance-move-back" in html
    res = horizon.post(url, {"host": HOST})
    assert res.status_code == 302, _html(res)
    assert _service(nova_admin, HOST).status == "enabled"
    after = res["location"]
    assert reverse("horizon:admin:hosts:drain_move_back",
                   args=[HOST]) in after

    # The marker is gone with the disabled reason; Move Back still plans
    # exactly what the drain moved: from Complete Maintenance's link and
    # from the host's menu alike.
    assert _moving(_html(horizon.get(after))) == drained
    menu = reverse("horizon:admin:hosts:drain_move_back", args=[HOST])
    assert _moving(_html(horizon.get(menu))) == drained
    index = _html(horizon.get(reverse("horizon:admin:hosts:index")))
    assert menu in index, "the host's menu offers Move Back"

    # Every accepted move is on the move-back status at once.
    status_url = _move_back_submit(horizon, after)
    assert _status_rows(_html(horizon.get(status_url))) == drained
    _wait_all_home(nova_admin, drained, horizon, status_url)
    assert seed._host(nova_admin.servers.get(decoy)) == DECOY_TO
    index = _html(horizon.get(reverse("horizon:admin:hosts:index")))
    assert menu not in index, "nothing left to move back"


def test_move_back_then_complete_maintenance_moves_exactly_the_drained(
        horizon, nova_admin, cycle):
    decoy = _plant_decoy(nova_admin, cycle)
    ours = {_boot(nova_admin, cycle, "cycle-a-" + uuid.uuid4().hex[:4],
                  HOST),
            _boot(nova_admin, cycle, "cycle-b-" + uuid.uuid4().hex[:4],
                  HOST, stop=True)}
    reason = "firmware %s" % uuid.uuid4().hex[:6]
    _operator_disables(nova_admin, reason)
    seeded = set(_on(nova_admin, HOST)) - ours
    _start_drain(horizon)
    # Only the test's own instances move (the seeded ones are excluded).
    _submit_drain(horizon, exclude=seeded)
    _wait_moved_off(nova_admin, ours, horizon)
    _confirm_all(nova_admin, ours)
    democloud.wait_for(
        lambda: all(_idle(nova_admin.servers.get(i)) for i in ours),
        timeout=180, interval=2, what="the confirms done")

    # Move back first (the marker is still there), enabling the host.
    url = reverse("horizon:admin:hosts:drain_move_back", args=[HOST])
    assert _moving(_html(horizon.get(url))) == ours
    status_url = _move_back_submit(horizon, url)
    assert _status_rows(_html(horizon.get(status_url))) >= ours
    _wait_all_home(nova_admin, ours, horizon, status_url)
    assert seed._host(nova_admin.servers.get(decoy)) == DECOY_TO

    # Then Complete Maintenance: the host is enabled already, nothing is
    # left to move back.
    res = horizon.post(reverse("horizon:admin:hosts:complete_maintenance",
                               args=[HOST]), {"host": HOST})
    assert res.status_code == 302
    assert _service(nova_admin, HOST).status == "enabled"
    assert _moving(_html(horizon.get(url))) == set()


# Nova keeps 255 characters of a disabled reason; the widest drain marker
# (N has two digits at most) takes this much of them.
ROOM = 255 - len("Drain since 2026-11-26T10:00:00Z (N=50): ")


def _words(length):
    """An operator's reason of ``length`` characters ending in a word
    that a cut would lose first."""
    text = " ".join("step%d of the firmware update" % n for n in range(40))
    return (text[:length - 4] + " END")[:length]


def test_a_reason_too_long_for_the_marker_is_refused_never_cut(
        horizon, nova_admin):
    service = _service(nova_admin, HOST)
    if service.status != "enabled":
        nova_admin.services.enable(service.id)
    start = reverse("horizon:admin:hosts:drain_start", args=[HOST])
    plan = reverse("horizon:admin:hosts:drain_plan", args=[HOST])
    complete = reverse("horizon:admin:hosts:complete_maintenance",
                       args=[HOST])
    # Nova takes 250 characters; after the marker they do not fit.
    long_reason = _words(250)
    _operator_disables(nova_admin, long_reason)
    try:
        records = {m.id for m in nova_admin.migrations.list(host=HOST)}
        # Drain Host keeping the host's reason: refused, with the limit.
        html = _html(horizon.post(start, {"host": HOST, "reason": ""}))
        assert "has 250 characters" in html
        assert "at most %d" % ROOM in html
        assert _service(nova_admin, HOST).disabled_reason == long_reason
        # Submitting the plan at once: refused as well, nothing sent.
        html = _html(horizon.post(plan, {"submit": "1",
                                         "acknowledge": "1"}))
        assert "has 250 characters" in html
        assert "at most %d" % ROOM in html
        assert "drain-result" not in html
        assert _service(nova_admin, HOST).disabled_reason == long_reason
        assert {m.id for m in nova_admin.migrations.list(host=HOST)} == \
            records

        # The operator shortens it to what fits: kept whole in Nova.
        fits = _words(ROOM)
        res = horizon.post(start, {"host": HOST, "reason": fits})
        assert res.status_code == 302, _html(res)
        written = _service(nova_admin, HOST).disabled_reason
        assert written.startswith("Drain since ")
        assert written.endswith(": " + fits)

        # Complete Maintenance shows it whole and says it when enabling
        # (Nova forgets it then).
        assert fits in _html(horizon.get(complete))
        res = horizon.post(complete, {"host": HOST})
        assert res.status_code == 302, _html(res)
        assert _service(nova_admin, HOST).status == "enabled"
        assert "%s (%s)" % (HOST, fits) in _html(horizon.get(
            res["location"]))
    finally:
        service = _service(nova_admin, HOST)
        if service.status != "enabled":
            nova_admin.services.enable(service.id)
