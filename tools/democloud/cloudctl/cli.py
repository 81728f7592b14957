"""The command line: subcommands, their arguments, the lock."""
import argparse
import sys

from cloudctl import faults, lifecycle
from cloudctl.install import cmd_install
from cloudctl.procs import Job, lock
from cloudctl.settings import COMPUTES, CONTROL, Fail, compute_count

LOCKED = ('install', 'start', 'stop', 'reset', 'seed', 'stop-compute',
          'start-compute', 'restart-compute', 'stop-service', 'start-service',
          'restart-service', 'purge-queue')
MAX_BULK = 500


def _bulk_count(text):
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= MAX_BULK:
        raise argparse.ArgumentTypeError('give a number from 0 to %d'
                                         % MAX_BULK)
    return n


def parser(doc=None):
    ap = argparse.ArgumentParser(prog='democloud', description=doc)
    sub = ap.add_subparsers(dest='cmd', required=True)
    for name, fn in [('install', cmd_install), ('start', lifecycle.cmd_start),
                     ('stop', lifecycle.cmd_stop),
                     ('status', lifecycle.cmd_status),
                     ('reset', lifecycle.cmd_reset),
                     ('env', lifecycle.cmd_env)]:
        sub.add_parser(name).set_defaults(fn=fn)
    p = sub.add_parser(
        'seed', help='the default layout; with --instances M also M m1.tiny '
        'servers bulk-001..bulk-M (admin project): the first 40 on one host, '
        'the rest spread over the other plain computes (cmp4 and up)')
    p.add_argument('--instances', type=_bulk_count, metavar='M',
                   help='how many bulk-NNN servers there should be (0 '
                   'deletes them)')
    p.add_argument('--host', choices=list(COMPUTES), metavar='cmpK',
                   help='the host that gets the first 40 (default: cmp4)')
    p.set_defaults(fn=lifecycle.cmd_seed)
    for name, fn in [('smoke', lifecycle.cmd_smoke),
                     ('probe-flavors', lifecycle.cmd_probe_flavors),
                     ('queues', faults.cmd_queues)]:
        sub.add_parser(name).set_defaults(fn=fn)
    for name, fn, arg, choices in [
            ('stop-compute', faults.cmd_stop_compute, 'host', COMPUTES),
            ('start-compute', faults.cmd_start_compute, 'host', COMPUTES),
            ('restart-compute', faults.cmd_restart_compute, 'host', COMPUTES),
            ('stop-service', faults.cmd_stop_service, 'service', CONTROL),
            ('start-service', faults.cmd_start_service, 'service', CONTROL),
            ('restart-service', faults.cmd_restart_service, 'service',
             CONTROL),
            ('purge-queue', faults.cmd_purge_queue, 'queue',
             faults.QUEUES)]:
        p = sub.add_parser(name)
        p.add_argument(arg, help=', '.join(choices))
        p.set_defaults(fn=fn)
    return ap


def main(argv=None, doc=None):
    args = parser(doc).parse_args(argv)
    try:
        compute_count()  # a bad DEMOCLOUD_COMPUTES fails every command
        if args.cmd in LOCKED:
            lock_fd = lock()  # noqa: F841 (held until exit)
        return args.fn(args)
    except Fail as e:
        Job.kill_all()
        print('democloud: ERROR: %s' % e, file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130
