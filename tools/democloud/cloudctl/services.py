"""Starting one service (or waiting for it), each only if not running."""
import os
import shutil
import subprocess
import sys
import time

from cloudctl.config import NOVA_CONF, compute_conf, os_env, rabbit_env
from cloudctl.health import (compute_node_hosts, compute_reports, pg_bin,
                             port_open)
from cloudctl.install import venv_python
from cloudctl.procs import read_pid, spawn
from cloudctl.settings import (EPMD_PORT, HERE, PG_PORT, PORTS,
                               RABBIT_DIST_PORT, STATE, THREADS, VBIN, WSGI,
                               DEFAULT_THREADS, Fail,
                               compute_host, compute_service, log_path)


def _check_port_free(name, port=None):
    port = port or PORTS.get(name)
    if port and port_open(port):
        raise Fail('%s: port 127.0.0.1:%d is taken by a process democloud '
                   'did not start (log: %s)' % (name, port, log_path(name)))


def start_postgres():
    if read_pid('postgres'):
        return
    _check_port_free('postgres')
    data = os.path.join(STATE, 'postgres')
    user = 'postgres' if os.geteuid() == 0 else None
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
        _check_port_free('epmd')
        spawn('epmd', [shutil.which('epmd') or '/usr/bin/epmd', '-address',
                       '127.0.0.1', '-port', str(EPMD_PORT)])
    if read_pid('rabbitmq'):
        return
    _check_port_free('rabbitmq')
    _check_port_free('rabbitmq', RABBIT_DIST_PORT)
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
                 '--threads', str(THREADS.get(name, DEFAULT_THREADS)),
                 '--timeout', '300',
                 # Clients keep connections open between calls: a server
                 # closing idle ones races with their next request.
                 '--keep-alive', '600',
                 '--graceful-timeout', '3', '--name', 'democloud-' + name,
                 '--access-logfile', '-', 'wsgi_loader:application'],
          env=env)


def start_nova_service(name):
    if read_pid(name):
        return
    conf = ['--config-file', NOVA_CONF]
    host = compute_host(name)
    if host:
        os.makedirs(os.path.join(STATE, 'nova', host), exist_ok=True)
        argv = [venv_python(), os.path.join(HERE, 'compute_launcher.py')] + \
            conf + ['--config-file', compute_conf(host)]
    else:
        argv = [os.path.join(VBIN, name)] + conf
    spawn(name, argv, env=os_env())


def wait_for(name, check, timeout, what='come up'):
    deadline = time.time() + timeout
    while True:
        if read_pid(name) is None:
            # The log's end goes into the message: on CI the state folder
            # is gone with the machine, and the cause is all that helps.
            raise Fail('%s died while starting (log: %s)\n%s'
                       % (name, log_path(name), _log_tail(name)))
        if check():
            return
        if time.time() > deadline:
            raise Fail('%s did not %s within %d s (log: %s)'
                       % (name, what, timeout, log_path(name)))
        time.sleep(0.3)


def _log_tail(name, lines=25):
    try:
        with open(log_path(name), errors='replace') as f:
            tail = f.read()[-20000:].splitlines()[-lines:]
    except OSError as e:
        return '  (no log: %s)' % e
    return '\n'.join('  | ' + line for line in tail)


def wait_compute(host, timeout, since=None):
    """Until the compute reports (after ``since``, if given) and has its
    compute node in Nova and its inventory in Placement."""
    def ok():
        rep = compute_reports().get(host)
        if rep is None or rep[0] > 15:
            return False
        if since is not None and rep[0] > time.time() - since:
            return False
        return host in compute_node_hosts()
    wait_for(compute_service(host), ok, timeout, 'report to nova-conductor')


def discover_hosts():
    r = subprocess.run([os.path.join(VBIN, 'nova-manage'), '--config-file',
                        NOVA_CONF, 'cell_v2', 'discover_hosts'],
                       env=os_env(), capture_output=True, text=True,
                       timeout=120)
    if r.returncode:
        raise Fail('nova-manage cell_v2 discover_hosts failed: %s'
                   % (r.stdout + r.stderr).strip()[-300:])


def venv_run(args, what, timeout=600):
    """cloudops.py (the client side, in the OpenStack venv) with ``args``."""
    r = subprocess.run([venv_python(), os.path.join(HERE, 'cloudops.py')]
                       + args, env=os_env(), timeout=timeout)
    if r.returncode:
        raise Fail('%s failed (exit %d)' % (what, r.returncode))
