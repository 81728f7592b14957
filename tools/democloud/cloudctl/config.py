"""The services' configuration files (rewritten only when they change) and
the environments the services and the venv-side tools run with."""
import os
import shutil
import sys

from cloudctl.settings import (
    ADMIN_PASSWORD, COMPUTES, DEMO_PASSWORD, EPMD_PORT, ETC, KEYSTONE_URL,
    LM_SECONDS, LOG, PG_PORT, RABBIT_DIST_PORT, RABBIT_PASS, RABBIT_PORT,
    RABBIT_USER, RUN, SERVICE_PASSWORD, STAMPS, STATE, VBIN, VENV)

POLICY = [('enforce_scope', 'false'), ('enforce_new_defaults', 'false')]
# Where the services find their configuration (kept in os_env()).
CONFIG_VARS = {
    'OS_KEYSTONE_CONFIG_FILES': os.path.join(ETC, 'keystone',
                                             'keystone.conf'),
    'OS_PLACEMENT_CONFIG_DIR': os.path.join(ETC, 'placement'),
    'OS_GLANCE_CONFIG_DIR': os.path.join(ETC, 'glance'),
    'OS_NOVA_CONFIG_DIR': os.path.join(ETC, 'nova'),
}
NOVA_CONF = os.path.join(ETC, 'nova', 'nova.conf')


def compute_conf(host):
    return os.path.join(ETC, 'nova', 'nova-%s.conf' % host)


def _ini(sections):
    out = []
    for sect, items in sections:
        out.append('[%s]' % sect)
        for k, v in items:
            out.append('%s = %s' % (k, v))
        out.append('')
    return '\n'.join(out)


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, 'w') as f:
        f.write(text)


def _copy_once(src, dst):
    if not os.path.exists(dst):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(src, dst)


def _auth(user):
    return [('auth_type', 'password'), ('auth_url', KEYSTONE_URL),
            ('project_domain_name', 'Default'),
            ('user_domain_name', 'Default'), ('project_name', 'service'),
            ('username', user), ('password', SERVICE_PASSWORD),
            ('region_name', 'RegionOne')]


def _authtoken(user):
    return [('www_authenticate_uri', 'http://127.0.0.1:5000'),
            ('memcached_servers', ''), ('service_token_roles_required',
                                        'true')] + _auth(user)


def pg_url(db):
    return 'postgresql+psycopg2://postgres@127.0.0.1:%d/%s' % (PG_PORT, db)


def write_configs():
    for d in (LOG, RUN, ETC, STAMPS):
        os.makedirs(d, exist_ok=True)
    _keystone()
    _placement()
    _glance()
    _nova()
    for host in COMPUTES:
        _compute(host)
    _rabbit()
    write_clouds_yaml()


def _keystone():
    ks = os.path.join(STATE, 'keystone')
    _write(CONFIG_VARS['OS_KEYSTONE_CONFIG_FILES'], _ini([
        ('DEFAULT', [('use_stderr', 'true')]),
        # SQLite's 5 s default wait for a lock is too short on a loaded
        # 2-core machine: concurrent logins at start then got "database
        # is locked" (HTTP 500) and nova-scheduler died starting.
        ('database', [('connection',
                       'sqlite:///%s/keystone.sqlite?timeout=60' % ks)]),
        ('identity', [('password_hash_rounds', '4')]),
        ('token', [('provider', 'fernet')]),
        ('fernet_tokens', [('key_repository', ks + '/fernet-keys')]),
        ('credential', [('key_repository', ks + '/credential-keys')]),
        # Without a cache one token validation ran ~450 SQL queries (1 s of
        # CPU on this machine) and Keystone was the seed's bottleneck; the
        # in-process cache is right for a single Keystone worker.
        ('cache', [('enabled', 'true'),
                   ('backend', 'dogpile.cache.memory')]),
        ('oslo_policy', POLICY)]))


def _placement():
    _write(os.path.join(ETC, 'placement', 'placement.conf'), _ini([
        ('DEFAULT', [('use_stderr', 'true')]),
        ('api', [('auth_strategy', 'keystone')]),
        ('placement_database', [('connection', pg_url('placement'))]),
        ('keystone_authtoken', _authtoken('placement')),
        ('oslo_policy', POLICY)]))


def _glance():
    gl = os.path.join(STATE, 'glance')
    paste = os.path.join(ETC, 'glance', 'glance-api-paste.ini')
    _copy_once(os.path.join(VENV, 'etc', 'glance', 'glance-api-paste.ini'),
               paste)
    _write(os.path.join(ETC, 'glance', 'glance-api.conf'), _ini([
        ('DEFAULT', [('use_stderr', 'true'),
                     ('enabled_backends', 'fs:file'),
                     ('bind_host', '127.0.0.1'),
                     ('worker_self_reference_url', 'http://127.0.0.1:9292')]),
        ('database', [('connection',
                       'sqlite:///%s/glance.sqlite?timeout=60' % gl)]),
        ('glance_store', [('default_backend', 'fs')]),
        ('fs', [('filesystem_store_datadir', gl + '/images')]),
        ('os_glance_staging_store',
         [('filesystem_store_datadir', gl + '/staging')]),
        ('os_glance_tasks_store',
         [('filesystem_store_datadir', gl + '/tasks')]),
        ('keystone_authtoken', _authtoken('glance')),
        ('paste_deploy', [('flavor', 'keystone'), ('config_file', paste)]),
        ('oslo_concurrency', [('lock_path', gl + '/lock')]),
        ('oslo_policy', POLICY)]))


def _nova():
    nv = os.path.join(STATE, 'nova')
    _copy_once(os.path.join(VENV, 'etc', 'nova', 'api-paste.ini'),
               os.path.join(ETC, 'nova', 'api-paste.ini'))
    _write(NOVA_CONF, _ini([
        ('DEFAULT', [
            ('use_stderr', 'true'), ('my_ip', '127.0.0.1'),
            ('state_path', nv),
            ('transport_url', 'rabbit://%s:%s@127.0.0.1:%d/' % (
                RABBIT_USER, RABBIT_PASS, RABBIT_PORT)),
            ('compute_driver', 'democloud_driver.DemoCloudDriver'),
            ('heal_instance_info_cache_interval', '-1'),
            ('sync_power_state_interval', '-1'),
            ('max_concurrent_live_migrations', '1'),
            ('service_down_time', '20'), ('report_interval', '5'),
            ('graceful_shutdown_timeout', '3'),
            ('instance_usage_audit', 'false'),
            ('osapi_compute_workers', '1'), ('metadata_workers', '1')]),
        ('api', [('auth_strategy', 'keystone')]),
        ('api_database', [('connection', pg_url('nova_api'))]),
        ('database', [('connection', pg_url('nova_cell1'))]),
        # Room for `seed --instances` on many computes in one project.
        ('quota', [('instances', '1000'), ('cores', '4000'),
                   ('ram', '4194304')]),
        ('conductor', [('workers', '1')]),
        ('scheduler', [('workers', '1'),
                       ('discover_hosts_in_cells_interval', '-1')]),
        ('filter_scheduler', [('enabled_filters', ','.join([
            'ComputeFilter', 'ComputeCapabilitiesFilter',
            'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
            'ServerGroupAffinityFilter', 'PciPassthroughFilter',
            'NUMATopologyFilter'])),
            # The scheduler reads each host's instances from the database
            # instead of the computes' update casts: the tests move an
            # anti-affinity member away and back within seconds, and the
            # cached view then still counted it on the host it had left,
            # refusing the group's next move there ("No valid host") until
            # the periodic resync.  A few dozen hosts keep the reads cheap.
            ('track_instance_changes', 'False')]),
        ('pci', [('alias', '{"name": "a1", "vendor_id": "8086", '
                  '"product_id": "154d", "device_type": "type-PF"}')]),
        ('keystone_authtoken', _authtoken('nova')),
        ('placement', _auth('placement')),
        ('neutron', _auth('nova') + [
            ('endpoint_override', 'http://127.0.0.1:9696')]),
        ('glance', [('endpoint_override', 'http://127.0.0.1:9292')]),
        ('oslo_messaging_rabbit', [('rabbit_quorum_queue', 'false')]),
        ('oslo_messaging_notifications', [('driver', 'noop')]),
        ('oslo_concurrency', [('lock_path', nv + '/lock')]),
        ('vnc', [('enabled', 'false')]), ('spice', [('enabled', 'false')]),
        ('oslo_policy', POLICY),
        ('democloud', [('live_migration_seconds', LM_SECONDS)])]))


def _compute(host):
    """nova-cmpN.conf: the host's name, state folder and the fake driver's
    capacity (read by democloud_driver.py)."""
    vcpus, mem, disk, vgpus, traits = COMPUTES[host]
    state = os.path.join(STATE, 'nova', host)
    _write(compute_conf(host), _ini([
        ('DEFAULT', [('host', host), ('state_path', state)]),
        ('oslo_concurrency', [('lock_path', os.path.join(state, 'lock'))]),
        ('democloud', [('vcpus', vcpus), ('memory_mb', mem),
                       ('disk_gb', disk), ('vgpus', vgpus),
                       ('traits', traits)])]))


def _rabbit():
    rb = os.path.join(STATE, 'rabbitmq')
    _write(os.path.join(rb, 'rabbitmq.conf'), '\n'.join([
        'listeners.tcp.default = 127.0.0.1:%d' % RABBIT_PORT,
        'loopback_users = none',
        'default_user = %s' % RABBIT_USER, 'default_pass = %s' % RABBIT_PASS,
        'default_vhost = /',
        'default_permissions.configure = .*',
        'default_permissions.read = .*', 'default_permissions.write = .*',
        'vm_memory_high_watermark.absolute = 512MB',
        'disk_free_limit.absolute = 50MB', '']))
    _write(os.path.join(rb, 'enabled_plugins'), '[].\n')


def write_clouds_yaml():
    def cloud(user, pw, project):
        return '\n'.join([
            '  democloud-%s:' % user,
            '    auth:',
            '      auth_url: %s' % KEYSTONE_URL,
            '      username: %s' % user,
            '      password: "%s"' % pw,
            '      project_name: %s' % project,
            '      user_domain_name: Default',
            '      project_domain_name: Default',
            '    region_name: RegionOne',
            '    identity_api_version: 3',
            '    interface: public', ''])
    _write(os.path.join(STATE, 'clouds.yaml'), 'clouds:\n' +
           cloud('admin', ADMIN_PASSWORD, 'admin') +
           cloud('demo', DEMO_PASSWORD, 'demo'))


# ---------------------------------------------------------------- envs
def os_env():
    """The services' and cloudops.py's environment: the venv first on PATH,
    the config locations, no OS_* of the caller's own cloud."""
    env = {k: v for k, v in os.environ.items()
           if k != 'PYTHONPATH' and not k.startswith('OS_')}
    env.update(CONFIG_VARS)
    env.update({
        'PATH': VBIN + os.pathsep + os.environ.get('PATH', ''),
        'DEMOCLOUD_STATE': STATE,
        'DEMOCLOUD_ADMIN_PASSWORD': ADMIN_PASSWORD,
        'DEMOCLOUD_DEMO_PASSWORD': DEMO_PASSWORD,
        'DEMOCLOUD_SERVICE_PASSWORD': SERVICE_PASSWORD,
        'DEMOCLOUD_LIVE_MIGRATION_SECONDS': LM_SECONDS,
        'DEMOCLOUD_COMPUTES': str(len(COMPUTES)),
        'DEMOCLOUD_PYTHON': sys.executable,
    })
    return env


def rabbit_env():
    rb = os.path.join(STATE, 'rabbitmq')
    erl = '-kernel inet_dist_use_interface {127,0,0,1}'
    env = dict(os.environ)
    env.update({
        'HOME': rb, 'RABBITMQ_NODENAME': 'rabbit@localhost',
        'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
        'RABBITMQ_NODE_PORT': str(RABBIT_PORT),
        'RABBITMQ_DIST_PORT': str(RABBIT_DIST_PORT),
        'ERL_EPMD_ADDRESS': '127.0.0.1', 'ERL_EPMD_PORT': str(EPMD_PORT),
        'RABBITMQ_MNESIA_BASE': os.path.join(rb, 'mnesia'),
        'RABBITMQ_LOG_BASE': os.path.join(rb, 'log'),
        'RABBITMQ_PID_FILE': os.path.join(rb, 'rabbit.pid'),
        'RABBITMQ_CONFIG_FILE': os.path.join(rb, 'rabbitmq'),
        'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(rb, 'enabled_plugins'),
        'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS': erl,
        'RABBITMQ_CTL_ERL_ARGS': erl,
    })
    return env
