"""Set-up and clean-up of the evacuation tests on the demo cloud.

Only cmp3 is ever stopped, forced down or evacuated (other tests use cmp1
and cmp2 as sources and destinations).  Every step polls with a bound.
The clean-up brings cmp3 back (started, its evacuation records completed,
forced up, enabled), moves the seeded instances back onto it (so the demo
cloud keeps its layout) and deletes the instances the test booted.
"""
import contextlib
import time

from tests import democloud

FAILED = "cmp3"
IMAGE = "cirros-tiny"
FLAVOR = "m1.tiny"


def service(nova, host=FAILED):
    return next(s for s in nova.services.list(binary="nova-compute")
                if s.host == host)


def host_of(server):
    return getattr(server, "OS-EXT-SRV-ATTR:host")


def task_of(server):
    return getattr(server, "OS-EXT-STS:task_state")


def servers_on(nova, host=FAILED):
    return [s for s in nova.servers.list(search_opts={"all_tenants": 1,
                                                      "host": host})]


def boot_extras(nova, count=2, prefix="evac-test"):
    """Boot ``count`` tiny instances onto cmp3; returns their ids."""
    image = nova.glance.find_image(IMAGE)
    flavor = nova.flavors.find(name=FLAVOR)
    ids = []
    for n in range(count):
        server = nova.servers.create(
            "%s-%d-%d" % (prefix, n, int(time.time())), image.id, flavor.id,
            nics="none", host=FAILED, meta={"democloud": "evacuation-test"})
        ids.append(server.id)

    def all_active():
        found = [nova.servers.get(i) for i in ids]
        bad = [s for s in found if s.status == "ERROR"]
        assert not bad, [getattr(s, "fault", None) for s in bad]
        return all(s.status == "ACTIVE" and host_of(s) == FAILED
                   for s in found)

    democloud.wait_for(all_active, timeout=120, what="extra instances ACTIVE")
    return ids


def wait_idle(nova, timeout=120):
    """Until no instance on cmp3 runs a task (another test may be moving
    one); returns their ids."""
    def idle():
        found = servers_on(nova)
        if all(not task_of(s) for s in found):
            return [s.id for s in found] or None
        return None
    return democloud.wait_for(idle, timeout=timeout, interval=2,
                              what="instances on %s idle" % FAILED)


@contextlib.contextmanager
def disabled(nova, host):
    """``host`` disabled for the block (the scheduler then has one choice
    left), enabled again after."""
    svc = service(nova, host)
    assert svc.status == "enabled", (host, svc.status)
    nova.services.disable_log_reason(svc.id, "evacuation test: not here")
    try:
        yield
    finally:
        nova.services.enable(svc.id)


def kill_compute():
    democloud.run("stop-compute", FAILED)


def wait_evacuated(nova, ids, timeout=240):
    """Until every instance has left cmp3 and no task runs; returns
    {id: server}."""
    def settled():
        found = {i: nova.servers.get(i) for i in ids}
        if all(host_of(s) != FAILED and not task_of(s) and
               s.status in ("ACTIVE", "SHUTOFF", "ERROR")
               for s in found.values()):
            return found
        return None
    return democloud.wait_for(settled, timeout=timeout, interval=2,
                              what="instances rebuilt off %s" % FAILED)


def evacuation_records(nova, ids):
    """{instance id: newest evacuation record from cmp3}."""
    out = {}
    for mig in nova.migrations.list(host=FAILED,
                                    migration_type="evacuation"):
        if mig.source_compute != FAILED or mig.instance_uuid not in ids:
            continue
        if mig.instance_uuid not in out or mig.id > out[mig.instance_uuid].id:
            out[mig.instance_uuid] = mig
    return out


def restore(nova, seeded_ids, extra_ids):
    """Bring cmp3 back and the cloud to how the seed left it."""
    errors = []
    democloud.run("start-compute", FAILED)
    ids = set(seeded_ids) | set(extra_ids)

    def completed():
        records = evacuation_records(nova, ids)
        return all(m.status != "done" for m in records.values())

    try:
        democloud.wait_for(completed, timeout=180, interval=2,
                           what="evacuation records completed")
    except AssertionError as exc:
        errors.append(str(exc))

    def forced_up():
        svc = service(nova)
        if svc.forced_down:
            try:
                nova.services.force_down(svc.id, False)
            except Exception:  # still 'done' records: retry
                return False
        return True

    democloud.wait_for(forced_up, timeout=120, interval=3,
                       what="%s forced up" % FAILED)
    svc = service(nova)
    if svc.status != "enabled":
        nova.services.enable(svc.id)
    democloud.wait_for(lambda: service(nova).state == "up", timeout=90,
                       what="%s up" % FAILED)

    for server_id in extra_ids:
        try:
            nova.servers.delete(server_id)
        except Exception as exc:  # already gone
            errors.append("delete %s: %s" % (server_id, exc))
    # Move the seeded instances home, one at a time (the fake driver runs
    # one live migration per compute).
    for server_id in seeded_ids:
        try:
            _move_home(nova, server_id, errors)
        except Exception as exc:  # another test may be moving it too
            errors.append("%s not moved back: %s" % (server_id, exc))

    def extras_gone():
        left = {s.id for s in nova.servers.list(
            search_opts={"all_tenants": 1})}
        return not (set(extra_ids) & left)

    democloud.wait_for(extras_gone, timeout=90, what="extra instances gone")
    return errors


def _move_home(nova, server_id, errors):
    server = nova.servers.get(server_id)
    if host_of(server) == FAILED:
        return
    if task_of(server):
        errors.append("%s is busy (%s): left on %s" % (
            server.name, task_of(server), host_of(server)))
        return
    if server.status == "SHUTOFF":
        server.start()
        democloud.wait_for(
            lambda: nova.servers.get(server_id).status == "ACTIVE",
            timeout=60, what="%s started" % server.name)
    if server.status == "ERROR":
        errors.append("%s is in ERROR" % server.name)
        return
    nova.servers.live_migrate(server_id, host=FAILED,
                              block_migration="auto")
    democloud.wait_for(
        lambda: (lambda s: host_of(s) == FAILED and not task_of(s) and
                 s.status == "ACTIVE")(nova.servers.get(server_id)),
        timeout=120, interval=2, what="%s back on %s" % (server.name,
                                                         FAILED))
