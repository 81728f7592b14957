"""The pre-flight rules, one module per subject.

:data:`RULES` lists them in the order they run.  The engine sorts findings
by severity only (a stable sort), so this order is the order of findings
within a severity, which the pages show: it is fixed here, module by
module, and within each module by its own ``RULES`` tuple (declared after
the functions, see ``context.rule``).
"""

from migration_dashboard.core.preflight.rules import (
    capacity,
    cpu,
    destination,
    devices,
    evacuation,
    groups,
    numa,
    state,
    storage,
    traits,
)

_IN_ORDER = (
    state,
    destination,
    cpu,
    capacity,
    storage,
    numa,
    devices,
    groups,
    evacuation,
    traits,
)

RULES = tuple(r for module in _IN_ORDER for r in module.RULES)

# Every code a rule can emit, for UIs that map codes to icons or help text.
FINDING_CODES = frozenset("""
block-migration-storage-unknown
    state-unknown verify-resize task-in-progress state-not-allowed
    host-mismatch source-state-unknown source-still-up source-down
    block-auto-unsupported force-unsupported force-needs-destination
    force-removed force-implicit cold-host-needs-2.56 forced-move
    cold-needs-confirm extra-specs-unknown image-properties-unknown
    scheduler-chooses dest-is-source dest-state-unknown dest-down
    dest-status-unknown dest-disabled-forced dest-disabled
    hypervisor-unknown hypervisor-type-mismatch hypervisor-too-old
    cpu-arch-mismatch unknown-cpu-info cpu-traits-missing cpu-vendor-mismatch
    cpu-features-missing cpu-model-mismatch-passthrough cpu-passthrough
    ram-unknown ram-insufficient vcpu-unknown vcpu-insufficient
    pcpu-unknown pcpu-insufficient disk-unknown disk-insufficient
    storage-unknown block-migration-shared-storage needs-block-migration
    block-migration-copy config-drive
    numa-live-old-compute numa-unknown numa-insufficient numa-layout-differs
    pinned-dest-unknown pinned-dest-not-empty
    ports-unknown port-accelerator vdpa-live-old-compute sriov-live
    macvtap-live pci-live-old-compute pci-passthrough-live
    vgpu-live-old-compute vgpu-live-qemu-too-old vgpu-live
    vtpm-evacuate vtpm-live vtpm-live-needs-2026.1 vtpm-live-old-compute
    sev-live accel-device-profile vpmem-live-old-compute vpmem-live
    shares shares-unknown machine-type-unknown machine-type
    groups-unknown affinity-conflict group-scheduler group-dest-unknown
    anti-affinity-conflict
    evacuate-disk-unknown evacuate-local-data-lost evacuate-disk-kept
    evacuate-ephemeral-lost evacuate-stopped-old-compute
    evacuate-lands-shutoff evacuate-starts
    traits-unknown dest-missing-traits dest-forbidden-traits
    zone-unknown zone-mismatch
    placement-no-room ram-oversubscribed
    no-valid-host scheduler-candidates
""".split())

