"""core.scheduler_counts: which provider is a host's, and what its figures
add up to, from answers about every host (no Django, no HTTP)."""
from migration_dashboard.core import scheduler_counts as sc
from migration_dashboard.core.maintenance import HostSummary

UUID_A = "00000000-0000-4000-8000-00000000000a"
UUID_B = "00000000-0000-4000-8000-00000000000b"


def summary(vcpu, ram):
    return {"resources": {"VCPU": {"capacity": vcpu[1], "used": vcpu[0]},
                          "MEMORY_MB": {"capacity": ram[1],
                                        "used": ram[0]}}}


def test_a_node_id_that_is_a_provider_uuid():
    row = HostSummary(host="cmp1", nodes=["cmp1.example"],
                      node_ids=[UUID_A])
    count = sc.count(row, {UUID_A: "another name"},
                     {UUID_A: summary((2, 32), (1024, 4096))})
    assert count.state == sc.COUNTED
    assert count.figures("VCPU") == (2, 32)
    assert count.figures("MEMORY_MB") == (1024, 4096)
    assert count.figures("DISK_GB") is None


def test_older_nova_integer_ids_are_found_by_node_name():
    # Below compute 2.53 the hypervisor id is an integer: the provider is
    # the one named after the node.
    row = HostSummary(host="cmp1", nodes=["cmp1.example"], node_ids=[7])
    count = sc.count(row, {UUID_B: "cmp1.example"},
                     {UUID_B: summary((1, 8), (0, 512))})
    assert (count.state, count.figures("VCPU")) == (sc.COUNTED, (1, 8))


def test_the_nodes_of_a_host_add_up():
    row = HostSummary(host="cmp1", nodes=["n1", "n2"],
                      node_ids=[UUID_A, UUID_B])
    count = sc.count(row, {UUID_A: "n1", UUID_B: "n2"},
                     {UUID_A: summary((1, 8), (100, 1000)),
                      UUID_B: summary((2, 16), (200, 3000))})
    assert count.figures("VCPU") == (3, 24)
    assert count.figures("MEMORY_MB") == (300, 4000)


def test_a_provider_in_no_answer_has_no_room():
    row = HostSummary(host="cmp1", nodes=["n1"], node_ids=[UUID_A])
    assert sc.count(row, {UUID_A: "n1"}, {}).state == sc.NO_ROOM


def test_no_provider_no_node():
    assert sc.count(HostSummary(host="cmp1"), {UUID_A: "cmp1"},
                    {}).state == sc.NOT_PROVIDER
    row = HostSummary(host="cmp1", nodes=["n9"], node_ids=[9])
    assert sc.count(row, {UUID_A: "n1"}, {}).state == sc.NOT_PROVIDER


def test_answers_merge_and_every_row_is_counted():
    rows = [HostSummary(host="a", nodes=["a"], node_ids=[UUID_A]),
            HostSummary(host="b", nodes=["b"], node_ids=[UUID_B])]
    # b has no vCPU left: only in the RAM answer.
    counts = sc.count_hosts(
        rows, {UUID_A: "a", UUID_B: "b"},
        [{UUID_A: summary((1, 8), (0, 100))},
         {UUID_A: summary((1, 8), (0, 100)),
          UUID_B: summary((8, 8), (10, 100))}])
    assert counts["a"].figures("VCPU") == (1, 8)
    assert counts["b"].figures("VCPU") == (8, 8)
    assert counts["b"].state == sc.COUNTED


def test_a_figure_missing_from_a_summary_counts_zero():
    # Placement 1.27 sends both figures; an answer without one still
    # shows the host (0 of what is missing), never an error page.
    row = HostSummary(host="cmp1", nodes=["n1", "n2"],
                      node_ids=[UUID_A, UUID_B])
    count = sc.count(row, {UUID_A: "n1", UUID_B: "n2"}, {
        UUID_A: {"resources": {"VCPU": {"capacity": 8}}},
        UUID_B: {"resources": {"VCPU": {"used": 3}}}})
    assert count.figures("VCPU") == (3, 8)
    empty = sc.count(row, {UUID_A: "n1"}, {UUID_A: {"resources": None}})
    assert (empty.state, empty.resources) == (sc.COUNTED, {})
