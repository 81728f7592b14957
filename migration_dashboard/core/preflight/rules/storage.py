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


@rule(kinds=(Kind.LIVE,))
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
    return c.dst.name if c.dst else "the destination"


def _auto_or(c, otherwise):
    """The remedy: block migration 'auto' when the microversion has it."""
    if c.mv >= BLOCK_MIGRATION_AUTO:
        return "Use block migration 'auto'."
    return otherwise


def _auto_decides_or(c, otherwise):
    if c.mv >= BLOCK_MIGRATION_AUTO:
        return "Use block migration 'auto' so Nova decides."
    return otherwise


def _local_disks_unknown(c):
    c.add(
        NOTE,
        "storage-unknown",
        "Could not tell whether %s has local disks (volume-backed or"
        " config drive unknown), so the need for block migration was not"
        " checked." % c.p.label,
        (
            "Use block migration 'auto' (microversion 2.25+) and let Nova"
            " decide."
            if c.mv >= BLOCK_MIGRATION_AUTO
            else "Check the server's boot source and config drive."
        ),
    )


def _block_on_shared_storage(c, shared):
    """Block migration requested where there is nothing to copy."""
    why = (
        "its storage is shared with %s" % _where(c)
        if shared
        else "it is volume-backed with no local disk"
    )
    c.add(
        BLOCKER,
        "block-migration-shared-storage",
        "Block migration was requested for %s but %s; Nova refuses: 'Block"
        " migration can not be used with shared storage.'" % (c.p.label, why),
        _auto_or(c, "Set block migration to false."),
    )


def _needs_block_migration(c, shared):
    """Local disks, storage not shared (or not known to be), no block
    migration asked."""
    if shared is False:
        c.add(
            BLOCKER,
            "needs-block-migration",
            "%s has %s and %s does not share storage with %s; Nova"
            " refuses: 'Shared storage live-migration requires either"
            " shared storage or boot-from-volume with no local disks.'"
            % (c.p.label, local_disks(c.p), c.src.name, _where(c)),
            _auto_or(
                c,
                "Set block migration to true (or 'auto' from"
                " microversion 2.25).",
            ),
        )
    else:
        c.add(
            WARNING,
            "needs-block-migration",
            "%s has %s and it is unknown whether %s shares storage with"
            " %s; without shared storage the migration needs block"
            " migration."
            % (c.p.label, local_disks(c.p), c.src.name, _where(c)),
            _auto_decides_or(
                c, "Set block migration to true unless the storage is shared."
            ),
        )


def _block_with_storage_unknown(c):
    # Never pass silently: if the storage turns out to be shared, Nova
    # refuses block migration.
    c.add(
        WARNING,
        "block-migration-storage-unknown",
        "Block migration was requested for %s, but it is unknown whether"
        " %s shares storage with %s; if it does, Nova refuses: 'Block"
        " migration can not be used with shared storage.'"
        % (c.p.label, c.src.name, _where(c)),
        _auto_decides_or(c, "Confirm the storage is not shared."),
    )


def _block_copy_note(c):
    c.add(
        NOTE,
        "block-migration-copy",
        "Block migration copies %s of %s over the network, on top of %s"
        " of RAM; it takes longer and loads the network."
        % (local_disks(c.p), c.p.label, mib(c.p.ram)),
        "Migrate a few instances at a time.",
    )


@rule(kinds=(Kind.LIVE,))
def rule_config_drive(c):
    if not c.inst.config_drive:
        return
    c.add(
        NOTE,
        "config-drive",
        "%s has a config drive. The old guide says a read-only (iso9660)"
        " config drive cannot be live migrated; that is obsolete: libvirt"
        " copies it with block migration since 2016, and vfat drives always"
        " worked."
        % c.p.label,
    )


RULES = (
    rule_block_migration,
    rule_config_drive,
)
