"""Crash and restart one part of a running cloud: a compute (like a dead
host) or a control-plane service (nova-api, conductor, scheduler)."""
import socket
import time

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
