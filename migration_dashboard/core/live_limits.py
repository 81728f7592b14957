"""Nova's own limits on a live migration (libvirt driver), in words.

No Nova API says how a compute's libvirt driver handles a migration that
does not converge; the operator declares its ``[libvirt]`` options (see
services/deployment.py) and this module says what follows from them:

* ``live_migration_completion_timeout`` (default 800): seconds *per GiB*
  of data to copy; Nova's data is the guest RAM (at least 2 GiB) plus, for a
  block migration, each copied local disk's file size (at least 2 GiB
  each).  0: no limit.
* ``live_migration_timeout_action`` (default ``abort``): what Nova does at
  that limit -- abort the migration, or force it to complete.
* ``live_migration_permit_post_copy`` (default False): force complete (the
  API action and the timeout action alike) switches the migration to
  post-copy instead of pausing the instance.
* ``live_migration_permit_auto_converge`` (default False): Nova throttles
  the guest's CPUs when the copy is slow -- only when post-copy is not
  permitted.

Values of nova/conf/libvirt.py and nova/virt/libvirt/driver.py
(_live_migration_data_gb, _live_migration_monitor).  No Django.
"""
import dataclasses

from migration_dashboard.core.i18n import N_, NP_

POST_COPY = "live_migration_permit_post_copy"
AUTO_CONVERGE = "live_migration_permit_auto_converge"
COMPLETION_TIMEOUT = "live_migration_completion_timeout"
TIMEOUT_ACTION = "live_migration_timeout_action"
OPTIONS = (POST_COPY, AUTO_CONVERGE, COMPLETION_TIMEOUT, TIMEOUT_ACTION)

ABORT = "abort"
FORCE_COMPLETE = "force_complete"
TIMEOUT_ACTIONS = (ABORT, FORCE_COMPLETE)

# Nova's own minimum per copied item (RAM, each disk), in GiB.
MIN_GIB = 2


@dataclasses.dataclass(frozen=True)
class LibvirtMigration:
    """The declared ``[libvirt]`` migration options; None: not declared."""
    permit_post_copy: bool = None
    permit_auto_converge: bool = None
    completion_timeout: int = None  # seconds per GiB; 0: no limit
    timeout_action: str = None      # abort | force_complete

    def undeclared(self):
        """Names of the options declared nowhere, in Nova's order."""
        values = (self.permit_post_copy, self.permit_auto_converge,
                  self.completion_timeout, self.timeout_action)
        return [name for name, value in zip(OPTIONS, values)
                if value is None]

    def with_nova_defaults(self):
        """The same with Nova's default for every undeclared option."""
        return LibvirtMigration(
            permit_post_copy=bool(self.permit_post_copy),
            permit_auto_converge=bool(self.permit_auto_converge),
            completion_timeout=(800 if self.completion_timeout is None
                                else self.completion_timeout),
            timeout_action=self.timeout_action or ABORT)


def force_complete_effect(config):
    """What Nova's force complete does to the instance: a message."""
    if config.permit_post_copy:
        return N_("Nova switches the migration to POST-COPY: the instance "
                  "runs on the destination at once and fetches the memory "
                  "still on the source as it touches it. No pause, but the "
                  "instance is slower until the copy ends, and if the "
                  "network between the two hosts fails meanwhile it must "
                  "be rebooted.")
    if config.permit_post_copy is False:
        return N_("Nova PAUSES the instance so that no more memory changes, "
                  "copies what remains and resumes it on the destination: "
                  "the instance is unreachable meanwhile (perceptible "
                  "downtime, longer the more memory remains).")
    return N_("Nova PAUSES the instance to copy what remains (perceptible "
              "downtime), or, if the computes permit post-copy, switches "
              "the migration to post-copy instead (no pause; the instance "
              "runs on the destination while its memory follows).")


def force_complete_done(config):
    """What a forced completion is doing now, in a few words."""
    if config.permit_post_copy:
        return N_("it is switched to post-copy and runs on the destination "
                  "while its remaining memory follows.")
    if config.permit_post_copy is False:
        return N_("the instance is paused while its remaining memory is "
                  "copied.")
    return N_("the instance is paused while its remaining memory is "
              "copied, or switched to post-copy if the computes permit it.")


def undeclared_note(config, setting, options=OPTIONS):
    """One line naming which undeclared ``options`` the words above depend
    on ("" when they are all declared)."""
    missing = [name for name in config.undeclared() if name in options]
    if not missing:
        return ""
    return NP_("This depends on [libvirt] %(options)s in the computes' "
               "nova.conf, which no Nova API shows: declare it in "
               "%(setting)s (local_settings) to be sure. Until then Nova's "
               "default is assumed where a number is needed.",
               "This depends on [libvirt] %(options)s in the computes' "
               "nova.conf, which no Nova API shows: declare them in "
               "%(setting)s (local_settings) to be sure. Until then Nova's "
               "defaults are assumed where a number is needed.",
               len(missing), options=", ".join(missing), setting=setting)


def data_gib(memory_mb, disks_gib=()):
    """GiB Nova counts for the timeout: the guest RAM and each copied disk,
    each at least :data:`MIN_GIB`."""
    ram = max(MIN_GIB, (memory_mb or 0) / 1024.0)
    return ram + sum(max(MIN_GIB, d or 0) for d in disks_gib)


@dataclasses.dataclass(frozen=True)
class Timeout:
    """Nova's completion timeout for one instance, in seconds: exact when
    ``low == high``; a range when the local disks may be copied (a block
    migration counts each disk's file size, at most its flavor size)."""
    low: float
    high: float


def completion_timeout(config, memory_mb, local_disks_gib=(),
                       disks_copied=None):
    """The instance's :class:`Timeout` (None: Nova sets none).

    ``local_disks_gib``: the flavor sizes of its local disks (root unless
    volume-backed, ephemeral, swap); ``disks_copied``: True for a block
    migration, False for shared storage, None when unknown.
    """
    per_gib = config.with_nova_defaults().completion_timeout
    if not per_gib:
        return None
    disks = list(local_disks_gib or ())
    low = per_gib * data_gib(memory_mb)
    if disks and disks_copied is not False:
        # Nova counts a disk's file, at least 2 GiB, at most its size.
        most = per_gib * data_gib(memory_mb, disks)
        if disks_copied:
            low = per_gib * data_gib(memory_mb, [MIN_GIB] * len(disks))
        return Timeout(low, most)
    return Timeout(low, low)


def timeout_advice(config, timeout, human_seconds, elapsed=None):
    """What Nova itself does to a migration that does not end: messages,
    most important first.  ``human_seconds`` says a duration."""
    nova = config.with_nova_defaults()
    said = []
    if timeout is None:
        said.append(N_("Nova sets no time limit (%(option)s = 0): a "
                       "migration that does not converge runs until "
                       "someone aborts or forces it.",
                       option=COMPLETION_TIMEOUT))
    else:
        if timeout.low == timeout.high:
            limit = human_seconds(timeout.low)
        else:
            limit = N_("%(low)s, or up to %(high)s if this move copies "
                       "its local disks",
                       low=human_seconds(timeout.low),
                       high=human_seconds(timeout.high))
        if nova.timeout_action == FORCE_COMPLETE:
            what = (N_("forces it to complete: it switches it to post-copy")
                    if nova.permit_post_copy else
                    N_("forces it to complete: it pauses the instance until "
                       "the rest is copied"))
        else:
            what = N_("aborts it: the instance stays on its source host")
        said.append(N_("Nova's own limit for this instance: %(limit)s "
                       "(%(option)s = %(per_gib)d s per GiB of memory and of "
                       "disk to copy). Then Nova %(what)s.", limit=limit,
                       option=COMPLETION_TIMEOUT,
                       per_gib=nova.completion_timeout, what=what))
        if elapsed is not None:
            said.append(_time_left(timeout, elapsed, human_seconds))
    if nova.permit_post_copy:
        said.append(N_("Post-copy is permitted: forcing completion does "
                       "not pause the instance."))
    elif nova.permit_auto_converge:
        said.append(N_("Auto-converge is permitted: Nova slows the "
                       "instance's CPUs while the copy lags, so the "
                       "migration may still converge on its own."))
    return said


def _time_left(timeout, elapsed, human_seconds):
    if elapsed < timeout.low:
        return N_("It has run %(elapsed)s: about %(left)s until then.",
                  elapsed=human_seconds(elapsed),
                  left=human_seconds(timeout.low - elapsed))
    if elapsed < timeout.high:
        return N_("It has run %(elapsed)s: Nova acts within %(left)s at "
                  "the latest.", elapsed=human_seconds(elapsed),
                  left=human_seconds(timeout.high - elapsed))
    return N_("It has run %(elapsed)s, past that limit: Nova should act "
              "on it at any moment (its clock starts when the copy "
              "starts).", elapsed=human_seconds(elapsed))
