"""Is it up: ports, HTTP answers, and what Nova's and Placement's databases
say about the computes."""
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request

from cloudctl.procs import read_pid
from cloudctl.settings import (HTTP_HEALTH, PG_PORT, PORTS, Fail,
                               compute_host)


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


def glob_dirs(path):
    try:
        return [os.path.join(path, d) for d in os.listdir(path)]
    except OSError:
        return []


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
    host = compute_host(name)
    if host and reports is not None:
        rep = reports.get(host)
        return rep is not None and rep[0] < 20
    return True
