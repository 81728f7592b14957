"""Shared by the integration and browser tests: bring the demo cloud up
(started if not running; idempotent) and talk to it directly for set-up and
for checking what the plugin did."""
import contextlib
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(REPO, "tools", "democloud", "democloud.py")
KEYSTONE_URL = "http://127.0.0.1:5000/v3"
ADMIN_PASSWORD = os.environ.get("DEMOCLOUD_ADMIN_PASSWORD", "admin")
DEMO_PASSWORD = os.environ.get("DEMOCLOUD_DEMO_PASSWORD", "demo")
COMPUTES = ("cmp1", "cmp2", "cmp3")


def run(*args, check=True):
    """Run a democloud.py command with the system Python (stdlib only)."""
    python = os.environ.get("DEMOCLOUD_PYTHON", "python3")
    return subprocess.run([python, SCRIPT] + list(args), check=check,
                          cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def ensure_running():
    result = run("start", check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        raise RuntimeError("the demo cloud did not start:\n" +
                           result.stdout[-2000:])


def session(username="admin", password=None, project="admin"):
    from keystoneauth1.identity import v3
    from keystoneauth1 import session as ks_session
    if password is None:
        password = ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD
    auth = v3.Password(auth_url=KEYSTONE_URL, username=username,
                       password=password, project_name=project,
                       user_domain_id="default", project_domain_id="default")
    return ks_session.Session(auth=auth)


def nova(sess, version="2.96"):
    from novaclient import client
    return client.Client(version, session=sess)


def wait_for(predicate, timeout=120, interval=1.0, what="condition"):
    """Poll ``predicate`` until it returns a truthy value (bounded)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError("timed out after %ss waiting for %s (last: %r)"
                         % (timeout, what, last))


# Plain instances of the seed (no server group, plain flavor).
PLAIN = ("web-1", "web-2", "db-1", "app-1", "cache-1", "app-2", "web-3",
         "db-2")
HOST_ATTR = "OS-EXT-SRV-ATTR:host"


def compute_services(nova_client):
    return {s.host: s for s in nova_client.services.list(
        binary="nova-compute")}


@contextlib.contextmanager
def only_enabled(nova_client, source, reason):
    """Disable every compute but ``source``; enable again exactly those
    this disabled, whatever happens in between.  Yields the other hosts."""
    disabled = []
    try:
        for host, service in sorted(compute_services(nova_client).items()):
            if host != source and service.status == "enabled":
                nova_client.services.disable_log_reason(service.id, reason)
                disabled.append(service.id)
        yield sorted(h for h in compute_services(nova_client)
                     if h != source)
    finally:
        for service_id in disabled:
            nova_client.services.enable(service_id)


@contextlib.contextmanager
def forced_down(nova_client, host):
    """``host``'s compute service forced down, up again afterwards."""
    service = compute_services(nova_client)[host]
    nova_client.services.force_down(service.id, True)
    try:
        yield
    finally:
        nova_client.services.force_down(service.id, False)


def plain_active(nova_client):
    """An idle ACTIVE plain instance of the seed."""
    servers = {s.name: s for s in nova_client.servers.list(
        search_opts={"all_tenants": 1})}
    for name in PLAIN:
        s = servers.get(name)
        if s is not None and s.status == "ACTIVE" and \
                getattr(s, "OS-EXT-STS:task_state") is None:
            return s
    raise AssertionError("no idle ACTIVE plain instance on the demo cloud")


def migration_ids(nova_client, server_id):
    return {m.id for m in nova_client.migrations.list(
        instance_uuid=server_id)}


# What Nova reports once it no longer works on a move ("finished": a cold
# migration waiting for its confirm, the instance already on the
# destination), and the task states of an instance being moved.
FINAL_MOVE_STATUSES = frozenset({
    "completed", "finished", "confirmed", "done", "error", "failed",
    "cancelled", "reverted"})
MOVE_TASKS = frozenset({"migrating", "resize_prep", "resize_migrating",
                        "resize_migrated", "resize_finish"})


def moves_in_progress(nova_client, host, onto=False, changes_since=None):
    """Ids of the instances Nova is moving off ``host`` (``onto``: onto
    it), read with the caller's own novaclient: migration records not in
    a final status, plus instances in a move task whose record
    nova-conductor has not written yet."""
    kwargs = {"host": host}
    if changes_since is not None:
        kwargs["changes_since"] = changes_since.isoformat()
    ids = set()
    for m in nova_client.migrations.list(**kwargs):
        if m.migration_type not in ("live-migration", "migration") or \
                (m.status or "").lower() in FINAL_MOVE_STATUSES:
            continue
        if (m.source_compute == host) != onto:
            ids.add(m.instance_uuid)
    for s in nova_client.servers.list(search_opts={"all_tenants": 1}):
        on_host = getattr(s, "OS-EXT-SRV-ATTR:host") == host
        if getattr(s, "OS-EXT-STS:task_state") in MOVE_TASKS and \
                on_host != onto:
            ids.add(s.id)
    return ids


# Instance metadata the demo's fake driver reads as each live migration of
# the instance starts: how long it stays `running` (tools/democloud/
# democloud_driver.py).  A test that must see a migration running sets a
# long window and ends the migration itself (force complete or abort); one
# that needs moves done at once sets 0.
LIVE_MIGRATION_SECONDS = "democloud:live_migration_seconds"
HELD = "3600"  # longer than any test: the test ends the migration


def computes_ready(nova_client):
    """Every compute of the seed enabled, up and not forced down: what the
    tests start from (a test that changes it puts it back)."""
    services = compute_services(nova_client)
    state = {h: (s.status, s.state, s.forced_down)
             for h, s in services.items() if h in COMPUTES}
    assert state == {h: ("enabled", "up", False) for h in COMPUTES}, state


def boot(nova_client, name, host, meta=None, flavor="m1.tiny",
         timeout=180):
    """An instance of the test's own, booted ACTIVE on ``host``."""
    image = nova_client.glance.find_image("cirros-tiny")
    server = nova_client.servers.create(
        name, image.id, nova_client.flavors.find(name=flavor).id,
        nics="none", host=host, meta=dict(meta or {}, test="integration"))

    def up():
        s = nova_client.servers.get(server.id)
        assert s.status != "ERROR", getattr(s, "fault", None)
        if s.status == "ACTIVE" and \
                getattr(s, "OS-EXT-STS:task_state") is None:
            return s
        return None
    found = wait_for(up, timeout=timeout, interval=1,
                     what="%s ACTIVE on %s" % (name, host))
    assert getattr(found, HOST_ATTR) == host, getattr(found, HOST_ATTR)
    return found


def release_held(nova_client, server_ids):
    """Live migrations of ``server_ids`` held running by the demo's window
    completed (Nova's force complete), and the window taken off, so that
    none outlives its test."""
    from novaclient import exceptions as nova_exceptions
    for server_id in server_ids:
        try:
            server = nova_client.servers.get(server_id)
            running = nova_client.server_migrations.list(server_id)
        except nova_exceptions.NotFound:
            continue
        window = (server.metadata or {}).get(LIVE_MIGRATION_SECONDS)
        if window is not None:
            nova_client.servers.delete_meta(server_id,
                                            [LIVE_MIGRATION_SECONDS])
        if window != HELD:
            continue  # a migration that ends by itself: not raced here
        for migration in running:
            if migration.status == "running":
                nova_client.server_migrations.live_migrate_force_complete(
                    server_id, migration.id)


def delete(nova_client, server_ids, timeout=120):
    """Delete the test's instances and wait until Nova lists none.  A live
    migration of one still held running (a test that failed before ending
    it) is completed first, so that no fake migration outlives them."""
    from novaclient import exceptions as nova_exceptions
    release_held(nova_client, server_ids)

    def settled():
        for server_id in server_ids:
            try:
                s = nova_client.servers.get(server_id)
            except nova_exceptions.NotFound:
                continue
            if getattr(s, "OS-EXT-STS:task_state") == "migrating":
                return False
        return True
    try:
        wait_for(settled, timeout=timeout, interval=1,
                 what="no migration of the test's instances")
    except AssertionError:
        # Deleted all the same (a failed test must not leave its instances
        # behind); gone() below fails if Nova refuses.
        pass
    for server_id in server_ids:
        try:
            nova_client.servers.delete(server_id)
        except nova_exceptions.NotFound:
            pass

    def gone():
        left = {s.id for s in nova_client.servers.list(
            search_opts={"all_tenants": 1})}
        return not (set(server_ids) & left)
    wait_for(gone, timeout=timeout, interval=1, what="instances deleted")
