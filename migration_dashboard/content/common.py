"""Helpers shared by the plugin's panels (Django side)."""

# Flavor extra specs that change what a migration may do; shown on the
# host's Instances tab so the operator sees them before choosing a move.
MIGRATION_SPEC_PREFIXES = (
    "hw:cpu_policy", "hw:cpu_thread_policy", "hw:numa_", "hw:mem_page_size",
    "hw:emulator_threads_policy", "hw:tpm_", "hw:mem_encryption", "hw:pmem",
    "hw:machine_type", "pci_passthrough:", "resources:VGPU", "resources:PGPU",
    "accel:", "trait:", "hw:vif_multiqueue", "hw:cpu_mode",
)


def migration_relevant_specs(extra_specs):
    """Sorted (key, value) pairs of the specs that matter for migration."""
    return sorted((k, v) for k, v in (extra_specs or {}).items()
                  if k.startswith(MIGRATION_SPEC_PREFIXES))


def filter_rows(rows, fields, value):
    """Rows where any of ``fields`` contains ``value`` (case-insensitive)."""
    value = (value or "").strip().lower()
    if not value:
        return list(rows)
    return [row for row in rows
            if any(value in str(getattr(row, f, "") or "").lower()
                   for f in fields)]
