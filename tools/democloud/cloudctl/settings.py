"""Where the demo cloud lives, its ports, services and compute sizes."""
import os

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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

PG_PORT = 5433
RABBIT_PORT, RABBIT_DIST_PORT, EPMD_PORT = 5672, 25672, 4369
KEYSTONE_URL = 'http://127.0.0.1:5000/v3'

LOG = os.path.join(STATE, 'log')
RUN = os.path.join(STATE, 'run')
ETC = os.path.join(STATE, 'etc')
STAMPS = os.path.join(STATE, 'stamps')


class Fail(Exception):
    """One-line error for the user."""


def say(msg):
    print('democloud: %s' % msg, flush=True)


def log_path(name):
    return os.path.join(LOG, '%s.log' % name)


# ---------------------------------------------------------------- computes
_TPM = ('COMPUTE_SECURITY_TPM_2_0,COMPUTE_SECURITY_TPM_CRB,'
        'COMPUTE_SECURITY_TPM_TIS,COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER,'
        'COMPUTE_SECURITY_TPM_SECRET_SECURITY_HOST')
# The seed layout, the pre-flight demos and the tests rely on these three.
SEEDED_COMPUTES = {  # name: (vcpus, memory_mb, disk_gb, vgpus, extra traits)
    'cmp1': (8, 16384, 200, 0, ''),
    'cmp2': (12, 24576, 300, 0, _TPM),
    'cmp3': (8, 12288, 150, 4, _TPM),
}
# cmp4 and up: a plain host with room for 40+ m1.tiny (1 vCPU, 512 MiB,
# 1 GB each) under Nova's default allocation ratios (CPU 4.0, RAM and disk
# 1.0, 512 MiB reserved), so `seed --instances` can fill one to 40.
EXTRA_COMPUTE = (16, 32768, 400, 0, '')
MAX_COMPUTES = 50
# The count `start` used last: later commands (status, stop-compute cmp7,
# seed) see the same hosts without DEMOCLOUD_COMPUTES set again.
COUNT_FILE = os.path.join(STATE, 'computes')


def remembered_count():
    try:
        with open(COUNT_FILE) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def compute_count(env=os.environ):
    """DEMOCLOUD_COMPUTES, else the count of the last start, else 3."""
    raw = env.get('DEMOCLOUD_COMPUTES')
    if not raw:
        return remembered_count() or len(SEEDED_COMPUTES)
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not len(SEEDED_COMPUTES) <= n <= MAX_COMPUTES:
        raise Fail('DEMOCLOUD_COMPUTES=%s: give a number from %d (the seeded '
                   'cmp1..cmp3) to %d' % (raw, len(SEEDED_COMPUTES),
                                          MAX_COMPUTES))
    return n


def computes(n):
    """{name: size} of cmp1..cmpN, in start order."""
    out = dict(SEEDED_COMPUTES)
    for i in range(len(out) + 1, n + 1):
        out['cmp%d' % i] = EXTRA_COMPUTE
    return out


try:
    COMPUTES = computes(compute_count())
except Fail:  # reported by the CLI, which calls compute_count() again
    COMPUTES = dict(SEEDED_COMPUTES)

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
WSGI = {'keystone': ('keystone.wsgi.api', 1),  # 1: its cache is in-process
        'placement': ('placement.wsgi.api', 1),
        'glance': ('glance.wsgi.api', 1),
        # One worker by default (memory; the suites need no more).  A
        # production nova-api runs several: the drain benchmark measures
        # parallel submits with DEMOCLOUD_NOVA_API_WORKERS=2.
        'nova-api': ('nova.wsgi.osapi_compute', int(os.environ.get(
            'DEMOCLOUD_NOVA_API_WORKERS', '1')))}
# Threads per worker.  Keystone keeps its data in SQLite and answers one
# request at a time: two logins at once (nova-conductor's and
# nova-scheduler's as they start) each read and then write in one
# transaction, and SQLite refuses the second upgrade to a write lock at
# once, without waiting ("database is locked", HTTP 500) - a lock wait
# cannot help there.  nova-conductor or nova-scheduler then died starting
# (seen on CI and on a helper's start).  Its requests are short, and
# keystonemiddleware caches the tokens it validated.
THREADS = {'keystone': 1}
DEFAULT_THREADS = 8
# Services `stop-service` / `start-service` take: the control plane a
# fault test crashes mid-operation (computes have their own commands).
CONTROL = ('nova-api', 'nova-conductor', 'nova-scheduler')


def compute_service(host):
    return 'nova-compute-%s' % host


def compute_host(name):
    """cmpN of a service name nova-compute-cmpN, else None."""
    prefix = 'nova-compute-'
    return name[len(prefix):] if name.startswith(prefix) else None
