"""Client-side operations of the democloud, run with the cloud venv's python.

    cloudops.py keystone-setup   service project/users, services, endpoints
    cloudops.py seed             users, flavors, image, servers (idempotent)
    cloudops.py probe-flavors    try to boot each special flavor, print result
    cloudops.py smoke            end-to-end check of the admin operations
                                 (moves instances around; kills/starts cmp3)

Called by democloud.py, which sets DEMOCLOUD_* in the environment.
"""
import json
import os
import subprocess
import sys
import time

from keystoneauth1 import loading
from keystoneauth1 import session as ks_session
from novaclient import client as nova_client
import openstack

STATE = os.environ['DEMOCLOUD_STATE']
ADMIN_PASSWORD = os.environ.get('DEMOCLOUD_ADMIN_PASSWORD', 'admin')
DEMO_PASSWORD = os.environ.get('DEMOCLOUD_DEMO_PASSWORD', 'demo')
SERVICE_PASSWORD = os.environ.get('DEMOCLOUD_SERVICE_PASSWORD',
                                  'democloud-service')
AUTH_URL = 'http://127.0.0.1:5000/v3'
HERE = os.path.dirname(os.path.abspath(__file__))
NOVA_MV = '2.96'

CATALOG = [  # name, type, url
    ('nova', 'compute', 'http://127.0.0.1:8774/v2.1'),
    ('placement', 'placement', 'http://127.0.0.1:8778'),
    ('glance', 'image', 'http://127.0.0.1:9292'),
    ('neutron', 'network', 'http://127.0.0.1:9696'),
]

FLAVORS = [  # name, vcpus, ram MiB, disk GiB, extra specs
    ('m1.tiny', 1, 512, 1, {}),
    ('m1.small', 1, 2048, 10, {}),
    ('m1.medium', 2, 4096, 20, {}),
    ('x1.pinned', 2, 2048, 10, {'hw:cpu_policy': 'dedicated'}),
    ('x1.numa', 2, 2048, 10, {'hw:numa_nodes': '2'}),
    ('x1.hugepages', 1, 2048, 10, {'hw:mem_page_size': 'large'}),
    ('x1.vtpm', 1, 2048, 10, {'hw:tpm_version': '2.0',
                              'hw:tpm_model': 'tpm-crb'}),
    ('x1.pci', 1, 2048, 10, {'pci_passthrough:alias': 'a1:1'}),
    ('x1.vgpu', 1, 2048, 10, {'resources:VGPU': '1'}),
    ('x1.sev', 1, 2048, 10, {'hw:mem_encryption': 'True'}),
]

# name, project, host, flavor, options
SERVERS = [
    ('web-1', 'admin', 'cmp1', 'm1.tiny', {}),
    ('web-2', 'admin', 'cmp1', 'm1.tiny', {}),
    ('db-1', 'admin', 'cmp1', 'm1.small', {}),
    ('cfg-1', 'admin', 'cmp1', 'm1.tiny', {'config_drive': True}),
    ('batch-1', 'admin', 'cmp1', 'm1.tiny', {'stopped': True}),
    ('app-1', 'demo', 'cmp1', 'm1.medium', {}),
    ('ha-1', 'demo', 'cmp2', 'm1.tiny', {'group': 'ha-anti-affinity'}),
    ('web-3', 'demo', 'cmp2', 'm1.small', {}),
    ('db-2', 'admin', 'cmp2', 'm1.medium', {}),
    ('ha-2', 'demo', 'cmp3', 'm1.tiny', {'group': 'ha-anti-affinity'}),
    ('app-2', 'demo', 'cmp3', 'm1.small', {}),
    ('cache-1', 'admin', 'cmp3', 'm1.tiny', {}),
]
IMAGE = 'cirros-tiny'


def log(msg):
    print('  %s' % msg, flush=True)


def session(project='admin', user='admin', password=None):
    loader = loading.get_plugin_loader('password')
    auth = loader.load_from_options(
        auth_url=AUTH_URL, username=user,
        password=password or (ADMIN_PASSWORD if user == 'admin'
                              else DEMO_PASSWORD),
        user_domain_name='Default',
        **({'project_name': project, 'project_domain_name': 'Default'}
           if project else {}))
    return ks_session.Session(auth=auth)


def nova(project='admin', mv=NOVA_MV):
    return nova_client.Client(mv, session=session(project),
                              region_name='RegionOne')


def sdk(project='admin'):
    return openstack.connection.Connection(
        session=session(project), region_name='RegionOne',
        identity_api_version='3')


# ---------------------------------------------------------------- keystone
def ensure_role(conn, name):
    return conn.identity.find_role(name) or conn.identity.create_role(
        name=name)


def ensure_project(conn, name, description):
    return conn.identity.find_project(name, domain_id='default') or \
        conn.identity.create_project(name=name, domain_id='default',
                                     description=description)


def ensure_user(conn, name, password, project):
    user = conn.identity.find_user(name, domain_id='default')
    if user is None:
        return conn.identity.create_user(
            name=name, password=password, domain_id='default',
            default_project_id=project.id)
    try:  # a password change revokes tokens: only change when needed
        session(user=name, password=password,
                project=None).get_auth_headers()
    except Exception:
        conn.identity.update_user(user, password=password)
    return user


def keystone_setup():
    conn = sdk()
    ident = conn.identity
    service = ensure_project(conn, 'service', 'OpenStack services')
    roles = [ensure_role(conn, 'admin'), ensure_role(conn, 'service')]
    for name in ('nova', 'placement', 'glance'):
        user = ensure_user(conn, name, SERVICE_PASSWORD, service)
        for role in roles:
            ident.assign_project_role_to_user(service, user, role)
    have = {s.type: s for s in ident.services()}
    endpoints = list(ident.endpoints())
    for name, stype, url in CATALOG:
        svc = have.get(stype) or ident.create_service(name=name, type=stype)
        for iface in ('public', 'internal'):
            if not any(e.service_id == svc.id and e.interface == iface
                       for e in endpoints):
                ident.create_endpoint(service_id=svc.id, interface=iface,
                                      url=url, region_id='RegionOne')
    log('keystone: service users and endpoints ready')


# ---------------------------------------------------------------- seed
def seed():
    t0 = time.time()
    conn = sdk()
    ident = conn.identity
    admin_role = ensure_role(conn, 'admin')
    member = ensure_role(conn, 'member')
    demo_p = ensure_project(conn, 'demo', 'democloud demo project')
    demo_u = ensure_user(conn, 'demo', DEMO_PASSWORD, demo_p)
    ident.assign_project_role_to_user(demo_p, demo_u, member)
    admin_u = ident.find_user('admin', domain_id='default')
    ident.assign_project_role_to_user(demo_p, admin_u, admin_role)

    n = nova()
    flavors = {f.name: f for f in n.flavors.list(is_public=None)}
    for name, vcpus, ram, disk, specs in FLAVORS:
        fl = flavors.get(name)
        if fl is None:
            fl = n.flavors.create(name, ram, vcpus, disk)
            flavors[name] = fl
        if specs and fl.get_keys() != specs:
            fl.set_keys(specs)
    log('flavors: %s' % ', '.join(f[0] for f in FLAVORS))

    image = conn.image.find_image(IMAGE)
    if image is None:
        path = os.path.join(STATE, 'cirros-tiny.raw')
        with open(path, 'wb') as f:
            f.truncate(1024 * 1024)
        image = conn.create_image(
            IMAGE, filename=path, disk_format='raw', container_format='bare',
            visibility='public', wait=True, use_import=False)
    log('image: %s %s' % (IMAGE, image.id))

    clients = {'admin': n, 'demo': nova('demo')}
    groups = {}
    for attempt in range(4):
        existing = {s.name: s for s in n.servers.list(
            search_opts={'all_tenants': 1})}
        created = create_servers(n, clients, groups, existing, image,
                                 flavors)
        if created:
            log('booting %d server(s)' % len(created))
        servers, bad = wait_servers(n, [s[0] for s in SERVERS], 'ACTIVE',
                                    allow=('SHUTOFF',), errors=True)
        if not bad:
            break
        if attempt == 3:
            raise SystemExit('server(s) in ERROR: %s' % bad)
        # a compute that just registered may not be schedulable yet
        log('retrying %s' % bad)
        for name in bad:
            servers[name].delete()
        deadline = time.time() + 90
        while time.time() < deadline and any(
                s.name in bad for s in n.servers.list(
                    search_opts={'all_tenants': 1})):
            time.sleep(1)
        time.sleep(3)
    for name, project, host, flavor, opts in SERVERS:
        srv = servers[name]
        if opts.get('stopped') and srv.status == 'ACTIVE':
            srv.stop()
    wait_servers(n, [s[0] for s in SERVERS if s[4].get('stopped')],
                 'SHUTOFF')
    ids = {s.name: s.id for s in n.servers.list(
        search_opts={'all_tenants': 1})}
    with open(os.path.join(STATE, 'server-ids.json'), 'w') as f:
        json.dump(ids, f, indent=1, sort_keys=True)
    ports = os.path.join(STATE, 'neutron-ports.json')
    if not os.path.exists(ports):
        with open(ports, 'w') as f:
            json.dump({'ports': {}}, f)
    for s in sorted(n.servers.list(search_opts={'all_tenants': 1}),
                    key=lambda s: (getattr(s, 'OS-EXT-SRV-ATTR:host'),
                                   s.name)):
        log('%-8s %-7s %-8s %s' % (s.name, s.status,
                                   getattr(s, 'OS-EXT-SRV-ATTR:host'),
                                   'demo' if s.tenant_id == demo_p.id
                                   else 'admin'))
    log('seeded in %.0f s' % (time.time() - t0))


def create_servers(n, clients, groups, existing, image, flavors):
    created = []
    for name, project, host, flavor, opts in SERVERS:
        if name in existing:
            continue
        nc = clients[project]
        hints = {}
        if opts.get('group'):
            gname = opts['group']
            if gname not in groups:
                found = [g for g in nc.server_groups.list()
                         if g.name == gname]
                groups[gname] = found[0] if found else \
                    nc.server_groups.create(name=gname,
                                            policy='anti-affinity')
            hints['group'] = groups[gname].id
        srv = nc.servers.create(
            name, image.id, flavors[flavor].id, nics='none', host=host,
            config_drive=bool(opts.get('config_drive')),
            scheduler_hints=hints or None, meta={'democloud': 'seed'})
        created.append((name, srv.id))
    return created


def wait_servers(n, names, status, allow=(), timeout=180, errors=False):
    deadline = time.time() + timeout
    while True:
        by_name = {s.name: s for s in n.servers.list(
            search_opts={'all_tenants': 1}) if s.name in names}
        bad = [s for s in by_name.values() if s.status == 'ERROR']
        if bad and errors and all(
                s.status in ('ACTIVE', 'ERROR', status) or s.status in allow
                for s in by_name.values()) and \
                len(by_name) == len(set(names)):
            return by_name, {s.name: getattr(s, 'fault', {}).get('message')
                             for s in bad}
        if bad and not errors:
            raise SystemExit('server(s) in ERROR: %s' % ', '.join(
                '%s (%s)' % (s.name, getattr(s, 'fault', {}).get('message'))
                for s in bad))
        if len(by_name) == len(set(names)) and all(
                s.status == status or s.status in allow
                for s in by_name.values()):
            return (by_name, {}) if errors else by_name
        if time.time() > deadline:
            raise SystemExit('timeout waiting for %s: %s' % (status, {
                k: v.status for k, v in by_name.items()}))
        time.sleep(1)


# ---------------------------------------------------------------- probe
def probe_flavors():
    n = nova()
    image = sdk().image.find_image(IMAGE)
    made = []
    for name, _, _, _, specs in FLAVORS:
        if not specs:
            continue
        try:
            s = n.servers.create('probe-%s' % name, image.id,
                                 n.flavors.find(name=name).id, nics='none')
            made.append((name, s.id))
        except Exception as e:  # API refused it
            print('%-14s REFUSED by API: %s' % (name, e), flush=True)
    deadline = time.time() + 120
    pending = dict(made)
    while pending and time.time() < deadline:
        for name, sid in list(pending.items()):
            s = n.servers.get(sid)
            if s.status in ('ACTIVE', 'ERROR'):
                msg = getattr(s, 'fault', {}).get('message', '')
                print('%-14s %s %s %s' % (
                    name, s.status, getattr(s, 'OS-EXT-SRV-ATTR:host'),
                    msg), flush=True)
                pending.pop(name)
        time.sleep(1)
    for name, sid in made:
        n.servers.delete(sid)


# ---------------------------------------------------------------- smoke
def democloud(*args):
    subprocess.run([os.environ.get('DEMOCLOUD_PYTHON', 'python3'),
                    os.path.join(HERE, 'democloud.py')] + list(args),
                   check=True)


class Smoke(object):
    def __init__(self):
        self.n = nova()
        self.results = []

    def server(self, name):
        return [s for s in self.n.servers.list(
            search_opts={'all_tenants': 1, 'name': '^%s$' % name})][0]

    @staticmethod
    def host(s):
        return getattr(s, 'OS-EXT-SRV-ATTR:host')

    def check(self, label, fn):
        t = time.time()
        try:
            detail = fn()
            self.results.append((label, True, detail))
            print('OK   %-32s %5.1fs %s' % (label, time.time() - t,
                                            detail or ''), flush=True)
        except Exception as e:
            self.results.append((label, False, str(e)))
            print('FAIL %-32s %5.1fs %s: %s' % (label, time.time() - t,
                                                type(e).__name__, e),
                  flush=True)

    def wait(self, fn, what, timeout=90, every=0.5):
        deadline = time.time() + timeout
        while True:
            v = fn()
            if v:
                return v
            if time.time() > deadline:
                raise AssertionError('timeout waiting for ' + what)
            time.sleep(every)

    def migration_status(self, server_id, mtype=None):
        migs = self.n.migrations.list(instance_uuid=server_id,
                                      migration_type=mtype)
        migs = sorted(migs, key=lambda m: m.id)
        return migs[-1] if migs else None

    def idle(self, name):
        s = self.server(name)
        return s if s.status in ('ACTIVE', 'SHUTOFF') and \
            getattr(s, 'OS-EXT-STS:task_state') is None else None

    # -- checks
    def services(self):
        svcs = self.n.services.list(binary='nova-compute')
        up = sorted(s.host for s in svcs if s.state == 'up')
        assert len(up) == 3, up
        return 'nova-compute up on %s' % ', '.join(up)

    def hypervisors(self):
        hv = nova(mv='2.87').hypervisors.list()
        return ', '.join('%s %s/%sMiB vms=%s' % (
            h.hypervisor_hostname, h.vcpus, h.memory_mb, h.running_vms)
            for h in hv)

    def hypervisor_uptime(self):
        hv = self.n.hypervisors.list()[0]
        return self.n.hypervisors.get(hv.id).uptime.strip()[:40]

    def servers(self):
        ss = self.n.servers.list(search_opts={'all_tenants': 1})
        assert len(ss) == 12, len(ss)
        return '%d servers' % len(ss)

    def disable_enable(self):
        svc = [s for s in self.n.services.list(binary='nova-compute')
               if s.host == 'cmp3'][0]
        self.n.services.disable_log_reason(svc.id, 'smoke: maintenance')
        s = [s for s in self.n.services.list(binary='nova-compute')
             if s.host == 'cmp3'][0]
        assert s.status == 'disabled' and \
            s.disabled_reason == 'smoke: maintenance', s.to_dict()
        self.n.services.enable(svc.id)
        s = [s for s in self.n.services.list(binary='nova-compute')
             if s.host == 'cmp3'][0]
        assert s.status == 'enabled', s.to_dict()
        return 'cmp3 disabled with reason, enabled again'

    def _start_live(self, name, dest):
        s = self.server(name)
        src = self.host(s)
        s.live_migrate(host=dest, block_migration='auto')

        def running():
            for m in self.n.server_migrations.list(s):
                if m.status == 'running':
                    return m
        m = self.wait(running, '%s migration running' % name, 60, 0.3)
        return s, src, m

    def live_migrate(self):
        s, src, m = self._start_live('web-1', 'cmp2')
        samples = []
        while True:
            try:
                m = self.n.server_migrations.get(s, m.id)
            except Exception:
                break  # 404 once finished
            if m.status != 'running':
                break
            samples.append(m.memory_remaining_bytes)
            time.sleep(1)
        self.wait(lambda: self.idle('web-1'), 'web-1 idle')
        s = self.server('web-1')
        mig = self.migration_status(s.id, 'live-migration')
        assert self.host(s) == 'cmp2' and mig.status == 'completed', (
            self.host(s), mig.status)
        moving = len(set(samples)) > 2
        assert moving, samples
        return '%s->cmp2 completed; memory_remaining samples %s' % (
            src, samples)

    def abort(self):
        s, src, m = self._start_live('web-2', 'cmp3')
        time.sleep(1.5)
        self.n.server_migrations.live_migration_abort(s, m.id)
        self.wait(lambda: self.idle('web-2'), 'web-2 idle')
        mig = self.wait(lambda: (lambda x: x if x.status == 'cancelled'
                                 else None)(self.migration_status(s.id)),
                        'cancelled', 30)
        s = self.server('web-2')
        assert self.host(s) == src, self.host(s)
        return 'migration %s cancelled, still on %s' % (mig.id, src)

    def force_complete(self):
        s, src, m = self._start_live('db-1', 'cmp2')
        t = time.time()
        self.n.server_migrations.live_migrate_force_complete(s, m.id)
        self.wait(lambda: self.idle('db-1'), 'db-1 idle')
        s = self.server('db-1')
        mig = self.migration_status(s.id)
        assert mig.status == 'completed' and self.host(s) == 'cmp2', (
            mig.status, self.host(s))
        return 'completed %.1f s after force, %s->cmp2' % (
            time.time() - t, src)

    def _cold(self, name, dest, confirm):
        s = self.server(name)
        src = self.host(s)
        s.migrate(host=dest)
        self.wait(lambda: self.server(name).status == 'VERIFY_RESIZE',
                  'VERIFY_RESIZE')
        (s.confirm_resize if confirm else s.revert_resize)()
        self.wait(lambda: self.idle(name), name + ' idle')
        s = self.server(name)
        mig = self.migration_status(s.id, 'migration')
        want = dest if confirm else src
        assert self.host(s) == want, (self.host(s), want)
        return '%s %s->%s, %s, now on %s (%s)' % (
            name, src, dest, 'confirmed' if confirm else 'reverted',
            self.host(s), mig.status)

    def evacuate(self):
        democloud('stop-compute', 'cmp3')
        svc = [x for x in self.n.services.list(binary='nova-compute')
               if x.host == 'cmp3'][0]
        self.n.services.force_down(svc.id, True)
        s = self.server('cache-1')
        src = self.host(s)
        assert src == 'cmp3', src
        self.n.servers.evacuate(s)
        self.wait(lambda: (lambda x: x if x.status in ('SHUTOFF', 'ACTIVE',
                                                       'ERROR') and
                           getattr(x, 'OS-EXT-STS:task_state') is None
                           else None)(self.server('cache-1')),
                  'evacuated', 90)
        s = self.server('cache-1')
        mig = self.migration_status(s.id, 'evacuation')
        assert s.status == 'SHUTOFF' and self.host(s) != 'cmp3', (
            s.status, self.host(s))
        return 'cache-1 cmp3->%s %s (migration %s)' % (
            self.host(s), s.status, mig.status)

    def restart_force_up(self):
        democloud('start-compute', 'cmp3')
        svc = [x for x in self.n.services.list(binary='nova-compute')
               if x.host == 'cmp3'][0]
        self.wait(lambda: (lambda m: m.status == 'completed')(
            self.migration_status(self.server('cache-1').id, 'evacuation')),
            'evacuation record completed', 60)
        self.n.services.force_down(svc.id, False)
        self.wait(lambda: [x for x in self.n.services.list(
            binary='nova-compute') if x.host == 'cmp3'][0].state == 'up',
            'cmp3 up', 60)
        return 'cmp3 restarted, forced up, state up'

    def run(self):
        c = self.check
        c('list compute services', self.services)
        c('list hypervisors', self.hypervisors)
        c('hypervisor uptime', self.hypervisor_uptime)
        c('list servers (all projects)', self.servers)
        c('disable/enable service', self.disable_enable)
        c('live migrate web-1 -> cmp2', self.live_migrate)
        c('live migrate + abort web-2', self.abort)
        c('live migrate + force-complete', self.force_complete)
        c('cold migrate + confirm', lambda: self._cold('db-2', 'cmp3', True))
        c('cold migrate + revert', lambda: self._cold('app-2', 'cmp2',
                                                      False))
        c('stop cmp3, force-down, evacuate', self.evacuate)
        c('start cmp3, force-up', self.restart_force_up)
        failed = [r for r in self.results if not r[1]]
        print('%d/%d passed' % (len(self.results) - len(failed),
                                len(self.results)))
        return 1 if failed else 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'keystone-setup':
        keystone_setup()
    elif cmd == 'seed':
        seed()
    elif cmd == 'probe-flavors':
        probe_flavors()
    elif cmd == 'smoke':
        return Smoke().run()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
