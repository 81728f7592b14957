"""A minimal Neutron API for the democloud (stdlib only, threaded).

Nova needs a Neutron endpoint even for GET /servers/{id}; every list call is
answered with an empty list, except canned ports (to demo SR-IOV findings).

Canned ports: <state>/neutron-ports.json, re-read when it changes:

    {"ports": {"db-1": [{"binding:vnic_type": "direct"}],
               "<server uuid>": [{"binding:vnic_type": "macvtap"}]}}

Keys are server ids or server names; names are resolved through
<state>/server-ids.json ({"name": "uuid"}), written by the seed step.
Any other port field given in the file overrides the generated one.

Usage: python3 neutron_stub.py --state DIR [--port 9696]
"""
import argparse
import json
import os
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

NET_ID = '5b6b1e1a-0000-4000-8000-00000000de00'
NS = uuid.UUID('6f1c8a2e-5d3b-4c1e-9a77-2b1d0c0ffee0')


class Canned(object):
    def __init__(self, state):
        self.ports_file = os.path.join(state, 'neutron-ports.json')
        self.names_file = os.path.join(state, 'server-ids.json')
        self._stamp = None
        self._ports = []
        self._lock = threading.Lock()

    @staticmethod
    def _mtime(path):
        try:
            return os.stat(path).st_mtime_ns
        except OSError:
            return None

    @staticmethod
    def _load(path):
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def ports(self):
        stamp = (self._mtime(self.ports_file), self._mtime(self.names_file))
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                self._ports = self._build()
            return list(self._ports)

    def _build(self):
        spec = self._load(self.ports_file).get('ports', {}) or {}
        names = self._load(self.names_file) or {}
        out = []
        for key, plist in spec.items():
            device_id = names.get(key, key)
            for i, extra in enumerate(plist or [{}]):
                pid = str(uuid.uuid5(NS, '%s/%d' % (device_id, i)))
                mac = 'fa:16:3e:%02x:%02x:%02x' % tuple(
                    uuid.UUID(pid).bytes[:3])
                port = {
                    'id': pid, 'name': '%s-port%d' % (key, i),
                    'network_id': NET_ID, 'tenant_id': '', 'project_id': '',
                    'device_id': device_id, 'device_owner': 'compute:nova',
                    'mac_address': mac, 'fixed_ips': [], 'status': 'ACTIVE',
                    'admin_state_up': True, 'security_groups': [],
                    'binding:vnic_type': 'normal', 'binding:host_id': '',
                    'binding:profile': {}, 'binding:vif_type': 'other',
                    'binding:vif_details': {}, 'resource_request': None,
                    'description': 'democloud canned port',
                }
                port.update(extra or {})
                out.append(port)
        return out


def _network():
    return {'id': NET_ID, 'name': 'democloud-fake-net', 'tenant_id': '',
            'project_id': '', 'subnets': [], 'shared': True,
            'status': 'ACTIVE', 'admin_state_up': True, 'mtu': 1500,
            'router:external': False, 'provider:physical_network': None,
            'provider:network_type': 'flat'}


def make_handler(canned):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        server_version = 'democloud-neutron-stub'

        def log_message(self, fmt, *args):  # to stdout (the log file)
            print('%s %s' % (self.log_date_time_string(), fmt % args),
                  flush=True)

        def _send(self, code, body=None):
            data = b'' if body is None else json.dumps(body).encode()
            self.send_response(code)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)

        def _body(self):
            n = int(self.headers.get('Content-Length') or 0)
            if not n:
                return {}
            try:
                return json.loads(self.rfile.read(n) or b'{}')
            except ValueError:
                return {}

        @staticmethod
        def _fields(items, query):
            fields = query.get('fields')
            if not fields:
                return items
            return [{k: v for k, v in it.items() if k in fields}
                    for it in items]

        def _parts(self):
            url = urlparse(self.path)
            parts = [p for p in url.path.split('/') if p]
            if parts and parts[0] == 'v2.0':
                parts = parts[1:]
            parts = [p[:-5] if p.endswith('.json') else p for p in parts]
            return parts, parse_qs(url.query)

        def do_GET(self):
            parts, q = self._parts()
            if not parts:
                return self._send(200, {'versions': [{
                    'id': 'v2.0', 'status': 'CURRENT', 'links': [{
                        'rel': 'self',
                        'href': 'http://127.0.0.1:9696/v2.0/'}]}]})
            coll = parts[0]
            if coll == 'ports':
                ports = canned.ports()
                if len(parts) > 1:
                    for p in ports:
                        if p['id'] == parts[1]:
                            return self._send(200, {'port': p})
                    return self._send(404, {'NeutronError': {
                        'type': 'PortNotFound', 'message': 'not found',
                        'detail': ''}})
                for key in ('device_id', 'id', 'network_id'):
                    if key in q:
                        ports = [p for p in ports if p[key] in q[key]]
                if 'tenant_id' in q or 'project_id' in q:
                    tid = (q.get('tenant_id') or q.get('project_id'))[0]
                    ports = [dict(p, tenant_id=p['tenant_id'] or tid,
                                  project_id=p['project_id'] or tid)
                             for p in ports]
                return self._send(200, {'ports': self._fields(ports, q)})
            if coll == 'networks':
                nets = []
                if NET_ID in q.get('id', []) or (
                        len(parts) > 1 and parts[1] == NET_ID):
                    nets = [_network()]
                if len(parts) > 1:
                    if nets:
                        return self._send(200, {'network': nets[0]})
                    return self._send(404, {'NeutronError': {
                        'type': 'NetworkNotFound', 'message': 'not found',
                        'detail': ''}})
                return self._send(200, {'networks': self._fields(nets, q)})
            if coll == 'quotas' and len(parts) > 1:
                return self._send(200, {'quota': {
                    'port': -1, 'network': -1, 'subnet': -1,
                    'floatingip': -1, 'security_group': -1,
                    'security_group_rule': -1, 'router': -1}})
            if len(parts) > 1:
                return self._send(404, {'NeutronError': {
                    'type': 'NotFound', 'message': 'not found',
                    'detail': ''}})
            return self._send(200, {coll.replace('-', '_'): []})

        def do_PUT(self):
            parts, _ = self._parts()
            body = self._body()
            if parts and parts[0] == 'ports' and len(parts) > 1:
                for p in canned.ports():
                    if p['id'] == parts[1]:
                        p.update(body.get('port', {}))
                        return self._send(200, {'port': p})
            key = parts[0][:-1] if parts else 'resource'
            return self._send(200, {key: body.get(key, {})})

        def do_POST(self):
            parts, _ = self._parts()
            body = self._body()
            if len(parts) >= 3 and parts[2] == 'bindings':
                b = body.get('binding', {})
                return self._send(201, {'binding': dict(
                    b, vif_type='other', vif_details={},
                    status='ACTIVE')})
            key = list(body)[0] if body else 'resource'
            return self._send(201, {key: body.get(key, {})})

        def do_DELETE(self):
            return self._send(204)

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--state', required=True)
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=9696)
    args = ap.parse_args()
    httpd = ThreadingHTTPServer((args.host, args.port),
                                make_handler(Canned(args.state)))
    httpd.daemon_threads = True
    print('neutron stub on http://%s:%d' % (args.host, args.port),
          flush=True)
    httpd.serve_forever()


if __name__ == '__main__':
    main()
