"""Edge tests for the plan's together-capacity bookkeeping
(core/planning/capacity.Usage): what earlier moves of a plan take from
(and give back to) each host, as pre-flight sees it for the later moves.

Expected values are worked out by hand from the inputs in each test.
"""

from types import SimpleNamespace

from migration_dashboard.core.planning.capacity import Usage
from migration_dashboard.core.preflight import Host


def host(name, ram=1000, vcpus=10, pcpus=4, disk=100, ids=()):
    return Host(name=name, free_ram_mb=ram, free_vcpus=vcpus,
                free_pcpus=pcpus, free_disk_gb=disk,
                instance_ids=None if ids is None else frozenset(ids))


def move(iid, ram, vcpus, pcpus, disk):
    # Only what Usage.add reads of a placement.
    return SimpleNamespace(inst=SimpleNamespace(id=iid), ram=ram,
                           vcpu_need=vcpus, pcpu_need=pcpus, disk_need=disk)


def test_untouched_host_is_free_as_read():
    u = Usage()
    assert u.free(host("cmp2", 1000, 10, 4, 100)) == [1000, 10, 4, 100]


def test_two_moves_to_one_host_add_up_per_resource():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    u.add("cmp2", move("i-b", 200, 3, 0, 30))
    # 1000-300-200, 10-2-3, 4-1-0, 100-20-30
    assert u.free(host("cmp2", 1000, 10, 4, 100)) == [500, 5, 3, 50]
    # Another host is not charged for cmp2's moves.
    assert u.free(host("cmp3", 1000, 10, 4, 100)) == [1000, 10, 4, 100]


def test_a_host_filled_exactly_has_zero_left_not_negative_one():
    u = Usage()
    u.add("cmp2", move("i-a", 1000, 10, 4, 100))
    assert u.free(host("cmp2", 1000, 10, 4, 100)) == [0, 0, 0, 0]


def test_unknown_free_value_stays_unknown():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    h = Host(name="cmp2", free_ram_mb=None, free_vcpus=10,
             free_pcpus=None, free_disk_gb=100, instance_ids=frozenset())
    assert u.free(h) == [None, 8, None, 80]


def test_members_after_moves_out_and_in():
    u = Usage()
    u.add("cmp2", move("i-a", 1, 1, 0, 1))  # i-a leaves src for cmp2
    src = host("src", ids={"i-a", "i-b"})
    cmp2 = host("cmp2", ids={"i-x"})
    assert u.members(src) == frozenset({"i-b"})
    assert u.members(cmp2) == frozenset({"i-x", "i-a"})
    # A host the plan does not touch keeps its members (same object).
    cmp3_ids = frozenset({"i-y"})
    cmp3 = Host(name="cmp3", instance_ids=cmp3_ids)
    assert u.members(cmp3) is cmp3_ids
    assert u.members(host("cmp4", ids=None)) is None


def test_adjusted_destination_shows_what_earlier_moves_took():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    h = u.adjusted(host("cmp2", 1000, 10, 4, 100, ids={"i-x"}))
    assert (h.name, h.free_ram_mb, h.free_vcpus, h.free_pcpus,
            h.free_disk_gb) == ("cmp2", 700, 8, 3, 80)
    assert h.instance_ids == frozenset({"i-x", "i-a"})


def test_adjusted_source_loses_the_members_that_left():
    # The source's free capacity is not credited back (the move may
    # fail), but its member list drops what left, for affinity rules.
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    src = u.adjusted(host("src", 50, 1, 0, 5, ids={"i-a", "i-b"}))
    assert src.instance_ids == frozenset({"i-b"})
    assert (src.free_ram_mb, src.free_vcpus, src.free_pcpus,
            src.free_disk_gb) == (50, 1, 0, 5)


def test_adjusted_untouched_host_is_the_same_object():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    cmp3 = host("cmp3", ids={"i-y"})
    assert u.adjusted(cmp3) is cmp3
    empty = host("cmp4", ids=())
    assert u.adjusted(empty) is empty
