"""Admin and demo clients of the democloud (cloud venv only) and waiting
for servers."""
import os
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
COMPUTE_COUNT = int(os.environ.get('DEMOCLOUD_COMPUTES') or 3)
AUTH_URL = 'http://127.0.0.1:5000/v3'
NOVA_MV = '2.96'
PLACEMENT_MV = 'placement 1.10'
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


def placement_get(sess, path):
    return sess.get(path, endpoint_filter={'service_type': 'placement',
                                           'interface': 'public'},
                    headers={'OpenStack-API-Version': PLACEMENT_MV}).json()


def host(server):
    return getattr(server, 'OS-EXT-SRV-ATTR:host')


def fault(server):
    return getattr(server, 'fault', {}).get('message')


def all_servers(n, **filters):
    return n.servers.list(search_opts=dict(filters, all_tenants=1))


def wait_servers(n, names, status, allow=(), timeout=180, errors=False,
                 interval=1.0, **filters):
    """{name: server} once every one of ``names`` is in ``status`` (or
    ``allow``).  A server in ERROR ends the wait: SystemExit, or with
    ``errors`` the pair ({name: server}, {name: fault}).  ``filters`` narrow
    the server list polled every ``interval`` seconds."""
    deadline = time.time() + timeout
    names = set(names)
    while True:
        by_name = {s.name: s for s in all_servers(n, **filters)
                   if s.name in names}
        bad = [s for s in by_name.values() if s.status == 'ERROR']
        settled = all(s.status in ('ACTIVE', 'ERROR', status) or
                      s.status in allow for s in by_name.values())
        if bad and errors and settled and len(by_name) == len(names):
            return by_name, {s.name: fault(s) for s in bad}
        if bad and not errors:
            raise SystemExit('server(s) in ERROR: %s' % ', '.join(
                '%s (%s)' % (s.name, fault(s)) for s in bad))
        if len(by_name) == len(names) and all(
                s.status == status or s.status in allow
                for s in by_name.values()):
            return (by_name, {}) if errors else by_name
        if time.time() > deadline:
            raise SystemExit('timeout waiting for %s: %s' % (status, {
                k: v.status for k, v in by_name.items()}))
        time.sleep(interval)


def wait_deleted(n, names, timeout=90, interval=1.0, **filters):
    deadline = time.time() + timeout
    while time.time() < deadline and any(
            s.name in names for s in all_servers(n, **filters)):
        time.sleep(interval)
