"""Shared by the integration and browser tests: bring the demo cloud up
(started if not running; idempotent) and talk to it directly for set-up and
for checking what the plugin did."""
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(REPO, "tools", "democloud", "democloud.py")
KEYSTONE_URL = "http://127.0.0.1:5000/v3"
ADMIN_PASSWORD = os.environ.get("DEMOCLOUD_ADMIN_PASSWORD", "admin")
DEMO_PASSWORD = os.environ.get("DEMOCLOUD_DEMO_PASSWORD", "demo")
COMPUTES = ("cmp1", "cmp2", "cmp3")


def run(*args, check=True):
    """Run a democloud.py command with the system Python (stdlib only)."""
    python = os.environ.get("DEMOCLOUD_PYTHON", "python3")
    return subprocess.run([python, SCRIPT] + list(args), check=check,
                          cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def ensure_running():
    result = run("start", check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        raise RuntimeError("the demo cloud did not start:\n" +
                           result.stdout[-2000:])


def session(username="admin", password=None, project="admin"):
    from keystoneauth1.identity import v3
    from keystoneauth1 import session as ks_session
    if password is None:
        password = ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD
    auth = v3.Password(auth_url=KEYSTONE_URL, username=username,
                       password=password, project_name=project,
                       user_domain_id="default", project_domain_id="default")
    return ks_session.Session(auth=auth)


def nova(sess, version="2.96"):
    from novaclient import client
    return client.Client(version, session=sess)


def wait_for(predicate, timeout=120, interval=1.0, what="condition"):
    """Poll ``predicate`` until it returns a truthy value (bounded)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError("timed out after %ss waiting for %s (last: %r)"
                         % (timeout, what, last))
