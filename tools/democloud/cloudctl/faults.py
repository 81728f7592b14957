"""Crash and restart one part of a running cloud: a compute (like a dead
host) or a control-plane service (nova-api, conductor, scheduler); and
RabbitMQ's queues, to see which service holds a request and to drop
requests nobody waits for any more."""
import os
import shutil
import socket
import subprocess
import time

from cloudctl.config import rabbit_env
from cloudctl.health import compute_reports, http_ok
from cloudctl.procs import read_pid, stop_services
from cloudctl.services import (start_nova_service, start_wsgi, wait_compute,
                               wait_for)
from cloudctl.settings import (COMPUTES, CONTROL, HTTP_HEALTH, Fail,
                               compute_service, say)


def one_of(name, allowed, what, hint=''):
    """``name`` if it is one of ``allowed``, else a Fail naming them."""
    if name not in allowed:
        raise Fail('unknown %s %r (one of %s%s)'
                   % (what, name, ', '.join(allowed), hint))
    return name


def _compute_arg(args):
    return one_of(args.host, COMPUTES, 'compute')


def _service_arg(args):
    return one_of(args.service, CONTROL, 'service',
                  '; computes: stop-compute')


def cmd_stop_compute(args):
    host = _compute_arg(args)
    started, _ = stop_services([compute_service(host)], graceful=False)
    say('%s %s (killed like a dead host; shows down after ~20 s)' % (
        host, 'killed' if started else 'was not running'))
    return 0


def cmd_start_compute(args):
    host = _compute_arg(args)
    name = compute_service(host)
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
    stop_services([compute_service(host)], timeout=5)
    return cmd_start_compute(args)


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
                if read_pid(compute_service(c)):
                    wait_compute(c, 120, since=t)
    say('%s up (%.0f s)' % (name, time.time() - t))
    return 0


def cmd_restart_service(args):
    _service_arg(args)
    cmd_stop_service(args)
    return cmd_start_service(args)


# The topic queues of the control plane's RPC servers.
QUEUES = ('conductor', 'scheduler')


def _rabbitmqctl(*args):
    ctl = '/usr/lib/rabbitmq/bin/rabbitmqctl'
    if not os.path.exists(ctl):  # not Debian's layout
        ctl = shutil.which('rabbitmqctl') or ctl
    if not read_pid('rabbitmq'):
        raise Fail('the cloud is not running: `democloud start` first')
    result = subprocess.run([ctl, '-q'] + list(args), env=rabbit_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=120)
    if result.returncode != 0:
        raise Fail('rabbitmqctl %s: %s' % (' '.join(args), result.stdout))
    return result.stdout


def cmd_queues(args):
    """One line per control-plane topic queue: name, messages waiting for
    a consumer, consumers.  A request a service took is no longer in its
    queue (oslo.messaging acknowledges it before running it): with the
    scheduler stopped, N select_destinations calls waiting in
    ``scheduler`` mean nova-conductor holds N requests."""
    out = _rabbitmqctl('list_queues', '--no-table-headers', 'name',
                       'messages', 'consumers')
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in QUEUES:
            found[parts[0]] = (parts[1], parts[2])
    for name in QUEUES:
        messages, consumers = found.get(name, ('0', '0'))
        print('%s %s %s' % (name, messages, consumers))
    return 0


def cmd_purge_queue(args):
    """Drop the requests waiting in a control-plane queue: RPC calls whose
    caller died (their answer would reach nobody, and the work would run
    for nothing, e.g. a scheduler claiming room for a request the killed
    conductor lost)."""
    name = one_of(args.queue, QUEUES, 'queue')
    _rabbitmqctl('purge_queue', name)
    say('%s purged' % name)
    return 0
