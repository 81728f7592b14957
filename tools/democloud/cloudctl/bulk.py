"""`democloud seed --instances M`: servers bulk-001..bulk-M (m1.tiny, admin
project), the first HOST_SHARE on one host and the rest spread over the
other plain computes, so a drain has a 40-instance host to empty.
Idempotent by name: existing ones stay where they are (also if a drain
moved them), missing ones are booted, those past M are deleted.
Cloud venv only."""
import concurrent.futures
import re
import time

from cloudctl.clients import (COMPUTE_COUNT, IMAGE, all_servers, fault, host,
                              log, placement_get, sdk, wait_deleted,
                              wait_servers)

PREFIX = 'bulk-'
NAME_RE = re.compile(r'^bulk-\d{3}$')
FLAVOR = 'm1.tiny'
HOST_SHARE = 40
# Boots in flight at once: nova-api has 8 threads; more only queue there.
PARALLEL = 8
SEEDED_HOSTS = ('cmp1', 'cmp2', 'cmp3')
# Waiting lists only the bulk servers, every 3 s: a full list every second
# cost nova-api as much CPU as the boots.
POLL = {'interval': 3.0, 'name': '^%s' % PREFIX}


def name(i):
    return '%s%03d' % (PREFIX, i)


def plan(count, first, hosts):
    """{name: host}: the first HOST_SHARE on ``first``, the rest round-robin
    over the other ``hosts`` (on ``first`` too when it is the only one).

    >>> plan(3, 'cmp4', ['cmp4', 'cmp5'])['bulk-003']
    'cmp4'
    >>> sorted(set(plan(43, 'cmp4', ['cmp4', 'cmp5', 'cmp6']).values()))
    ['cmp4', 'cmp5', 'cmp6']
    """
    others = [h for h in hosts if h != first] or [first]
    return {name(i): first if i <= HOST_SHARE
            else others[(i - HOST_SHARE - 1) % len(others)]
            for i in range(1, count + 1)}


def room(sess, hostname, flavor):
    """How many more servers of ``flavor`` fit on ``hostname`` (its
    Placement inventory under the allocation ratios, minus its usage)."""
    rps = placement_get(sess, '/resource_providers?name=%s' % hostname)
    if not rps['resource_providers']:
        raise SystemExit('%s has no resource provider in Placement'
                         % hostname)
    uuid = rps['resource_providers'][0]['uuid']
    inv = placement_get(sess, '/resource_providers/%s/inventories'
                        % uuid)['inventories']
    used = placement_get(sess, '/resource_providers/%s/usages'
                         % uuid)['usages']
    need = {'VCPU': flavor.vcpus, 'MEMORY_MB': flavor.ram,
            'DISK_GB': flavor.disk}
    return min(int((i['total'] - i['reserved']) * i['allocation_ratio']
                   - used.get(rc, 0)) // need[rc]
               for rc, i in inv.items() if need.get(rc))


def _check_room(n, flavor, wanted):
    """Fail before booting anything when a host cannot take its share."""
    short = []
    for hostname, count in sorted(wanted.items()):
        free = room(n.client.session, hostname, flavor)
        if count > free:
            short.append('%s: %d to boot, room for %d' % (hostname, count,
                                                         free))
    if short:
        raise SystemExit(
            'not enough room for the bulk servers (%s); cmp4 and up have '
            'room for 60 %s each: DEMOCLOUD_COMPUTES or --host'
            % ('; '.join(short), FLAVOR))


def _boot(n, image, flavor, todo):
    """Create ``todo`` ({name: host}) with PARALLEL requests in flight."""
    def create(item):
        return n.servers.create(item[0], image.id, flavor.id, nics='none',
                                host=item[1], meta={'democloud': 'bulk'})
    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(create, sorted(todo.items())))


def _delete(n, servers):
    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(lambda s: s.delete(), servers))
    wait_deleted(n, {s.name for s in servers}, timeout=60 + 2 * len(servers),
                 **POLL)


def seed_bulk(n, count, first):
    t0 = time.time()
    hosts = ['cmp%d' % i for i in range(len(SEEDED_HOSTS) + 1,
                                        COMPUTE_COUNT + 1)]
    want = plan(count, first, hosts or [first])
    have = {s.name: s for s in all_servers(n, name=POLL['name'])
            if NAME_RE.match(s.name)}
    extra = [s for nm, s in have.items() if nm not in want]
    if extra:
        log('deleting %d bulk server(s) past %d' % (len(extra), count))
        _delete(n, extra)
    flavor = n.flavors.find(name=FLAVOR)
    image = sdk().image.find_image(IMAGE)
    for attempt in range(3):
        todo = {nm: h for nm, h in want.items() if nm not in have}
        if todo:
            per_host = {}
            for h in todo.values():
                per_host[h] = per_host.get(h, 0) + 1
            _check_room(n, flavor, per_host)
            log('booting %d bulk server(s): %s' % (len(todo), ', '.join(
                '%d on %s' % (c, h) for h, c in sorted(per_host.items()))))
            _boot(n, image, flavor, todo)
        have, bad = wait_servers(n, list(want), 'ACTIVE', allow=('SHUTOFF',),
                                 timeout=300 + 10 * len(todo), errors=True,
                                 **POLL)
        if not bad:
            break
        if attempt == 2:
            raise SystemExit('bulk server(s) in ERROR: %s' % bad)
        log('retrying %d in ERROR, e.g. %s' % (len(bad), fault(
            have[sorted(bad)[0]])))
        _delete(n, [have.pop(nm) for nm in bad])
    counts = {}
    for s in have.values():
        counts[host(s)] = counts.get(host(s), 0) + 1
    log('bulk: %d server(s) (%s) in %.0f s' % (len(have), ', '.join(
        '%s %d' % (h, c) for h, c in sorted(counts.items())),
        time.time() - t0))
