"""The whole cloud: start (idempotent, seeds once), stop, status, reset,
env, and the client-side commands run in the venv (seed, smoke, probe)."""
import os
import shlex
import shutil
import sys
import time

from cloudctl.config import (CONFIG_VARS, NOVA_CONF, os_env, pg_url,
                             write_configs)
from cloudctl.health import compute_reports, http_ok, port_open, psql, \
    service_up
from cloudctl.install import cmd_install, installed
from cloudctl.procs import Job, read_pid, recorded_names, stop_services
from cloudctl.services import (discover_hosts, start_neutron_stub,
                               start_nova_service, start_postgres,
                               start_rabbit, start_wsgi, venv_run, wait_for,
                               wait_compute)
from cloudctl.settings import (
    ADMIN_PASSWORD, COMPUTES, COUNT_FILE, HERE, HTTP_HEALTH, KEYSTONE_URL,
    PG_PORT, RABBIT_PORT, RUN, SERVICES, STAMPS, STATE, VBIN, Fail,
    compute_host, compute_service, log_path, remembered_count, say)

DBS = ['nova_api', 'nova_cell0', 'nova_cell1', 'placement']
INFRA = ('postgres', 'epmd', 'rabbitmq')  # stopped last, in this order
SEEDED = os.path.join(STAMPS, 'seeded')
BULK_HOST = 'cmp4'  # the first plain compute


def all_up():
    if not os.path.isdir(RUN):
        return False
    reports = compute_reports() if read_pid('postgres') else {}
    return all(service_up(n, reports) for n, _ in SERVICES)


def _remember_computes():
    """Keep the compute count for later commands; fewer computes than a
    state already registered would leave the others in Nova, down."""
    had = remembered_count() or 0
    if len(COMPUTES) < had:
        raise Fail('%s was started with %d computes: cmp%d..cmp%d would stay '
                   'registered in Nova (down).  Use DEMOCLOUD_COMPUTES=%d, '
                   'another DEMOCLOUD_STATE, or `democloud reset` first'
                   % (STATE, had, len(COMPUTES) + 1, had, had))
    os.makedirs(STATE, exist_ok=True)
    with open(COUNT_FILE, 'w') as f:
        f.write('%d\n' % len(COMPUTES))


def _db_jobs(env):
    """The schema set-ups, in the background (each once, stamped)."""
    ks_conf = ['--config-file', env['OS_KEYSTONE_CONFIG_FILES']]
    nova_conf = ['--config-file', NOVA_CONF]
    me = _user_group()
    ksm = os.path.join(VBIN, 'keystone-manage')
    owner = ['--keystone-user', me[0], '--keystone-group', me[1]]
    ks_job = Job('keystone-dbsync', [
        [ksm] + ks_conf + ['db_sync'],
        [ksm] + ks_conf + ['fernet_setup'] + owner,
        [ksm] + ks_conf + ['credential_setup'] + owner,
        [ksm] + ks_conf + ['bootstrap', '--bootstrap-password',
                           ADMIN_PASSWORD, '--bootstrap-admin-url',
                           KEYSTONE_URL, '--bootstrap-public-url',
                           KEYSTONE_URL, '--bootstrap-internal-url',
                           KEYSTONE_URL, '--bootstrap-region-id',
                           'RegionOne']], env)
    gl_job = Job('glance-dbsync', [[os.path.join(VBIN, 'glance-manage'),
                                    '--config-dir', env['OS_GLANCE_CONFIG_DIR'],
                                    'db_sync']], env)
    # nova and placement live in PostgreSQL: their databases first.
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
                            pg_url('nova_cell0')],
        ['sh', '-c', '%s --config-file %s cell_v2 list_cells | grep -q " cell1 "'
         ' || %s --config-file %s cell_v2 create_cell --name cell1' % (
             nm, NOVA_CONF, nm, NOVA_CONF)],
        [nm] + nova_conf + ['db', 'sync']], env)
    pl_job = Job('placement-dbsync', [[
        os.path.join(VBIN, 'placement-manage'), '--config-file',
        os.path.join(CONFIG_VARS['OS_PLACEMENT_CONFIG_DIR'],
                     'placement.conf'), 'db', 'sync']], env)
    return ks_job, gl_job, nova_job, pl_job


def cmd_start(args=None):
    t0 = time.time()
    _remember_computes()
    if not installed():
        cmd_install()
    if os.path.isdir(RUN) and all_up():
        if not os.path.exists(SEEDED):
            say('running but not seeded yet: seeding')
            cmd_seed()
        say('already running (%.1f s); `%s status` for details'
            % (time.time() - t0, sys.argv[0]))
        return 0
    write_configs()
    env = os_env()

    # 1. infrastructure
    start_postgres()
    start_rabbit()
    start_neutron_stub()
    os.makedirs(os.path.join(STATE, 'keystone'), exist_ok=True)
    for d in ('images', 'staging', 'tasks', 'lock'):
        os.makedirs(os.path.join(STATE, 'glance', d), exist_ok=True)
    # 2. schemas; keystone (sqlite) needs no postgres and comes up first
    ks_job, gl_job, nova_job, pl_job = _db_jobs(env)
    ks_job.wait()
    start_wsgi('keystone')
    wait_for('keystone', lambda: http_ok(HTTP_HEALTH['keystone']), 90)
    say('%5.1fs keystone up' % (time.time() - t0))
    if not os.path.exists(os.path.join(STAMPS, 'keystone-setup')):
        venv_run(['keystone-setup'], 'keystone set-up (services, endpoints)')
        open(os.path.join(STAMPS, 'keystone-setup'), 'w').close()
    # 3. the APIs and nova's services
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
        start_nova_service(compute_service(c))
    for name in ('neutron-stub', 'placement', 'glance', 'nova-api'):
        wait_for(name, lambda n=name: http_ok(HTTP_HEALTH[n]), 120)
    say('%5.1fs APIs up' % (time.time() - t0))
    # Computes load nova in parallel: on 2 cores a dozen take ~1 min.
    for c in COMPUTES:
        wait_compute(c, 150 + 10 * len(COMPUTES))
    say('%5.1fs %d computes up' % (time.time() - t0, len(COMPUTES)))
    wait_for('nova-conductor', lambda: True, 1)
    wait_for('nova-scheduler', lambda: True, 1)
    discover_hosts()
    if not os.path.exists(SEEDED):
        say('seeding (first start)')
        cmd_seed()
    say('up in %.0f s; admin: `eval "$(%s env)"` or OS_CLOUD=democloud-admin '
        'with OS_CLIENT_CONFIG_FILE=%s' % (
            time.time() - t0, _me(), os.path.join(STATE, 'clouds.yaml')))
    return 0


def _me():
    return 'python3 ' + os.path.relpath(os.path.join(HERE, 'democloud.py'))


def _user_group():
    import grp
    import pwd
    return (pwd.getpwuid(os.getuid()).pw_name,
            grp.getgrgid(os.getgid()).gr_name)


def cmd_stop(args=None):
    t0 = time.time()
    if not os.path.isdir(RUN):
        say('not running')
        return 0
    wave1 = [n for n, _ in reversed(SERVICES) if n not in INFRA]
    # computes of an earlier start with a larger DEMOCLOUD_COMPUTES
    wave1 = [n for n in recorded_names()
             if compute_host(n) and n not in wave1] + wave1
    s1, k1 = stop_services(wave1, timeout=6)
    s2, k2 = stop_services(list(reversed(INFRA)), timeout=15)
    killed = k1 + k2
    say('stopped %d process(es) in %.1f s%s' % (
        len(s1) + len(s2), time.time() - t0,
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
        rep = reports.get(compute_host(name))
        if rep:
            extra = ' last-report=%.0fs%s' % (
                rep[0], ' forced-down' if rep[1] else '')
        print('%-20s %-4s pid=%-7s port=%-5s log=%s%s' % (
            name, 'up' if up else 'down', pid or '-', port or '-',
            log_path(name), extra))
    return 0 if ok else 1


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
        print('export %s=%s' % (k, shlex.quote(v)))
    print('export PATH=%s:"$PATH"' % shlex.quote(VBIN))
    return 0


# ---------------------------------------------------------------- venv side
def cmd_seed(args=None):
    """The default layout (idempotent); with --instances M also bulk-001..
    bulk-M (see cloudctl/bulk.py)."""
    argv = ['seed']
    if args is not None and args.instances is not None:
        host = args.host or BULK_HOST
        if args.instances and host not in COMPUTES:
            raise Fail('seed --instances: no %s to hold them (the seeded '
                       'cmp1..cmp3 stay as they are): DEMOCLOUD_COMPUTES=4 '
                       'or more, or --host' % host)
        argv += ['--instances', str(args.instances), '--host', host]
    venv_run(argv, 'seed')
    open(SEEDED, 'w').close()
    return 0


def cmd_smoke(args=None):
    venv_run(['smoke'], 'smoke test')
    return 0


def cmd_probe_flavors(args=None):
    venv_run(['probe-flavors'], 'probe-flavors')
    return 0
