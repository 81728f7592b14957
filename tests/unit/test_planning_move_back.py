"""The move-back plan (core/planning/move_back): which records count, the
reason given for each instance that does not go back, and Nova's
created_at and ids as they come (with a space or a Z, ids as text).

Expected values are worked out by hand from the records in each test.
"""

import datetime

import pytest

from migration_dashboard.core.planning import (
    MigrationRecord,
    Override,
    SCHEDULER,
    PlanOptions,
    Strategy,
    move_back_plan,
)
from migration_dashboard.core.planning.move_back import id_key, record_time
from tests.unit.plan_checks import plans_are_well_said  # noqa: F401
from tests.unit.test_planning import make_host, make_instance, record

pytestmark = pytest.mark.usefixtures("findings_are_well_said",
                                      "plans_are_well_said")

UTC = datetime.timezone.utc


def back(records, instances, hosts=None, **kw):
    hosts = hosts if hosts is not None else [
        make_host("cmp2"), make_host("cmp3"), make_host("cmp4")]
    return move_back_plan(make_host("src"), instances, records, hosts, **kw)


@pytest.mark.parametrize("records, inst, why, source", [
    ([record("i-a", "src", "cmp2")], None, "no longer exists", "cmp2"),
    ([record("i-a", "src", "cmp2")], dict(host=None),
     "its host is unknown", "cmp2"),
    ([record("i-a", "src", "cmp2")], dict(host="src"), "already on src",
     "src"),
    ([record("i-a", "src", "cmp2")], dict(host="cmp4"),
     "moved on to cmp4 since it left for cmp2", "cmp4"),
    ([record("i-a", "src", "cmp2")], dict(host="cmp2", status="DELETED"),
     "deleted", "cmp2"),
    ([record("i-a", "src", "cmp2", at="2026-11-20T10:00:00"),
      record("i-a", "cmp2", "src", at="2026-11-20T11:00:00")],
     dict(host="src"), "already back on src", "src"),
    ([record("i-a", "src", "cmp2", at="2026-11-20T10:00:00"),
      record("i-a", "cmp2", "cmp3", at="2026-11-20T11:00:00")],
     dict(host="cmp3"), "moved from cmp2 to cmp3 since the drain", "cmp3"),
    # A later record without its source (Nova keeps records of deleted
    # compute nodes without it): the sentence leaves the source out whole.
    ([record("i-a", "src", "cmp2", at="2026-11-20T10:00:00"),
      record("i-a", None, "cmp3", at="2026-11-20T11:00:00")],
     dict(host="cmp3"), "moved to cmp3 since the drain", "cmp3"),
])
def test_why_an_instance_does_not_go_back(records, inst, why, source):
    instances = [] if inst is None else [make_instance("i-a", **inst)]
    plan = back(records, instances)
    (row,) = plan.rows
    assert (row.instance_id, row.strategy, row.why, row.source) == (
        "i-a", Strategy.NOTHING, why, source)
    assert plan.order == () and not plan.submittable


def test_an_instance_that_left_goes_back_from_where_it_is():
    plan = back([record("i-a", "src", "cmp2")],
                [make_instance("i-a", host="cmp2")],
                microversion="2.24")
    row = plan.row("i-a")
    assert (row.strategy, row.source, row.destination) == (
        Strategy.LIVE, "cmp2", "src")
    assert plan.microversion == "2.24" and row.block_migration is False


def test_a_host_not_in_the_list_is_an_unknown_source():
    # The instance is on cmp9, which the caller did not list.
    plan = back([record("i-a", "src", "cmp9")],
                [make_instance("i-a", host="cmp9")])
    row = plan.row("i-a")
    assert row.source == "cmp9" and row.destination == "src"
    # Its state is not known: said, not assumed up.
    assert "source-state-unknown" in {f.code for f in row.findings}


def test_a_gone_instance_has_no_status_and_no_known_host():
    plan = back([record("i-a", "src", None)], [])
    row = plan.row("i-a")
    assert (row.status, row.source, row.why) == (None, "?",
                                                 "no longer exists")


def test_a_move_back_between_hosts_sharing_storage_copies_no_disk():
    inst = make_instance("i-a", host="cmp2", volume_backed=False)
    plan = move_back_plan(make_host("src", shared_storage=True), [inst],
                          [record("i-a", "src", "cmp2")],
                          [make_host("cmp2", shared_storage=True)])
    assert plan.row("i-a").strategy is Strategy.LIVE
    plan = move_back_plan(make_host("src", shared_storage=True), [inst],
                          [record("i-a", "src", "cmp2")],
                          [make_host("cmp2", shared_storage=False)])
    assert plan.row("i-a").strategy is Strategy.LIVE_BLOCK


def test_move_back_options_object_and_keywords():
    plan = back([record("i-a", "src", "cmp2")],
                [make_instance("i-a", host="cmp2")],
                options=PlanOptions(microversion="2.24"), force=False)
    assert plan.microversion == "2.24"


def test_the_operator_may_exclude_a_row_or_choose_its_destination():
    records = [record("i-a", "src", "cmp2"), record("i-b", "src", "cmp2")]
    instances = [make_instance("i-a", host="cmp2"),
                 make_instance("i-b", host="cmp2")]
    plan = back(records, instances, overrides={
        "i-a": Override(exclude=True), "i-b": Override(destination="cmp3")})
    assert plan.row("i-a").strategy is Strategy.SKIPPED
    assert plan.row("i-b").destination == "cmp3"
    assert plan.hosts_used == ("cmp3",)


def test_which_records_count():
    records = [
        dict(record("i-status", "src", "cmp2"), status="Completed"),
        record("i-none", "src", "cmp2", type=None),
        record("i-evac", "src", "cmp2", type="evacuation"),
        record("i-resize", "src", "cmp2", type="resize"),
        record("i-error", "src", "cmp2", status="error"),
        record(None, "src", "cmp2"),
        record("i-at", "src", "cmp2", at="2026-11-01T00:00:00"),
        record("i-before", "src", "cmp2", at="2026-10-31T23:59:59"),
    ]
    ids = ["i-status", "i-none", "i-evac", "i-resize", "i-error", "i-at",
           "i-before"]
    instances = [make_instance(i, host="cmp2") for i in ids]
    plan = back(records, instances, since="2026-11-01 00:00:00Z")
    assert sorted(r.instance_id for r in plan.rows) == sorted(
        ["i-status", "i-none", "i-evac", "i-at"])
    assert all(r.strategy is Strategy.LIVE for r in plan.rows)


def test_the_last_record_by_time_then_by_numeric_id():
    # Same time: id "10" is after id "9" (as numbers, not as text).
    records = [
        record("i-a", "src", "cmp2", mid="10"),
        record("i-a", "cmp2", "cmp3", mid="9"),
        record("i-b", "src", "cmp2", at="2026-11-20 10:00:00"),
        record("i-b", "cmp2", "cmp3", at="2026-11-20T09:00:00Z"),
    ]
    instances = [make_instance("i-a", host="cmp2"),
                 make_instance("i-b", host="cmp2")]
    plan = back(records, instances)
    assert plan.row("i-a").strategy is Strategy.LIVE
    assert plan.row("i-b").strategy is Strategy.LIVE
    # Reversed: the later record says it moved on.
    records[0], records[1] = (record("i-a", "src", "cmp2", mid="9"),
                              record("i-a", "cmp2", "cmp3", mid="10"))
    plan = back(records, [make_instance("i-a", host="cmp3")])
    assert plan.row("i-a").why == "moved from cmp2 to cmp3 since the drain"


def test_a_record_at_the_same_time_and_id_does_not_replace_the_first():
    records = [record("i-a", "src", "cmp2", mid=5),
               record("i-a", "cmp2", "cmp3", mid=5)]
    plan = back(records, [make_instance("i-a", host="cmp2")])
    assert plan.row("i-a").strategy is Strategy.LIVE


def test_record_time_reads_what_nova_sends():
    at = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert record_time("2026-11-20T10:00:00") == at
    assert record_time("2026-11-20 10:00:00") == at
    assert record_time(" 2026-11-20T10:00:00Z ") == at
    assert record_time("2026-11-20T11:00:00+01:00") == at
    assert record_time(at.replace(tzinfo=None)) == at
    epoch = datetime.datetime(1970, 1, 1, tzinfo=UTC)
    assert record_time(None) == record_time("") == epoch
    assert record_time("not a time") == epoch


def test_ids_compare_as_numbers_when_they_are():
    assert id_key(9) < id_key(10) < id_key("11") < id_key("x")
    assert id_key(None) == id_key("") == (1, 0, "")
    assert id_key("a") < id_key("b")
    assert sorted(["b", 10, "9", None], key=id_key) == ["9", 10, None, "b"]


def test_migration_record_from_raw_keys_and_missing_ones():
    rec = MigrationRecord.coerce({"instance_uuid": "i-a", "id": 3})
    assert (rec.instance_id, rec.source, rec.dest, rec.status, rec.type,
            rec.id) == ("i-a", None, None, None, None, 3)


def test_a_move_back_left_to_the_scheduler_never_returns_to_a_source():
    # Both instances' current hosts are sources; the scheduler's
    # candidates are the others (src and cmp4), roomiest first.
    records = [record("i-a", "src", "cmp2"), record("i-b", "src", "cmp3")]
    instances = [make_instance("i-a", host="cmp2"),
                 make_instance("i-b", host="cmp3")]
    hosts = [make_host("cmp2", ram_gib=128), make_host("cmp3", ram_gib=128),
             make_host("cmp4", ram_gib=32)]
    plan = move_back_plan(make_host("src", ram_gib=16), instances, records,
                          hosts, default_destination=SCHEDULER)
    assert [plan.row(i).expected_host for i in ("i-a", "i-b")] == [
        "cmp4", "cmp4"]
