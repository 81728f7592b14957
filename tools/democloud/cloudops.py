"""Client-side operations of the democloud, run with the cloud venv's python.

    cloudops.py keystone-setup   service project/users, services, endpoints
    cloudops.py seed [--instances M --host cmpK]
                                 users, flavors, image, servers (idempotent);
                                 with --instances also bulk-001..bulk-M
    cloudops.py probe-flavors    try to boot each special flavor, print result
    cloudops.py smoke            end-to-end check of the admin operations
                                 (moves instances around; kills/starts cmp3)

Called by democloud.py, which sets DEMOCLOUD_* in the environment.
"""
import argparse
import json
import os
import sys
import time

from cloudctl.clients import (IMAGE, SERVICE_PASSWORD, STATE, DEMO_PASSWORD,
                              all_servers, host, log, nova, sdk, session,
                              wait_deleted, wait_servers)

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

    names = [s[0] for s in SERVERS]
    clients = {'admin': n, 'demo': nova('demo')}
    groups = {}
    for attempt in range(4):
        existing = {s.name for s in all_servers(n)}
        created = create_servers(clients, groups, existing, image, flavors)
        if created:
            log('booting %d server(s)' % len(created))
        servers, bad = wait_servers(n, names, 'ACTIVE', allow=('SHUTOFF',),
                                    errors=True)
        if not bad:
            break
        if attempt == 3:
            raise SystemExit('server(s) in ERROR: %s' % bad)
        # a compute that just registered may not be schedulable yet
        log('retrying %s' % bad)
        for name in bad:
            servers[name].delete()
        wait_deleted(n, bad)
        time.sleep(3)
    for name, project, _, flavor, opts in SERVERS:
        srv = servers[name]
        if opts.get('stopped') and srv.status == 'ACTIVE':
            srv.stop()
    wait_servers(n, [s[0] for s in SERVERS if s[4].get('stopped')],
                 'SHUTOFF')
    write_server_ids(n)
    ensure_shared_storage(n)
    ports = os.path.join(STATE, 'neutron-ports.json')
    if not os.path.exists(ports):
        with open(ports, 'w') as f:
            json.dump({'ports': {}}, f)
    for s in sorted((s for s in all_servers(n) if s.name in names),
                    key=lambda s: (host(s), s.name)):
        log('%-8s %-7s %-8s %s' % (s.name, s.status, host(s),
                                   'demo' if s.tenant_id == demo_p.id
                                   else 'admin'))
    log('seeded in %.0f s' % (time.time() - t0))


# The plugin's deployment facts (migration_dashboard/services/deployment.py):
# cmp2 and cmp3 declare shared instance storage, cmp1 does not, so the
# pre-flight's evacuation and block-migration findings differ between them.
SHARED_STORAGE_AGGREGATE = 'shared-storage'
SHARED_STORAGE_HOSTS = ('cmp2', 'cmp3')
SHARED_STORAGE_KEY = 'migration_dashboard:shared_storage'


def ensure_shared_storage(n):
    """The aggregate declaring shared storage (idempotent)."""
    agg = next((a for a in n.aggregates.list()
                if a.name == SHARED_STORAGE_AGGREGATE), None)
    if agg is None:
        agg = n.aggregates.create(SHARED_STORAGE_AGGREGATE, None)
    computes = {s.host for s in n.services.list(binary='nova-compute')}
    for h in SHARED_STORAGE_HOSTS:
        if h in computes and h not in agg.hosts:
            agg = n.aggregates.add_host(agg, h)
    if agg.metadata.get(SHARED_STORAGE_KEY) != 'true':
        n.aggregates.set_metadata(agg, {SHARED_STORAGE_KEY: 'true'})
    log('aggregate %s (%s): %s=true' % (
        SHARED_STORAGE_AGGREGATE, ', '.join(sorted(agg.hosts)),
        SHARED_STORAGE_KEY))


def write_server_ids(n):
    """server-ids.json (name -> id): the Neutron stub's canned ports may
    name servers."""
    ids = {s.name: s.id for s in all_servers(n)}
    with open(os.path.join(STATE, 'server-ids.json'), 'w') as f:
        json.dump(ids, f, indent=1, sort_keys=True)


def create_servers(clients, groups, existing, image, flavors):
    created = []
    for name, project, host_, flavor, opts in SERVERS:
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
            name, image.id, flavors[flavor].id, nics='none', host=host_,
            config_drive=bool(opts.get('config_drive')),
            scheduler_hints=hints or None, meta={'democloud': 'seed'})
        created.append((name, srv.id))
    return created


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'keystone-setup':
        keystone_setup()
    elif cmd == 'seed':
        ap = argparse.ArgumentParser(prog='cloudops.py seed')
        ap.add_argument('--instances', type=int)
        ap.add_argument('--host')
        args = ap.parse_args(sys.argv[2:])
        seed()
        if args.instances is not None:
            from cloudctl import bulk
            bulk.seed_bulk(nova(), args.instances, args.host)
            write_server_ids(nova())
    elif cmd == 'probe-flavors':
        from cloudctl import probe
        probe.probe_flavors([f[0] for f in FLAVORS if f[4]])
    elif cmd == 'smoke':
        from cloudctl import smoke
        return smoke.Smoke().run()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
