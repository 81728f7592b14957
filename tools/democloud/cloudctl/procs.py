"""Our processes: started in their own session with a PID file, stopped by
that PID (and its process group) only; the lock of mutating commands; the
background command chains (db syncs)."""
import hashlib
import json
import os
import shlex
import signal
import subprocess
import tempfile
import time

from cloudctl.settings import RUN, LOG, STAMPS, STATE, Fail, log_path, say


def _proc_stat(pid):
    """Fields of /proc/<pid>/stat after the command name, or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()
    except (OSError, IndexError):
        return None


def _proc_start_time(pid):
    fields = _proc_stat(pid)
    return fields[19] if fields and len(fields) > 19 else None


def _pidfile(name):
    return os.path.join(RUN, '%s.pid' % name)


def _record(name):
    """The PID file's {pid, start, argv}, or None."""
    try:
        with open(_pidfile(name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_pid(name):
    """PID of our process `name` if it is alive (and really ours: the start
    time recorded with it matches, so a reused PID is not taken for it)."""
    rec = _record(name) or {}
    pid = rec.get('pid')
    if not pid or _proc_start_time(pid) != rec.get('start'):
        return None
    fields = _proc_stat(pid)
    if not fields or fields[0] == 'Z':
        return None
    return pid


def recorded_names():
    """Names of every PID file in the state (also services of an earlier
    start with more computes)."""
    try:
        return sorted(f[:-4] for f in os.listdir(RUN) if f.endswith('.pid'))
    except OSError:
        return []


def _group_alive(pgid):
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        fields = _proc_stat(int(d))
        if fields and int(fields[2]) == pgid and int(fields[3]) == pgid \
                and fields[0] != 'Z':
            return True
    return False


def spawn(name, argv, env=None, user=None, cwd=None):
    os.makedirs(LOG, exist_ok=True)
    os.makedirs(RUN, exist_ok=True)
    logf = open(log_path(name), 'ab')
    logf.write(('\n==== %s democloud start %s\n' % (
        time.strftime('%F %T'), ' '.join(argv))).encode())
    logf.flush()
    kw = {}
    if user:
        kw['user'] = user
        kw['group'] = user
        kw['extra_groups'] = []
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf,
                            stderr=subprocess.STDOUT, env=env, cwd=cwd or STATE,
                            start_new_session=True, **kw)
    logf.close()
    rec = {'pid': proc.pid, 'start': _proc_start_time(proc.pid),
           'argv': argv}
    with open(_pidfile(name), 'w') as f:
        json.dump(rec, f)
    return proc


def kill(name, graceful=True, sig=signal.SIGTERM):
    """Signal our process `name`; its PID if it (or its group) still ran."""
    rec = _record(name)
    if rec is None:
        return False
    pid = rec.get('pid')
    ours = read_pid(name) is not None
    group = pid and _group_alive(pid)
    if not ours and not group:
        unlink(_pidfile(name))
        return False
    if graceful and ours:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    return pid


def _killpg(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def wait_gone(names_pids, timeout):
    """Wait for the processes to exit, then SIGKILL what is left of them
    and of their groups (gunicorn workers, erl children).  Names that had
    to be killed."""
    deadline = time.time() + timeout
    pending = dict(names_pids)
    while pending and time.time() < deadline:
        for name, pid in list(pending.items()):
            if read_pid(name) is None and not _group_alive(pid):
                pending.pop(name)
        if pending:
            time.sleep(0.2)
    for pid in pending.values():
        _killpg(pid)
    if pending:
        time.sleep(0.3)
    for name, pid in names_pids.items():
        if _group_alive(pid):
            _killpg(pid)
        unlink(_pidfile(name))
    return list(pending)


def stop_services(names, graceful=True, timeout=8.0):
    started = {}
    for name in names:
        sig = signal.SIGINT if name == 'postgres' else signal.SIGTERM
        pid = kill(name, graceful=graceful, sig=sig)
        if pid:
            started[name] = pid
    if not graceful:
        timeout = 0
    return started, wait_gone(started, timeout)


def unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def lock():
    """Serialise mutating commands (tests may call `start` concurrently).
    The returned descriptor holds the lock until the process exits."""
    import fcntl
    path = os.path.join(tempfile.gettempdir(), 'democloud-%s.lock' %
                        hashlib.sha1(STATE.encode()).hexdigest()[:12])
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        say('waiting for another democloud command to finish (%s)' % path)
        deadline = time.time() + 900
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.time() > deadline:
                    raise Fail('another democloud command holds %s' % path)
                time.sleep(0.5)
    return fd


class Job(object):
    """A one-shot command chain in the background (db syncs); done once,
    remembered by a stamp."""
    running = []

    @classmethod
    def kill_all(cls):
        for job in cls.running:
            if job.proc is not None and job.proc.poll() is None:
                _killpg(job.proc.pid)

    def __init__(self, name, cmds, env):
        self.name = name
        self.stamp = os.path.join(STAMPS, name)
        self.log = log_path(name)
        self.proc = None
        if os.path.exists(self.stamp):
            return
        script = ' && '.join(' '.join(shlex.quote(a) for a in c)
                             for c in cmds)
        with open(self.log, 'ab') as lf:
            self.proc = subprocess.Popen(['/bin/sh', '-c', script], env=env,
                                         stdout=lf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=STATE,
                                         start_new_session=True)
        Job.running.append(self)

    def wait(self, timeout=300):
        if self.proc is None:
            return
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Fail('%s timed out (log: %s)' % (self.name, self.log))
        if rc:
            raise Fail('%s failed with exit %d (log: %s)'
                       % (self.name, rc, self.log))
        open(self.stamp, 'w').close()
        self.proc = None
