"""The pre-flight rules themselves: their order, and behaviour a user
sees in a finding (severity, code, parameters, a blocked host) that the
scenario tests of test_preflight.py leave open.
"""

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import Kind

ALL = {"LIVE", "COLD", "EVACUATE"}

# The rules as main declared them on 2026-12-03 (before they moved from
# decorators to each module's RULES tuple): name, kinds, needs a
# destination, also runs on the source.  The order is the order of the
# findings within a severity on every page, so two rules swapping is a
# visible change.
EXPECTED = [
    ("rule_instance_state", ALL, False, False),
    ("rule_source_service", ALL, False, False),
    ("rule_request_microversion", ALL, False, False),
    ("rule_cold_confirm", {"COLD"}, False, False),
    ("rule_specs_known", ALL, False, False),
    ("rule_scheduler_chooses", ALL, False, False),
    ("rule_destination_service", ALL, True, True),
    ("rule_availability_zone", ALL, True, False),
    ("rule_hypervisor", ALL, True, False),
    ("rule_cpu_compatibility", ALL, True, False),
    ("rule_cpu_passthrough", {"LIVE"}, True, False),
    ("rule_placement_room", ALL, True, False),
    ("rule_ram", ALL, True, False),
    ("rule_ram_oversubscribed", ALL, True, False),
    ("rule_vcpus", ALL, True, False),
    ("rule_pcpus", ALL, True, False),
    ("rule_disk", ALL, True, False),
    ("rule_block_migration", {"LIVE"}, False, False),
    ("rule_config_drive", {"LIVE"}, False, False),
    ("rule_numa_live_support", ALL, False, False),
    ("rule_numa_room", ALL, True, False),
    ("rule_pinned_empty_destination", {"LIVE", "COLD"}, True, False),
    ("rule_ports", ALL, False, False),
    ("rule_pci_passthrough", {"LIVE"}, False, False),
    ("rule_vgpu", {"LIVE"}, False, False),
    ("rule_vtpm", {"LIVE", "EVACUATE"}, False, False),
    ("rule_sev", {"LIVE"}, False, False),
    ("rule_accelerator_profile", ALL, False, False),
    ("rule_vpmem", {"LIVE"}, False, False),
    ("rule_shares", ALL, False, False),
    ("rule_machine_type", ALL, False, False),
    ("rule_server_groups", ALL, False, False),
    ("rule_evacuation_outcome", {"EVACUATE"}, False, False),
    ("rule_traits", ALL, True, False),
]


def test_the_rules_run_in_their_fixed_order():
    assert [r.fn.__name__ for r in pf.RULES] == [e[0] for e in EXPECTED]


def test_each_rule_keeps_its_kinds_and_destination_flags():
    declared = [
        (
            r.fn.__name__,
            {k.name for k in r.kinds},
            r.needs_destination,
            r.on_source,
        )
        for r in pf.RULES
    ]
    assert declared == EXPECTED
    assert all(isinstance(k, Kind) for r in pf.RULES for k in r.kinds)
