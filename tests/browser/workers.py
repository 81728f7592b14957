"""Horizon as several workers for the browser tests, as production runs it:
N processes that share nothing but memcached (sessions and Django's cache),
behind a balancer.

Each worker is ``django-admin runserver`` (it serves Horizon's static files
with --insecure, which the pages' JavaScript needs; a WSGI server such as
gunicorn would need a static file server besides).  The balancer is a small
round-robin proxy in the test process: consecutive requests of one browser
go to different workers (a kernel-balanced server would let one worker take
most of them), and it records which worker answered each request, so a test
can show that a flow crossed workers.  memcached is Debian's, started here
on loopback and stopped by its PID.
"""
import http.client
import http.server
import itertools
import os
import shutil
import socket
import subprocess
import threading
import time

# Hop-by-hop headers (RFC 9110 7.6.1): not forwarded either way.
_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
        "te", "trailer", "upgrade", "proxy-authenticate",
        "proxy-authorization"}


def _listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_listening(port, proc, what, log=None, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _listening(port):
            return
        if proc.poll() is not None:
            tail = ""
            if log and os.path.exists(log):
                with open(log) as f:
                    tail = f.read()[-2000:]
            raise RuntimeError("%s exited (%s):\n%s" % (what, proc.returncode,
                                                        tail))
        time.sleep(0.3)
    raise RuntimeError("%s not listening on %d after %d s" % (what, port,
                                                              timeout))


def _stop(proc):
    """Stop one process we started, by its PID."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def warm_up(ports, username, password, pages=("/admin/hosts/",)):
    """Log in once and load ``pages`` from every worker, so that Horizon's
    first-request loading in each process (dashboards, panels, templates,
    static files: tens of seconds on a busy machine) is not paid inside a
    test's page-load timeout.  The session is memcached's: one login
    serves every worker."""
    import re

    import requests

    client = requests.Session()
    base = "http://127.0.0.1:%d" % ports[0]
    page = client.get(base + "/auth/login/", timeout=600).text
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                           page))
    form.update(username=username, password=password)
    client.post(base + "/auth/login/", data=form, timeout=600,
                headers={"Referer": base + "/auth/login/"})
    for port in ports:
        for path in pages:
            client.get("http://127.0.0.1:%d%s" % (port, path), timeout=600)


class Memcached:
    def __init__(self, port):
        self.port = port
        self.proc = None

    @property
    def location(self):
        return "127.0.0.1:%d" % self.port

    def start(self):
        binary = shutil.which("memcached") or "/usr/bin/memcached"
        if _listening(self.port):
            raise RuntimeError("port %d is taken: set HORIZON_TEST_MEMCACHED"
                               "_PORT" % self.port)
        # -U 0: no UDP; -u: memcached refuses to run as root without it.
        self.proc = subprocess.Popen(
            [binary, "-l", "127.0.0.1", "-p", str(self.port), "-U", "0",
             "-m", "64", "-u", "root" if os.geteuid() == 0 else
             os.environ.get("USER", "nobody")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_listening(self.port, self.proc, "memcached", timeout=20)

    def stop(self):
        _stop(self.proc)


class Workers:
    """``count`` Horizon processes on ``base_port`` + 1 ... + count."""

    def __init__(self, repo, count, base_port, memcached, state):
        self.repo = repo
        self.count = count
        self.ports = [base_port + 1 + n for n in range(count)]
        self.memcached = memcached
        self.state = state
        self.procs = []

    def start(self):
        here = os.path.join(self.repo, "tools", "horizon")
        venv = os.environ.get("DASH_VENV",
                              os.path.join(self.repo, ".venvs", "dash"))
        env = dict(os.environ,
                   HORIZON_STATE=self.state,
                   HORIZON_MEMCACHED=self.memcached.location,
                   DJANGO_SETTINGS_MODULE="openstack_dashboard.settings",
                   PYTHONPATH=os.pathsep.join(
                       [here, self.repo] +
                       ([os.environ["PYTHONPATH"]]
                        if os.environ.get("PYTHONPATH") else [])))
        for port in self.ports:
            if _listening(port):
                raise RuntimeError("port %d is taken (HORIZON_TEST_PORT)"
                                   % port)
        for n, port in enumerate(self.ports):
            log = os.path.join(self.state, "worker-%d.log" % n)
            with open(log, "w") as out:
                self.procs.append(subprocess.Popen(
                    [os.path.join(venv, "bin", "django-admin"), "runserver",
                     "--insecure", "--noreload", "127.0.0.1:%d" % port],
                    env=env, stdout=out, stderr=subprocess.STDOUT))
        for n, (port, proc) in enumerate(zip(self.ports, self.procs)):
            _wait_listening(port, proc, "Horizon worker %d" % n,
                            os.path.join(self.state, "worker-%d.log" % n))

    def stop(self):
        for proc in self.procs:
            _stop(proc)


class RoundRobinProxy:
    """Sends each request to the next worker in turn; ``served`` lists
    (worker index, method, path) of every request answered."""

    def __init__(self, port, backend_ports):
        self.port = port
        self.backends = list(backend_ports)
        self.served = []
        self._next = itertools.cycle(range(len(self.backends)))
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def _pick(self):
        with self._lock:
            return next(self._next)

    def _record(self, worker, method, path):
        with self._lock:
            self.served.append((worker, method, path))

    def start(self):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # One request per connection: each one is balanced anew.
            protocol_version = "HTTP/1.0"

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in _HOP}
                worker = proxy._pick()
                conn = http.client.HTTPConnection(
                    "127.0.0.1", proxy.backends[worker], timeout=300)
                try:
                    conn.request(self.command, self.path, body=body,
                                 headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                proxy._record(worker, self.command, self.path)
                self.send_response_only(resp.status, resp.reason)
                for key, value in resp.getheaders():
                    if key.lower() not in _HOP | {"content-length"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Horizon-Worker", str(worker))
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(data)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the browser gave up on this request

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward
            do_PATCH = do_OPTIONS = _forward

            def log_message(self, *args):
                pass

        if _listening(self.port):
            raise RuntimeError("port %d is taken: set HORIZON_TEST_PORT"
                               % self.port)
        self._server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)
        self._thread.start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def pages(self, since=0):
        """(worker, method, path) of the pages and form posts served since
        index ``since`` of ``served`` (static files left out)."""
        return [s for s in self.served[since:]
                if not s[2].startswith(("/static/", "/favicon", "/i18n/",
                                        "/media/"))]
