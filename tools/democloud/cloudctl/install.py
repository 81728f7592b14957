"""What the cloud needs on the machine: two Debian packages (apt) and the
OpenStack venv (pip, pinned by constraints.txt); skipped when in place."""
import hashlib
import os
import shutil
import subprocess
import sys
import time

from cloudctl.health import glob_dirs
from cloudctl.settings import HERE, VBIN, VENV, Fail, say

REQUIREMENTS = ['keystone==30.0.0', 'openstack-placement==16.0.0',
                'nova==34.0.0', 'glance==33.0.0', 'python-openstackclient',
                'python-novaclient', 'openstacksdk', 'gunicorn',
                'psycopg2-binary']
CONSTRAINTS = os.path.join(HERE, 'constraints.txt')
STAMP = os.path.join(VENV, '.democloud-stamp')


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


def _stamp():
    try:
        with open(STAMP) as f:
            return f.read().strip()
    except OSError:
        return None


def _base_python():
    if sys.version_info >= (3, 11):
        return sys.executable
    for cand in ('python3.13', 'python3.12', 'python3.11'):
        if shutil.which(cand):
            return shutil.which(cand)
    raise Fail('Python >= 3.11 is needed for the OpenStack venv')


def installed():
    return _stamp() == _requirements_hash() and not _apt_missing()


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
    want = _requirements_hash()
    if _stamp() == want:
        say('already installed (%s)' % VENV)
        return 0
    if not os.path.exists(venv_python()):
        say('creating venv %s' % VENV)
        _run_quiet([_base_python(), '-m', 'venv', VENV], 'venv')
    say('pip install into %s (a minute or two)' % VENV)
    _run_quiet([venv_python(), '-m', 'pip', 'install', '-q',
                '--disable-pip-version-check', '-c', CONSTRAINTS]
               + REQUIREMENTS, 'pip install')
    with open(STAMP, 'w') as f:
        f.write(want + '\n')
    say('installed in %.0f s' % (time.time() - t0))
    return 0
