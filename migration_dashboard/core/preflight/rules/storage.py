"""Storage: block migration or not, and config drives."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    Kind,
    NOTE,
    WARNING,
)
from migration_dashboard.core.preflight.profile import shared_storage
from migration_dashboard.core.preflight.wording import local_disks, mib
from migration_dashboard.core.versions import BLOCK_MIGRATION_AUTO
from migration_dashboard.core.i18n import N_


def rule_block_migration(c):
    """libvirt check_can_live_migrate_source: without shared storage an
    instance with local disks needs block migration, and block migration
    is refused when everything is shared (or volume-backed with no local
    disk)."""
    shared = shared_storage(c.src, c.dst)
    local = c.p.has_local_disk
    if local is None and shared is not True:
        _local_disks_unknown(c)
    elif c.block is True and (shared or local is False):
        _block_on_shared_storage(c, shared)
    elif not local or shared:
        return  # nothing to copy, or nothing needs copying
    elif c.block is False:
        _needs_block_migration(c, shared)
    elif shared is None and c.block is True:
        _block_with_storage_unknown(c)
    elif shared is False:
        _block_copy_note(c)


def _where(c):
    return c.dst.name if c.dst else N_("the destination")


def _auto_or(c, otherwise):
    """The remedy: block migration 'auto' when the microversion has it."""
    if c.mv >= BLOCK_MIGRATION_AUTO:
        return N_("Use block migration 'auto'.")
    return otherwise


def _auto_decides_or(c, otherwise):
    if c.mv >= BLOCK_MIGRATION_AUTO:
        return N_("Use block migration 'auto' so Nova decides.")
    return otherwise


def _local_disks_unknown(c):
    c.add(
        NOTE,
        "storage-unknown",
        N_("Could not tell whether %(instance)s has local disks"
           " (volume-backed or config drive unknown), so the need for block"
           " migration was not checked.",
           instance=c.p.label),
        (
            N_("Use block migration 'auto' (microversion 2.25+) and let Nova"
               " decide.")
            if c.mv >= BLOCK_MIGRATION_AUTO
            else N_("Check the server's boot source and config drive.")
        ),
    )


def _block_on_shared_storage(c, shared):
    """Block migration requested where there is nothing to copy."""
    why = (
        N_("its storage is shared with %(where)s",
           where=_where(c))
        if shared
        else N_("it is volume-backed with no local disk")
    )
    c.add(
        BLOCKER,
        "block-migration-shared-storage",
        N_("Block migration was requested for %(instance)s but %(why)s; Nova"
           " refuses: 'Block migration can not be used with shared storage.'",
           instance=c.p.label, why=why),
        _auto_or(c, N_("Set block migration to false.")),
    )


def _needs_block_migration(c, shared):
    """Local disks, storage not shared (or not known to be), no block
    migration asked."""
    said = dict(instance=c.p.label, local_disks=local_disks(c.p),
                source=c.src.name, where=_where(c))
    if shared is False:
        severity = BLOCKER
        message = N_(
            "%(instance)s has %(local_disks)s and %(source)s does not"
            " share storage with %(where)s; Nova refuses: 'Shared storage"
            " live-migration requires either shared storage or"
            " boot-from-volume with no local disks.'",
            **said)
        remedy = _auto_or(
            c,
            N_("Set block migration to true (or 'auto' from microversion"
               " 2.25)."),
        )
    else:
        severity = WARNING
        message = N_(
            "%(instance)s has %(local_disks)s and it is unknown whether"
            " %(source)s shares storage with %(where)s; without shared"
            " storage the migration needs block migration.",
            **said)
        remedy = _auto_decides_or(
            c, N_("Set block migration to true unless the storage is"
                  " shared.")
        )
    c.add(severity, "needs-block-migration", message, remedy)


def _block_with_storage_unknown(c):
    # Never pass silently: if the storage turns out to be shared, Nova
    # refuses block migration.
    c.add(
        WARNING,
        "block-migration-storage-unknown",
        N_("Block migration was requested for %(instance)s, but it is unknown"
           " whether %(source)s shares storage with %(where)s; if it does,"
           " Nova refuses: 'Block migration can not be used with shared"
           " storage.'",
           instance=c.p.label, source=c.src.name, where=_where(c)),
        _auto_decides_or(c, N_("Confirm the storage is not shared.")),
    )


def _block_copy_note(c):
    c.add(
        NOTE,
        "block-migration-copy",
        N_("Block migration copies %(local_disks)s of %(instance)s over the"
           " network, on top of %(ram)s of RAM; it takes longer and loads the"
           " network.",
           local_disks=local_disks(c.p), instance=c.p.label, ram=mib(c.p.ram)),
        N_("Migrate a few instances at a time."),
    )


def rule_config_drive(c):
    if not c.inst.config_drive:
        return
    c.add(
        NOTE,
        "config-drive",
        N_("%(instance)s has a config drive. The old guide says a read-only"
           " (iso9660) config drive cannot be live migrated; that is"
           " obsolete: libvirt copies it with block migration since 2016, and"
           " vfat drives always worked.",
           instance=c.p.label),
    )


RULES = (
    rule(rule_block_migration, kinds=(Kind.LIVE,)),
    rule(rule_config_drive, kinds=(Kind.LIVE,)),
)
