#!/usr/bin/env python3
"""democloud: a real OpenStack control plane on 127.0.0.1 for demos and tests.

Keystone, Placement, Glance, Nova (api, conductor, scheduler, 3 fake computes),
PostgreSQL, RabbitMQ and a Neutron stub, all private to <repo>/.democloud.
Stdlib only; run with the system python3.  See README.md next to this file.
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STATE = os.path.abspath(os.environ.get('DEMOCLOUD_STATE')
                        or os.path.join(REPO, '.democloud'))
VENV = os.path.abspath(os.environ.get('DEMOCLOUD_VENV')
                       or os.path.join(REPO, '.venvs', 'cloud'))
VBIN = os.path.join(VENV, 'bin')
ADMIN_PASSWORD = os.environ.get('DEMOCLOUD_ADMIN_PASSWORD', 'admin')
DEMO_PASSWORD = os.environ.get('DEMOCLOUD_DEMO_PASSWORD', 'demo')
SERVICE_PASSWORD = 'democloud-service'
RABBIT_USER, RABBIT_PASS = 'democloud', 'democloud'
LM_SECONDS = os.environ.get('DEMOCLOUD_LIVE_MIGRATION_SECONDS', '8')

REQUIREMENTS = ['keystone==30.0.0', 'openstack-placement==16.0.0',
                'nova==34.0.0', 'glance==33.0.0', 'python-openstackclient',
                'python-novaclient', 'openstacksdk', 'gunicorn',
                'psycopg2-binary']
CONSTRAINTS = os.path.join(HERE, 'constraints.txt')

PG_PORT = 5433
RABBIT_PORT, RABBIT_DIST_PORT, EPMD_PORT = 5672, 25672, 4369
KEYSTONE_URL = 'http://127.0.0.1:5000/v3'
COMPUTES = {  # name: (vcpus, memory_mb, disk_gb, vgpus, extra traits)
    'cmp1': (8, 16384, 200, 0, ''),
    'cmp2': (12, 24576, 300, 0, 'COMPUTE_SECURITY_TPM_2_0,'
             'COMPUTE_SECURITY_TPM_CRB,COMPUTE_SECURITY_TPM_TIS,'
             'COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER,'
             'COMPUTE_SECURITY_TPM_SECRET_SECURITY_HOST'),
    'cmp3': (8, 12288, 150, 4, 'COMPUTE_SECURITY_TPM_2_0,'
             'COMPUTE_SECURITY_TPM_CRB,COMPUTE_SECURITY_TPM_TIS,'
             'COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER,'
             'COMPUTE_SECURITY_TPM_SECRET_SECURITY_HOST'),
}
DBS = ['nova_api', 'nova_cell0', 'nova_cell1', 'placement']

LOG = os.path.join(STATE, 'log')
RUN = os.path.join(STATE, 'run')
ETC = os.path.join(STATE, 'etc')
STAMPS = os.path.join(STATE, 'stamps')

# name -> port (None: no port of its own); order = start order.
SERVICES = [
    ('postgres', PG_PORT), ('epmd', EPMD_PORT), ('rabbitmq', RABBIT_PORT),
    ('neutron-stub', 9696), ('keystone', 5000), ('placement', 8778),
    ('glance', 9292), ('nova-api', 8774), ('nova-conductor', None),
    ('nova-scheduler', None)] + [
    ('nova-compute-%s' % c, None) for c in COMPUTES]
PORTS = dict(SERVICES)
HTTP_HEALTH = {'keystone': 'http://127.0.0.1:5000/v3',
               'placement': 'http://127.0.0.1:8778/',
               'glance': 'http://127.0.0.1:9292/versions',
               'nova-api': 'http://127.0.0.1:8774/',
               'neutron-stub': 'http://127.0.0.1:9696/'}
WSGI = {'keystone': ('keystone.wsgi.api', 2),
        'placement': ('placement.wsgi.api', 1),
        'glance': ('glance.wsgi.api', 1),
        'nova-api': ('nova.wsgi.osapi_compute', 1)}


class Fail(Exception):
    """One-line error for the user."""


def say(msg):
    print('democloud: %s' % msg, flush=True)


def log_path(name):
    return os.path.join(LOG, '%s.log' % name)


# ---------------------------------------------------------------- processes
def _proc_start_time(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            data = f.read()
        return data.rsplit(')', 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _pidfile(name):
    return os.path.join(RUN, '%s.pid' % name)


def read_pid(name):
    """PID of our process `name` if it is alive (and really ours)."""
    try:
        with open(_pidfile(name)) as f:
            rec = json.load(f)
    except (OSError, ValueError):
        return None
    pid = rec.get('pid')
    if not pid or _proc_start_time(pid) != rec.get('start'):
        return None
    try:
        with open('/proc/%d/stat' % pid) as f:
            if f.read().rsplit(')', 1)[1].split()[0] == 'Z':
                return None
    except OSError:
        return None
    return pid


def _group_alive(pgid):
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % d) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and int(fields[3]) == pgid and \
                fields[0] != 'Z':
            return True
    return False


def spawn(name, argv, env=None, user=None, cwd=None):
    os.makedirs(LOG, exist_ok=True)
    os.makedirs(RUN, exist_ok=True)
    logf = open(log_path(name), 'ab')
    logf.write(('\n==== %s democloud start %s\n' % (
        time.strftime('%F %T'), ' '.join(argv))).encode())
    logf.flush()
    kw = {}
    if user:
        kw['user'] = user
        kw['group'] = user
        kw['extra_groups'] = []
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf,
                            stderr=subprocess.STDOUT, env=env, cwd=cwd or STATE,
                            start_new_session=True, **kw)
    logf.close()
    rec = {'pid': proc.pid, 'start': _proc_start_time(proc.pid),
           'argv': argv}
    with open(_pidfile(name), 'w') as f:
        json.dump(rec, f)
    return proc


def kill(name, graceful=True, timeout=6.0, sig=signal.SIGTERM):
    """Stop our process `name` (and its process group).  True if it ran."""
    try:
        with open(_pidfile(name)) as f:
            rec = json.load(f)
    except (OSError, ValueError):
        return False
    pid = rec.get('pid')
    ours = read_pid(name) is not None
    group = pid and _group_alive(pid)
    if not ours and not group:
        _unlink(_pidfile(name))
        return False
    if graceful and ours:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    return pid


def wait_gone(names_pids, timeout):
    deadline = time.time() + timeout
    pending = dict(names_pids)
    while pending and time.time() < deadline:
        for name, pid in list(pending.items()):
            if read_pid(name) is None and not _group_alive(pid):
                pending.pop(name)
        if pending:
            time.sleep(0.2)
    for name, pid in pending.items():
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if pending:
        time.sleep(0.3)
    for name, pid in names_pids.items():
        # leftovers of the group (gunicorn workers, erl children)
        if _group_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _unlink(_pidfile(name))
    return list(pending)


def stop_services(names, graceful=True, timeout=8.0):
    started = {}
    for name in names:
        sig = signal.SIGINT if name == 'postgres' else signal.SIGTERM
        pid = kill(name, graceful=graceful, sig=sig)
        if pid:
            started[name] = pid
    if not graceful:
        timeout = 0
    return started, wait_gone(started, timeout)


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


# ---------------------------------------------------------------- checks
def port_open(port, host='127.0.0.1', timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def http_ok(url, timeout=3.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status < 500
    except urllib.error.HTTPError as e:
        return e.code < 500
    except (OSError, ValueError):
        return False


def pg_bin(tool):
    for base in sorted(glob_dirs('/usr/lib/postgresql'), reverse=True):
        path = os.path.join(base, 'bin', tool)
        if os.path.exists(path):
            return path
    found = shutil.which(tool)
    if not found:
        raise Fail('PostgreSQL tool %s not found: run `democloud install`'
                   % tool)
    return found


def glob_dirs(path):
    try:
        return [os.path.join(path, d) for d in os.listdir(path)]
    except OSError:
        return []


def psql(sql, db='postgres', check=True):
    r = subprocess.run([pg_bin('psql'), '-X', '-q', '-h', '127.0.0.1', '-p',
                        str(PG_PORT), '-U', 'postgres', '-d', db, '-tAc',
                        sql], capture_output=True, text=True, timeout=30)
    if check and r.returncode:
        raise Fail('psql failed: %s' % r.stderr.strip())
    return r.stdout.strip() if r.returncode == 0 else None


def compute_reports(binary='nova-compute'):
    """{host: (seconds since last report, forced_down)} from nova_cell1
    (the services of ``binary``)."""
    out = psql("select host, extract(epoch from (now() at time zone 'utc')"
               " - coalesce(last_seen_up, updated_at, created_at)),"
               " forced_down from services where \"binary\"='%s'"
               " and deleted=0" % binary, db='nova_cell1', check=False)
    res = {}
    for line in (out or '').splitlines():
        parts = line.split('|')
        if len(parts) == 3:
            try:
                res[parts[0]] = (float(parts[1]), parts[2] == 't')
            except ValueError:
                pass
    return res


def compute_node_hosts():
    """Hosts with a compute node row in nova and VCPU inventory in placement."""
    out = psql("select host from compute_nodes where deleted=0",
               db='nova_cell1', check=False)
    inv = psql("select rp.name from resource_providers rp join inventories i"
               " on i.resource_provider_id = rp.id join resource_classes rc"
               " on rc.id = i.resource_class_id where rc.name = 'VCPU'",
               db='placement', check=False)
    if inv is None:  # standard classes are not in resource_classes
        inv = psql("select rp.name from resource_providers rp join "
                   "inventories i on i.resource_provider_id = rp.id "
                   "where i.resource_class_id = 0", db='placement',
                   check=False)
    return set((out or '').split()) & set((inv or '').split())


def service_up(name, reports=None):
    if read_pid(name) is None:
        return False
    port = PORTS.get(name)
    if name in HTTP_HEALTH:
        return http_ok(HTTP_HEALTH[name])
    if port:
        return port_open(port)
    if name.startswith('nova-compute-') and reports is not None:
        rep = reports.get(name[len('nova-compute-'):])
        return rep is not None and rep[0] < 20
    return True


# ---------------------------------------------------------------- install
def venv_python():
    return os.path.join(VBIN, 'python')


def _requirements_hash():
    h = hashlib.sha256()
    with open(CONSTRAINTS, 'rb') as f:
        h.update(f.read())
    h.update('\n'.join(REQUIREMENTS).encode())
    return h.hexdigest()


def _run_quiet(argv, what, env=None):
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    if r.returncode:
        tail = '\n'.join((r.stdout + r.stderr).strip().splitlines()[-15:])
        raise Fail('%s failed (exit %d):\n%s' % (what, r.returncode, tail))


def _apt_missing():
    missing = []
    if not os.path.exists('/usr/lib/rabbitmq/bin/rabbitmq-server') and \
            not shutil.which('rabbitmq-server'):
        missing.append('rabbitmq-server')
    if not any(os.path.exists(os.path.join(d, 'bin', 'initdb'))
               for d in glob_dirs('/usr/lib/postgresql')):
        missing.append('postgresql')
    return missing


def cmd_install(args=None):
    t0 = time.time()
    missing = _apt_missing()
    if missing:
        sudo = [] if os.geteuid() == 0 else ['sudo', '-n']
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        say('apt-get install %s' % ' '.join(missing))
        cmd = sudo + ['apt-get', 'install', '-y', '-qq',
                      '--no-install-recommends'] + missing
        if subprocess.run(cmd, capture_output=True, env=env).returncode:
            _run_quiet(sudo + ['apt-get', 'update', '-qq'], 'apt-get update',
                       env)
            _run_quiet(cmd, 'apt-get install', env)
    stamp = os.path.join(VENV, '.democloud-stamp')
    want = _requirements_hash()
    try:
        with open(stamp) as f:
            have = f.read().strip()
    except OSError:
        have = None
    if have != want:
        if not os.path.exists(venv_python()):
            say('creating venv %s' % VENV)
            _run_quiet([_base_python(), '-m', 'venv', VENV], 'venv')
        say('pip install into %s (a minute or two)' % VENV)
        _run_quiet([venv_python(), '-m', 'pip', 'install', '-q',
                    '--disable-pip-version-check', '-c', CONSTRAINTS]
                   + REQUIREMENTS, 'pip install')
        with open(stamp, 'w') as f:
            f.write(want + '\n')
        say('installed in %.0f s' % (time.time() - t0))
    else:
        say('already installed (%s)' % VENV)
    return 0


def _base_python():
    if sys.version_info >= (3, 11):
        return sys.executable
    for cand in ('python3.13', 'python3.12', 'python3.11'):
        if shutil.which(cand):
            return shutil.which(cand)
    raise Fail('Python >= 3.11 is needed for the OpenStack venv')


def _installed():
    stamp = os.path.join(VENV, '.democloud-stamp')
    try:
        with open(stamp) as f:
            return f.read().strip() == _requirements_hash() and \
                not _apt_missing()
    except OSError:
        return False


# ---------------------------------------------------------------- configs
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


def _pg(db):
    return 'postgresql+psycopg2://postgres@127.0.0.1:%d/%s' % (PG_PORT, db)


POLICY = [('enforce_scope', 'false'), ('enforce_new_defaults', 'false')]


def write_configs():
    for d in (LOG, RUN, ETC, STAMPS):
        os.makedirs(d, exist_ok=True)
    # keystone
    ks = os.path.join(STATE, 'keystone')
    _write(os.path.join(ETC, 'keystone', 'keystone.conf'), _ini([
        ('DEFAULT', [('use_stderr', 'true')]),
        ('database', [('connection', 'sqlite:///%s/keystone.sqlite' % ks)]),
        ('identity', [('password_hash_rounds', '4')]),
        ('token', [('provider', 'fernet')]),
        ('fernet_tokens', [('key_repository', ks + '/fernet-keys')]),
        ('credential', [('key_repository', ks + '/credential-keys')]),
        ('cache', [('enabled', 'false')]),
        ('oslo_policy', POLICY)]))
    # placement
    _write(os.path.join(ETC, 'placement', 'placement.conf'), _ini([
        ('DEFAULT', [('use_stderr', 'true')]),
        ('api', [('auth_strategy', 'keystone')]),
        ('placement_database', [('connection', _pg('placement'))]),
        ('keystone_authtoken', _authtoken('placement')),
        ('oslo_policy', POLICY)]))
    # glance
    gl = os.path.join(STATE, 'glance')
    paste = os.path.join(ETC, 'glance', 'glance-api-paste.ini')
    _copy_once(os.path.join(VENV, 'etc', 'glance', 'glance-api-paste.ini'),
               paste)
    _write(os.path.join(ETC, 'glance', 'glance-api.conf'), _ini([
        ('DEFAULT', [('use_stderr', 'true'),
                     ('enabled_backends', 'fs:file'),
                     ('bind_host', '127.0.0.1'),
                     ('worker_self_reference_url', 'http://127.0.0.1:9292')]),
        ('database', [('connection', 'sqlite:///%s/glance.sqlite' % gl)]),
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
    # nova
    nv = os.path.join(STATE, 'nova')
    _copy_once(os.path.join(VENV, 'etc', 'nova', 'api-paste.ini'),
               os.path.join(ETC, 'nova', 'api-paste.ini'))
    _write(os.path.join(ETC, 'nova', 'nova.conf'), _ini([
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
        ('api_database', [('connection', _pg('nova_api'))]),
        ('database', [('connection', _pg('nova_cell1'))]),
        ('quota', [('instances', '100'), ('cores', '400'),
                   ('ram', '1048576')]),
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
            # the periodic resync.  Three hosts make the reads cheap.
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
    for c, (vcpus, mem, disk, vgpus, traits) in COMPUTES.items():
        _write(os.path.join(ETC, 'nova', 'nova-%s.conf' % c), _ini([
            ('DEFAULT', [('host', c), ('state_path', os.path.join(nv, c))]),
            ('oslo_concurrency', [('lock_path', os.path.join(nv, c, 'lock'))]),
            ('democloud', [('vcpus', vcpus), ('memory_mb', mem),
                           ('disk_gb', disk), ('vgpus', vgpus),
                           ('traits', traits)])]))
    # rabbitmq
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
    write_clouds_yaml()


def _copy_once(src, dst):
    if not os.path.exists(dst):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(src, dst)


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
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    env.update({
        'PATH': VBIN + os.pathsep + env.get('PATH', ''),
        'OS_KEYSTONE_CONFIG_FILES': os.path.join(ETC, 'keystone',
                                                 'keystone.conf'),
        'OS_PLACEMENT_CONFIG_DIR': os.path.join(ETC, 'placement'),
        'OS_GLANCE_CONFIG_DIR': os.path.join(ETC, 'glance'),
        'OS_NOVA_CONFIG_DIR': os.path.join(ETC, 'nova'),
        'DEMOCLOUD_STATE': STATE,
        'DEMOCLOUD_ADMIN_PASSWORD': ADMIN_PASSWORD,
        'DEMOCLOUD_DEMO_PASSWORD': DEMO_PASSWORD,
        'DEMOCLOUD_SERVICE_PASSWORD': SERVICE_PASSWORD,
        'DEMOCLOUD_LIVE_MIGRATION_SECONDS': LM_SECONDS,
        'DEMOCLOUD_PYTHON': sys.executable,
    })
    for k in list(env):
        if k.startswith('OS_') and k not in (
                'OS_KEYSTONE_CONFIG_FILES', 'OS_PLACEMENT_CONFIG_DIR',
                'OS_GLANCE_CONFIG_DIR', 'OS_NOVA_CONFIG_DIR'):
            env.pop(k)
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


# ---------------------------------------------------------------- starting
def _pg_user():
    return 'postgres' if os.geteuid() == 0 else None


def _check_port_free(name):
    port = PORTS.get(name)
    if port and port_open(port):
        raise Fail('%s: port 127.0.0.1:%d is taken by a process democloud '
                   'did not start (log: %s)' % (name, port, log_path(name)))


def start_postgres():
    if read_pid('postgres'):
        return
    _check_port_free('postgres')
    data = os.path.join(STATE, 'postgres')
    user = _pg_user()
    if not os.path.exists(os.path.join(data, 'PG_VERSION')):
        os.makedirs(data, exist_ok=True)
        if user:
            shutil.chown(data, user, user)
        os.chmod(data, 0o700)
        with open(log_path('postgres-initdb'), 'wb') as lf:
            r = subprocess.run([pg_bin('initdb'), '-D', data, '-A', 'trust',
                                '-U', 'postgres', '-E', 'UTF8', '--no-sync',
                                '--locale', 'C.UTF-8'],
                               stdout=lf, stderr=subprocess.STDOUT,
                               user=user, group=user, cwd='/')
        if r.returncode:
            raise Fail('postgres: initdb failed (log: %s)'
                       % log_path('postgres-initdb'))
    spawn('postgres', [pg_bin('postgres'), '-D', data, '-p', str(PG_PORT),
                       '-c', 'listen_addresses=127.0.0.1',
                       '-c', 'unix_socket_directories=',
                       '-c', 'fsync=off', '-c', 'synchronous_commit=off',
                       '-c', 'full_page_writes=off',
                       '-c', 'max_connections=300',
                       '-c', 'shared_buffers=64MB'], user=user, cwd='/')


def start_rabbit():
    if not read_pid('epmd'):
        if port_open(EPMD_PORT):
            raise Fail('epmd: port 127.0.0.1:%d is taken by a process '
                       'democloud did not start' % EPMD_PORT)
        spawn('epmd', [shutil.which('epmd') or '/usr/bin/epmd', '-address',
                       '127.0.0.1', '-port', str(EPMD_PORT)])
    if read_pid('rabbitmq'):
        return
    _check_port_free('rabbitmq')
    for p in (RABBIT_DIST_PORT,):
        if port_open(p):
            raise Fail('rabbitmq: port 127.0.0.1:%d is taken (log: %s)'
                       % (p, log_path('rabbitmq')))
    os.makedirs(os.path.join(STATE, 'rabbitmq', 'log'), exist_ok=True)
    server = '/usr/lib/rabbitmq/bin/rabbitmq-server'
    if not os.path.exists(server):
        server = shutil.which('rabbitmq-server')
    spawn('rabbitmq', [server], env=rabbit_env())


def start_neutron_stub():
    if read_pid('neutron-stub'):
        return
    _check_port_free('neutron-stub')
    spawn('neutron-stub', [sys.executable, os.path.join(HERE,
                                                        'neutron_stub.py'),
                           '--state', STATE, '--port', '9696'])


def start_wsgi(name):
    if read_pid(name):
        return
    _check_port_free(name)
    module, workers = WSGI[name]
    env = os_env()
    env['DEMOCLOUD_WSGI_MODULE'] = module
    spawn(name, [os.path.join(VBIN, 'gunicorn'), '--pythonpath', HERE,
                 '--bind', '127.0.0.1:%d' % PORTS[name],
                 '--workers', str(workers), '--worker-class', 'gthread',
                 '--threads', '8', '--timeout', '300',
                 # Clients keep connections open between calls: a server
                 # closing idle ones races with their next request.
                 '--keep-alive', '600',
                 '--graceful-timeout', '3', '--name', 'democloud-' + name,
                 '--access-logfile', '-', 'wsgi_loader:application'],
          env=env)


def start_nova_service(name):
    if read_pid(name):
        return
    conf = ['--config-file', os.path.join(ETC, 'nova', 'nova.conf')]
    if name.startswith('nova-compute-'):
        host = name[len('nova-compute-'):]
        os.makedirs(os.path.join(STATE, 'nova', host), exist_ok=True)
        argv = [venv_python(), os.path.join(HERE, 'compute_launcher.py')] + \
            conf + ['--config-file',
                    os.path.join(ETC, 'nova', 'nova-%s.conf' % host)]
    else:
        argv = [os.path.join(VBIN, name)] + conf
    spawn(name, argv, env=os_env())


def wait_for(name, check, timeout, what='come up'):
    deadline = time.time() + timeout
    while True:
        if read_pid(name) is None:
            raise Fail('%s died while starting (log: %s)'
                       % (name, log_path(name)))
        if check():
            return
        if time.time() > deadline:
            raise Fail('%s did not %s within %d s (log: %s)'
                       % (name, what, timeout, log_path(name)))
        time.sleep(0.3)


class Job(object):
    """A one-shot command chain in the background (db syncs)."""
    running = []

    @classmethod
    def kill_all(cls):
        for job in cls.running:
            if job.proc is not None and job.proc.poll() is None:
                try:
                    os.killpg(job.proc.pid, signal.SIGKILL)
                except OSError:
                    pass

    def __init__(self, name, cmds, env):
        self.name = name
        self.stamp = os.path.join(STAMPS, name)
        self.log = log_path(name)
        self.proc = None
        if os.path.exists(self.stamp):
            return
        script = ' && '.join(' '.join(_sh(a) for a in c) for c in cmds)
        with open(self.log, 'ab') as lf:
            self.proc = subprocess.Popen(['/bin/sh', '-c', script], env=env,
                                         stdout=lf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=STATE,
                                         start_new_session=True)
        Job.running.append(self)

    def wait(self, timeout=300):
        if self.proc is None:
            return
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Fail('%s timed out (log: %s)' % (self.name, self.log))
        if rc:
            raise Fail('%s failed with exit %d (log: %s)'
                       % (self.name, rc, self.log))
        open(self.stamp, 'w').close()
        self.proc = None


def _sh(arg):
    import shlex
    return shlex.quote(arg)


def venv_run(args, what, timeout=600):
    r = subprocess.run([venv_python(), os.path.join(HERE, 'cloudops.py')]
                       + args, env=os_env(), timeout=timeout)
    if r.returncode:
        raise Fail('%s failed (exit %d)' % (what, r.returncode))


def all_up():
    if not os.path.isdir(RUN):
        return False
    reports = compute_reports() if read_pid('postgres') else {}
    return all(service_up(n, reports) for n, _ in SERVICES)


def cmd_start(args=None):
    t0 = time.time()
    if not _installed():
        cmd_install()
    if os.path.isdir(RUN) and all_up():
        if not os.path.exists(os.path.join(STAMPS, 'seeded')):
            say('running but not seeded yet: seeding')
            cmd_seed()
        say('already running (%.1f s); `%s status` for details'
            % (time.time() - t0, sys.argv[0]))
        return 0
    write_configs()
    env = os_env()
    ks_conf = ['--config-file', env['OS_KEYSTONE_CONFIG_FILES']]
    nova_conf = ['--config-file', os.path.join(ETC, 'nova', 'nova.conf')]
    me = _user_group()

    # 1. infrastructure
    start_postgres()
    start_rabbit()
    start_neutron_stub()
    os.makedirs(os.path.join(STATE, 'keystone'), exist_ok=True)
    for d in ('images', 'staging', 'tasks', 'lock'):
        os.makedirs(os.path.join(STATE, 'glance', d), exist_ok=True)
    # 2. keystone (sqlite) needs no postgres: start its chain at once
    ksm = os.path.join(VBIN, 'keystone-manage')
    ks_job = Job('keystone-dbsync', [
        [ksm] + ks_conf + ['db_sync'],
        [ksm] + ks_conf + ['fernet_setup', '--keystone-user', me[0],
                           '--keystone-group', me[1]],
        [ksm] + ks_conf + ['credential_setup', '--keystone-user', me[0],
                           '--keystone-group', me[1]],
        [ksm] + ks_conf + ['bootstrap', '--bootstrap-password',
                           ADMIN_PASSWORD, '--bootstrap-admin-url',
                           KEYSTONE_URL, '--bootstrap-public-url',
                           KEYSTONE_URL, '--bootstrap-internal-url',
                           KEYSTONE_URL, '--bootstrap-region-id',
                           'RegionOne']], env)
    gl_job = Job('glance-dbsync', [[os.path.join(VBIN, 'glance-manage'),
                                    '--config-dir', env['OS_GLANCE_CONFIG_DIR'],
                                    'db_sync']], env)
    wait_for('postgres', lambda: port_open(PG_PORT) and
             psql('select 1', check=False) == '1', 60)
    existing = set((psql('select datname from pg_database') or '').split())
    for db in DBS:
        if db not in existing:
            psql('create database %s' % db)
    nm = os.path.join(VBIN, 'nova-manage')
    nova_job = Job('nova-dbsync', [
        [nm] + nova_conf + ['api_db', 'sync'],
        [nm] + nova_conf + ['cell_v2', 'map_cell0', '--database_connection',
                            _pg('nova_cell0')],
        ['sh', '-c', '%s --config-file %s cell_v2 list_cells | grep -q " cell1 "'
         ' || %s --config-file %s cell_v2 create_cell --name cell1' % (
             nm, nova_conf[1], nm, nova_conf[1])],
        [nm] + nova_conf + ['db', 'sync']], env)
    pl_job = Job('placement-dbsync', [[
        os.path.join(VBIN, 'placement-manage'), '--config-file',
        os.path.join(ETC, 'placement', 'placement.conf'), 'db', 'sync']], env)
    ks_job.wait()
    start_wsgi('keystone')
    wait_for('keystone', lambda: http_ok(HTTP_HEALTH['keystone']), 90)
    say('%5.1fs keystone up' % (time.time() - t0))
    if not os.path.exists(os.path.join(STAMPS, 'keystone-setup')):
        venv_run(['keystone-setup'], 'keystone set-up (services, endpoints)')
        open(os.path.join(STAMPS, 'keystone-setup'), 'w').close()
    pl_job.wait()
    start_wsgi('placement')
    gl_job.wait()
    start_wsgi('glance')
    wait_for('rabbitmq', lambda: port_open(RABBIT_PORT), 90)
    nova_job.wait()
    start_wsgi('nova-api')
    start_nova_service('nova-conductor')
    start_nova_service('nova-scheduler')
    for c in COMPUTES:
        start_nova_service('nova-compute-%s' % c)
    for name in ('neutron-stub', 'placement', 'glance', 'nova-api'):
        wait_for(name, lambda n=name: http_ok(HTTP_HEALTH[n]), 120)
    say('%5.1fs APIs up' % (time.time() - t0))
    for c in COMPUTES:
        wait_compute(c, 150)
    say('%5.1fs computes up' % (time.time() - t0))
    wait_for('nova-conductor', lambda: True, 1)
    wait_for('nova-scheduler', lambda: True, 1)
    discover_hosts()
    if not os.path.exists(os.path.join(STAMPS, 'seeded')):
        say('seeding (first start)')
        cmd_seed()
    say('up in %.0f s; admin: `eval "$(%s env)"` or OS_CLOUD=democloud-admin '
        'with OS_CLIENT_CONFIG_FILE=%s' % (
            time.time() - t0, _me(), os.path.join(STATE, 'clouds.yaml')))
    return 0


def _me():
    return 'python3 ' + os.path.relpath(os.path.abspath(__file__))


def _user_group():
    import grp
    import pwd
    return (pwd.getpwuid(os.getuid()).pw_name,
            grp.getgrgid(os.getgid()).gr_name)


def wait_compute(host, timeout, since=None):
    name = 'nova-compute-%s' % host

    def ok():
        rep = compute_reports().get(host)
        if rep is None or rep[0] > 15:
            return False
        if since is not None and rep[0] > time.time() - since:
            return False
        return host in compute_node_hosts()
    wait_for(name, ok, timeout, 'report to nova-conductor')


def discover_hosts():
    r = subprocess.run([os.path.join(VBIN, 'nova-manage'), '--config-file',
                        os.path.join(ETC, 'nova', 'nova.conf'), 'cell_v2',
                        'discover_hosts'], env=os_env(), capture_output=True,
                       text=True, timeout=120)
    if r.returncode:
        raise Fail('nova-manage cell_v2 discover_hosts failed: %s'
                   % (r.stdout + r.stderr).strip()[-300:])


def cmd_smoke(args=None):
    venv_run(['smoke'], 'smoke test')
    return 0


def cmd_probe_flavors(args=None):
    venv_run(['probe-flavors'], 'probe-flavors')
    return 0


def cmd_seed(args=None):
    venv_run(['seed'], 'seed')
    open(os.path.join(STAMPS, 'seeded'), 'w').close()
    return 0


# ---------------------------------------------------------------- commands
WAVE1 = [n for n, _ in reversed(SERVICES)
         if n not in ('postgres', 'epmd', 'rabbitmq')]
WAVE2 = ['rabbitmq', 'epmd', 'postgres']


def cmd_stop(args=None):
    t0 = time.time()
    if not os.path.isdir(RUN):
        say('not running')
        return 0
    s1, k1 = stop_services(WAVE1, timeout=6)
    s2, k2 = stop_services(WAVE2, timeout=15)
    stopped = list(s1) + list(s2)
    killed = k1 + k2
    say('stopped %d process(es) in %.1f s%s' % (
        len(stopped), time.time() - t0,
        ' (SIGKILL: %s)' % ', '.join(killed) if killed else ''))
    return 0


def cmd_status(args=None):
    reports = compute_reports() if read_pid('postgres') else {}
    ok = True
    for name, port in SERVICES:
        pid = read_pid(name)
        up = service_up(name, reports)
        ok &= up
        extra = ''
        if name.startswith('nova-compute-'):
            rep = reports.get(name[len('nova-compute-'):])
            if rep:
                extra = ' last-report=%.0fs%s' % (
                    rep[0], ' forced-down' if rep[1] else '')
        print('%-20s %-4s pid=%-7s port=%-5s log=%s%s' % (
            name, 'up' if up else 'down', pid or '-', port or '-',
            log_path(name), extra))
    return 0 if ok else 1


def _one_of(name, allowed, what, hint=''):
    """``name`` if it is one of ``allowed``, else a Fail naming them."""
    if name not in allowed:
        raise Fail('unknown %s %r (one of %s%s)'
                   % (what, name, ', '.join(allowed), hint))
    return name


def _compute_arg(args):
    return _one_of(args.host, COMPUTES, 'compute')


def cmd_stop_compute(args):
    host = _compute_arg(args)
    started, _ = stop_services(['nova-compute-%s' % host], graceful=False)
    say('%s %s (killed like a dead host; shows down after ~20 s)' % (
        host, 'killed' if started else 'was not running'))
    return 0


def cmd_start_compute(args):
    host = _compute_arg(args)
    name = 'nova-compute-%s' % host
    if read_pid(name):
        say('%s already running' % host)
        return 0
    if not read_pid('nova-conductor'):
        raise Fail('the cloud is not running: `democloud start` first')
    t = time.time()
    start_nova_service(name)
    wait_compute(host, 120, since=t)
    say('%s up (%.0f s)' % (host, time.time() - t))
    return 0


def cmd_restart_compute(args):
    host = _compute_arg(args)
    stop_services(['nova-compute-%s' % host], timeout=5)
    return cmd_start_compute(args)


# Services `stop-service` / `start-service` take: the control plane a
# fault test crashes mid-operation (computes have their own commands).
CONTROL = ('nova-api', 'nova-conductor', 'nova-scheduler')


def _service_arg(args):
    return _one_of(args.service, CONTROL, 'service',
                   '; computes: stop-compute')


def cmd_stop_service(args):
    """SIGKILL the service's whole process group, like a crash: no
    graceful shutdown, requests and RPC calls in flight are lost."""
    name = _service_arg(args)
    started, _ = stop_services([name], graceful=False)
    say('%s %s' % (name, 'killed' if started else 'was not running'))
    return 0


def _reported_since(binary, host, since):
    rep = compute_reports(binary).get(host)
    return rep is not None and rep[0] <= time.time() - since


def cmd_start_service(args):
    """Start it again and wait until it really works: nova-api answers
    HTTP; a conductor or scheduler has written its own heartbeat, and (for
    the conductor, which carries the computes' heartbeats) every running
    compute has reported through it again."""
    name = _service_arg(args)
    if read_pid(name):
        say('%s already running' % name)
        return 0
    if not read_pid('postgres') or not read_pid('rabbitmq'):
        raise Fail('the cloud is not running: `democloud start` first')
    t = time.time()
    if name == 'nova-api':
        start_wsgi(name)
        wait_for(name, lambda: http_ok(HTTP_HEALTH[name]), 120)
    else:
        start_nova_service(name)
        # Services other than computes register under the machine's name.
        hosts = set(compute_reports(name)) or {socket.gethostname()}
        wait_for(name, lambda: any(_reported_since(name, h, t)
                                   for h in hosts), 120,
                 'report its heartbeat')
        if name == 'nova-conductor':
            for c in COMPUTES:
                if read_pid('nova-compute-%s' % c):
                    wait_compute(c, 120, since=t)
    say('%s up (%.0f s)' % (name, time.time() - t))
    return 0


def cmd_restart_service(args):
    _service_arg(args)
    cmd_stop_service(args)
    return cmd_start_service(args)


def cmd_reset(args=None):
    cmd_stop()
    if os.path.isdir(STATE):
        shutil.rmtree(STATE)
    say('removed %s' % STATE)
    return 0


def cmd_env(args=None):
    for k, v in [('OS_AUTH_URL', KEYSTONE_URL), ('OS_USERNAME', 'admin'),
                 ('OS_PASSWORD', ADMIN_PASSWORD), ('OS_PROJECT_NAME', 'admin'),
                 ('OS_USER_DOMAIN_NAME', 'Default'),
                 ('OS_PROJECT_DOMAIN_NAME', 'Default'),
                 ('OS_REGION_NAME', 'RegionOne'),
                 ('OS_IDENTITY_API_VERSION', '3'),
                 ('OS_CLIENT_CONFIG_FILE', os.path.join(STATE, 'clouds.yaml'))]:
        print('export %s=%s' % (k, _sh(v)))
    print('export PATH=%s:"$PATH"' % _sh(VBIN))
    return 0


LOCKED = ('install', 'start', 'stop', 'reset', 'seed', 'stop-compute',
          'start-compute', 'restart-compute', 'stop-service', 'start-service',
          'restart-service')


def _lock(cmd):
    """Serialise mutating commands (tests may call `start` concurrently)."""
    import fcntl
    import tempfile
    path = os.path.join(tempfile.gettempdir(), 'democloud-%s.lock' %
                        hashlib.sha1(STATE.encode()).hexdigest()[:12])
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        say('waiting for another democloud command to finish (%s)' % path)
        deadline = time.time() + 900
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.time() > deadline:
                    raise Fail('another democloud command holds %s' % path)
                time.sleep(0.5)
    return fd


def main(argv=None):
    ap = argparse.ArgumentParser(prog='democloud', description=__doc__)
    sub = ap.add_subparsers(dest='cmd', required=True)
    for name, fn in [('install', cmd_install), ('start', cmd_start),
                     ('stop', cmd_stop), ('status', cmd_status),
                     ('reset', cmd_reset), ('env', cmd_env),
                     ('seed', cmd_seed), ('smoke', cmd_smoke),
                     ('probe-flavors', cmd_probe_flavors)]:
        sub.add_parser(name).set_defaults(fn=fn)
    for name, fn in [('stop-compute', cmd_stop_compute),
                     ('start-compute', cmd_start_compute),
                     ('restart-compute', cmd_restart_compute)]:
        p = sub.add_parser(name)
        p.add_argument('host', help=', '.join(COMPUTES))
        p.set_defaults(fn=fn)
    for name, fn in [('stop-service', cmd_stop_service),
                     ('start-service', cmd_start_service),
                     ('restart-service', cmd_restart_service)]:
        p = sub.add_parser(name)
        p.add_argument('service', help=', '.join(CONTROL))
        p.set_defaults(fn=fn)
    args = ap.parse_args(argv)
    try:
        if args.cmd in LOCKED:
            lock_fd = _lock(args.cmd)  # noqa: F841 (held until exit)
        return args.fn(args)
    except Fail as e:
        Job.kill_all()
        print('democloud: ERROR: %s' % e, file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == '__main__':
    sys.exit(main())
