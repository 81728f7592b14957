"""Fake hypervisor driver for the democloud (loaded as nova.virt.democloud_driver).

Builds on nova's own fake drivers:

* FakeDriverWithoutFakeNodes: one node named after the host, with the stable
  node identity nova keeps in <state_path>/compute_id, so a compute can be
  restarted;
* FakeLiveMigrateDriver: post_live_migration cleans the source.

On top of them:

* capacity from the [democloud] section of the compute's config file;
* get_host_uptime (hypervisor show would trace back without it);
* a live migration that stays ``running`` for [democloud]
  live_migration_seconds (env DEMOCLOUD_LIVE_MIGRATION_SECONDS wins; the
  instance's metadata ``democloud:live_migration_seconds`` wins over both,
  read as each migration starts), saving
  memory_total/processed/remaining (and disk_* for block migrations) into the
  migration record every second, like the libvirt driver's monitor does;
  live_migration_abort -> rollback with status ``cancelled`` (instance stays
  on the source), live_migration_force_complete -> finishes at once;
* instances the compute forgot across a restart are adopted back (they live
  in memory only) when nova asks for their state.

This file is imported by compute_launcher.py only; it needs nova.
"""

import os
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import versionutils

from nova.compute import power_state
from nova.compute import vm_states
import nova.conf
from nova.virt import fake

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

democloud_opts = [
    cfg.IntOpt('vcpus', default=8, help='VCPU inventory of this fake host'),
    cfg.IntOpt('memory_mb', default=16384, help='MEMORY_MB inventory'),
    cfg.IntOpt('disk_gb', default=200, help='DISK_GB inventory'),
    cfg.FloatOpt('live_migration_seconds', default=8.0,
                 help='How long a live migration stays running'),
    cfg.StrOpt('hypervisor_version', default='1.0',
               help='Reported hypervisor version'),
    cfg.IntOpt('vgpus', default=0,
               help='VGPU inventory on the compute node provider'),
    cfg.ListOpt('traits', default=[],
                help='Extra traits for the compute node provider, e.g. '
                     'COMPUTE_SECURITY_TPM_2_0'),
]
CONF.register_opts(democloud_opts, group='democloud')

MiB = 1024 * 1024
GiB = 1024 * MiB


# Instance metadata that sets this instance's live-migration window, read
# when each of its live migrations starts: a test that needs a migration
# still running when it looks (or one that ends at once) sets it on its
# own instance, with no compute restart and nothing else changed.
METADATA_KEY = 'democloud:live_migration_seconds'


def _instance_seconds(instance):
    """The window the instance's metadata asks for, or None."""
    try:
        value = (instance.metadata or {}).get(METADATA_KEY)
    except Exception:  # metadata not loadable: the compute's default
        LOG.warning('Could not read the metadata of the instance',
                    instance=instance, exc_info=True)
        return None
    if value in (None, ''):
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        LOG.warning('Ignoring bad %s=%r', METADATA_KEY, value,
                    instance=instance)
        return None


def _migration_seconds(instance=None):
    if instance is not None:
        seconds = _instance_seconds(instance)
        if seconds is not None:
            return seconds
    env = os.environ.get('DEMOCLOUD_LIVE_MIGRATION_SECONDS')
    if env:
        try:
            return max(0.0, float(env))
        except ValueError:
            LOG.warning('Ignoring bad DEMOCLOUD_LIVE_MIGRATION_SECONDS=%r',
                        env)
    return max(0.0, CONF.democloud.live_migration_seconds)


class _LiveMigration(object):
    def __init__(self):
        self.wakeup = threading.Event()
        self.abort = False
        self.force = False


class DemoCloudDriver(fake.FakeLiveMigrateDriver,
                      fake.FakeDriverWithoutFakeNodes):

    def __init__(self, virtapi, read_only=False):
        # FakeDriver.__init__ sizes its Resources from these attributes.
        self.vcpus = CONF.democloud.vcpus
        self.memory_mb = CONF.democloud.memory_mb
        self.local_gb = CONF.democloud.disk_gb
        super().__init__(virtapi, read_only)
        self.host_status_base['hypervisor_version'] = (
            versionutils.convert_version_to_int(
                CONF.democloud.hypervisor_version))
        self._live_migrations = {}
        self._lm_lock = threading.Lock()

    # -- host -------------------------------------------------------------
    def get_host_uptime(self):
        try:
            with open('/proc/uptime') as f:
                secs = int(float(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            secs = 0
        try:
            load = ', '.join('%.2f' % x for x in os.getloadavg())
        except OSError:
            load = '0.00, 0.00, 0.00'
        days, rest = divmod(secs, 86400)
        hours, rest = divmod(rest, 3600)
        up = '%d:%02d' % (hours, rest // 60)
        if days:
            up = '%d day%s, %s' % (days, '' if days == 1 else 's', up)
        return ' %s up %s,  0 users,  load average: %s' % (
            time.strftime('%H:%M:%S'), up, load)

    def update_provider_tree(self, provider_tree, nodename, allocations=None):
        super().update_provider_tree(provider_tree, nodename, allocations)
        if CONF.democloud.vgpus > 0:
            inv = provider_tree.data(nodename).inventory
            inv = dict(inv)
            inv['VGPU'] = {'total': CONF.democloud.vgpus, 'min_unit': 1,
                           'max_unit': CONF.democloud.vgpus, 'step_size': 1,
                           'allocation_ratio': 1.0, 'reserved': 0}
            provider_tree.update_inventory(nodename, inv)
        if CONF.democloud.traits:
            provider_tree.add_traits(nodename, *CONF.democloud.traits)

    # -- instances survive a compute restart ------------------------------
    def get_info(self, instance, use_cache=True):
        if (instance.uuid not in self.instances and
                instance.host == self._host and
                instance.vm_state in (vm_states.ACTIVE, vm_states.STOPPED,
                                      vm_states.PAUSED, vm_states.RESIZED)):
            state = (power_state.RUNNING
                     if instance.vm_state != vm_states.STOPPED
                     else power_state.SHUTDOWN)
            self.instances[instance.uuid] = fake.FakeInstance(
                instance.name, state, instance.uuid)
            LOG.info('Adopted instance after restart (state %s)', state,
                     instance=instance)
        return super().get_info(instance, use_cache)

    # -- live migration ---------------------------------------------------
    def live_migration(self, context, instance, dest,
                       post_method, recover_method, block_migration=False,
                       migrate_data=None):
        lm = _LiveMigration()
        with self._lm_lock:
            self._live_migrations[instance.uuid] = lm
        try:
            self._run_live_migration(context, instance, dest, post_method,
                                     recover_method, block_migration,
                                     migrate_data, lm)
        finally:
            with self._lm_lock:
                self._live_migrations.pop(instance.uuid, None)

    def _run_live_migration(self, context, instance, dest, post_method,
                            recover_method, block_migration, migrate_data,
                            lm):
        migration = getattr(migrate_data, 'migration', None) \
            if migrate_data is not None else None
        duration = _migration_seconds(instance)
        mem_total = max(1, int(instance.flavor.memory_mb)) * MiB
        disk_total = (int(instance.flavor.root_gb or 0) * GiB
                      if block_migration else 0)
        start = time.monotonic()
        resent = 0  # pages dirtied again and sent twice
        LOG.info('Fake live migration to %s: %.1f s', dest, duration,
                 instance=instance)
        while True:
            elapsed = time.monotonic() - start
            frac = 1.0 if duration <= 0 else min(1.0, elapsed / duration)
            if lm.abort or lm.force or frac >= 1.0:
                break
            # Remaining memory falls roughly linearly with a little
            # dirty-page noise; processed grows past total like real life.
            remaining = int(mem_total * (1.0 - frac) ** 1.2)
            resent += int(mem_total * 0.02 * frac)
            self._save_stats(instance, migration, mem_total,
                             mem_total - remaining + resent, remaining,
                             disk_total, int(disk_total * frac),
                             disk_total - int(disk_total * frac))
            lm.wakeup.wait(1.0)

        if lm.abort:
            LOG.info('Fake live migration aborted', instance=instance)
            recover_method(context, instance, dest, migrate_data,
                           migration_status='cancelled')
            return
        LOG.info('Fake live migration %s',
                 'forced to complete' if lm.force else 'completed',
                 instance=instance)
        post_method(context, instance, dest, block_migration, migrate_data)

    @staticmethod
    def _save_stats(instance, migration, mem_total, mem_processed,
                    mem_remaining, disk_total, disk_processed,
                    disk_remaining):
        if migration is None:
            return

        def pos(value):  # the API schema wants >= 1 or null
            return value if value and value > 0 else None
        mem_total, mem_processed, mem_remaining, disk_total, \
            disk_processed, disk_remaining = map(pos, (
                mem_total, mem_processed, mem_remaining, disk_total,
                disk_processed, disk_remaining))
        try:
            migration.memory_total = mem_total
            migration.memory_processed = mem_processed
            migration.memory_remaining = mem_remaining
            migration.disk_total = disk_total
            migration.disk_processed = disk_processed
            migration.disk_remaining = disk_remaining
            migration.save()
            instance.progress = 100 - int(
                round((mem_remaining or 0) * 100.0 / mem_total))
            instance.save()
        except Exception:  # stats are cosmetic, never fail the migration
            LOG.exception('Could not save fake migration stats',
                          instance=instance)

    def _signal(self, instance, attr):
        with self._lm_lock:
            lm = self._live_migrations.get(instance.uuid)
        if lm is None:
            LOG.warning('No live migration in progress to %s', attr,
                        instance=instance)
            return
        setattr(lm, attr, True)
        lm.wakeup.set()

    def live_migration_force_complete(self, instance):
        self._signal(instance, 'force')

    def live_migration_abort(self, instance):
        self._signal(instance, 'abort')
