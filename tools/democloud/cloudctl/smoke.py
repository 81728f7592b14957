"""End-to-end check of the admin operations on the demo cloud (cloud venv
only): moves seeded servers around, kills and restarts cmp3."""
import os
import subprocess
import time

from cloudctl.clients import COMPUTE_COUNT, host, nova
from cloudctl.settings import HERE

SEED_SERVERS = 12  # the default layout of `democloud seed`


def democloud(*args):
    subprocess.run([os.environ.get('DEMOCLOUD_PYTHON', 'python3'),
                    os.path.join(HERE, 'democloud.py')] + list(args),
                   check=True)


class Smoke(object):
    def __init__(self):
        self.n = nova()
        self.results = []

    def server(self, name):
        return [s for s in self.n.servers.list(
            search_opts={'all_tenants': 1, 'name': '^%s$' % name})][0]

    host = staticmethod(host)

    def check(self, label, fn):
        t = time.time()
        try:
            detail = fn()
            self.results.append((label, True, detail))
            print('OK   %-32s %5.1fs %s' % (label, time.time() - t,
                                            detail or ''), flush=True)
        except Exception as e:
            self.results.append((label, False, str(e)))
            print('FAIL %-32s %5.1fs %s: %s' % (label, time.time() - t,
                                                type(e).__name__, e),
                  flush=True)

    def wait(self, fn, what, timeout=90, every=0.5):
        deadline = time.time() + timeout
        while True:
            v = fn()
            if v:
                return v
            if time.time() > deadline:
                raise AssertionError('timeout waiting for ' + what)
            time.sleep(every)

    def migration_status(self, server_id, mtype=None):
        migs = self.n.migrations.list(instance_uuid=server_id,
                                      migration_type=mtype)
        migs = sorted(migs, key=lambda m: m.id)
        return migs[-1] if migs else None

    def idle(self, name):
        s = self.server(name)
        return s if s.status in ('ACTIVE', 'SHUTOFF') and \
            getattr(s, 'OS-EXT-STS:task_state') is None else None

    # -- checks
    def services(self):
        svcs = self.n.services.list(binary='nova-compute')
        up = sorted(s.host for s in svcs if s.state == 'up')
        assert len(up) == COMPUTE_COUNT, up
        return 'nova-compute up on %s' % ', '.join(up)

    def hypervisors(self):
        hv = nova(mv='2.87').hypervisors.list()
        return ', '.join('%s %s/%sMiB vms=%s' % (
            h.hypervisor_hostname, h.vcpus, h.memory_mb, h.running_vms)
            for h in hv)

    def hypervisor_uptime(self):
        hv = self.n.hypervisors.list()[0]
        return self.n.hypervisors.get(hv.id).uptime.strip()[:40]

    def servers(self):
        ss = self.n.servers.list(search_opts={'all_tenants': 1})
        seeded = [x for x in ss if x.metadata.get('democloud') == 'seed']
        assert len(seeded) == SEED_SERVERS, [x.name for x in seeded]
        return '%d servers (%d of the seed layout)' % (len(ss), len(seeded))

    def disable_enable(self):
        svc = [s for s in self.n.services.list(binary='nova-compute')
               if s.host == 'cmp3'][0]
        self.n.services.disable_log_reason(svc.id, 'smoke: maintenance')
        s = [s for s in self.n.services.list(binary='nova-compute')
             if s.host == 'cmp3'][0]
        assert s.status == 'disabled' and \
            s.disabled_reason == 'smoke: maintenance', s.to_dict()
        self.n.services.enable(svc.id)
        s = [s for s in self.n.services.list(binary='nova-compute')
             if s.host == 'cmp3'][0]
        assert s.status == 'enabled', s.to_dict()
        return 'cmp3 disabled with reason, enabled again'

    def _start_live(self, name, dest):
        s = self.server(name)
        src = self.host(s)
        s.live_migrate(host=dest, block_migration='auto')

        def running():
            for m in self.n.server_migrations.list(s):
                if m.status == 'running':
                    return m
        m = self.wait(running, '%s migration running' % name, 60, 0.3)
        return s, src, m

    def live_migrate(self):
        s, src, m = self._start_live('web-1', 'cmp2')
        samples = []
        while True:
            try:
                m = self.n.server_migrations.get(s, m.id)
            except Exception:
                break  # 404 once finished
            if m.status != 'running':
                break
            samples.append(m.memory_remaining_bytes)
            time.sleep(1)
        self.wait(lambda: self.idle('web-1'), 'web-1 idle')
        s = self.server('web-1')
        mig = self.migration_status(s.id, 'live-migration')
        assert self.host(s) == 'cmp2' and mig.status == 'completed', (
            self.host(s), mig.status)
        moving = len(set(samples)) > 2
        assert moving, samples
        return '%s->cmp2 completed; memory_remaining samples %s' % (
            src, samples)

    def abort(self):
        s, src, m = self._start_live('web-2', 'cmp3')
        time.sleep(1.5)
        self.n.server_migrations.live_migration_abort(s, m.id)
        self.wait(lambda: self.idle('web-2'), 'web-2 idle')
        mig = self.wait(lambda: (lambda x: x if x.status == 'cancelled'
                                 else None)(self.migration_status(s.id)),
                        'cancelled', 30)
        s = self.server('web-2')
        assert self.host(s) == src, self.host(s)
        return 'migration %s cancelled, still on %s' % (mig.id, src)

    def force_complete(self):
        s, src, m = self._start_live('db-1', 'cmp2')
        t = time.time()
        self.n.server_migrations.live_migrate_force_complete(s, m.id)
        self.wait(lambda: self.idle('db-1'), 'db-1 idle')
        s = self.server('db-1')
        mig = self.migration_status(s.id)
        assert mig.status == 'completed' and self.host(s) == 'cmp2', (
            mig.status, self.host(s))
        return 'completed %.1f s after force, %s->cmp2' % (
            time.time() - t, src)

    def _cold(self, name, dest, confirm):
        s = self.server(name)
        src = self.host(s)
        s.migrate(host=dest)
        self.wait(lambda: self.server(name).status == 'VERIFY_RESIZE',
                  'VERIFY_RESIZE')
        (s.confirm_resize if confirm else s.revert_resize)()
        self.wait(lambda: self.idle(name), name + ' idle')
        s = self.server(name)
        mig = self.migration_status(s.id, 'migration')
        want = dest if confirm else src
        assert self.host(s) == want, (self.host(s), want)
        return '%s %s->%s, %s, now on %s (%s)' % (
            name, src, dest, 'confirmed' if confirm else 'reverted',
            self.host(s), mig.status)

    def evacuate(self):
        democloud('stop-compute', 'cmp3')
        svc = [x for x in self.n.services.list(binary='nova-compute')
               if x.host == 'cmp3'][0]
        self.n.services.force_down(svc.id, True)
        s = self.server('cache-1')
        src = self.host(s)
        assert src == 'cmp3', src
        self.n.servers.evacuate(s)
        self.wait(lambda: (lambda x: x if x.status in ('SHUTOFF', 'ACTIVE',
                                                       'ERROR') and
                           getattr(x, 'OS-EXT-STS:task_state') is None
                           else None)(self.server('cache-1')),
                  'evacuated', 90)
        s = self.server('cache-1')
        mig = self.migration_status(s.id, 'evacuation')
        assert s.status == 'SHUTOFF' and self.host(s) != 'cmp3', (
            s.status, self.host(s))
        return 'cache-1 cmp3->%s %s (migration %s)' % (
            self.host(s), s.status, mig.status)

    def restart_force_up(self):
        democloud('start-compute', 'cmp3')
        svc = [x for x in self.n.services.list(binary='nova-compute')
               if x.host == 'cmp3'][0]
        self.wait(lambda: (lambda m: m.status == 'completed')(
            self.migration_status(self.server('cache-1').id, 'evacuation')),
            'evacuation record completed', 60)
        self.n.services.force_down(svc.id, False)
        self.wait(lambda: [x for x in self.n.services.list(
            binary='nova-compute') if x.host == 'cmp3'][0].state == 'up',
            'cmp3 up', 60)
        return 'cmp3 restarted, forced up, state up'

    def run(self):
        c = self.check
        c('list compute services', self.services)
        c('list hypervisors', self.hypervisors)
        c('hypervisor uptime', self.hypervisor_uptime)
        c('list servers (all projects)', self.servers)
        c('disable/enable service', self.disable_enable)
        c('live migrate web-1 -> cmp2', self.live_migrate)
        c('live migrate + abort web-2', self.abort)
        c('live migrate + force-complete', self.force_complete)
        c('cold migrate + confirm', lambda: self._cold('db-2', 'cmp3', True))
        c('cold migrate + revert', lambda: self._cold('app-2', 'cmp2',
                                                      False))
        c('stop cmp3, force-down, evacuate', self.evacuate)
        c('start cmp3, force-up', self.restart_force_up)
        failed = [r for r in self.results if not r[1]]
        print('%d/%d passed' % (len(self.results) - len(failed),
                                len(self.results)))
        return 1 if failed else 0
