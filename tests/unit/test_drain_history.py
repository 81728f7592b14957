"""core.drain_history: a host's last drain read from its migration records
(once the drain marker is gone with the disabled reason)."""
import datetime

from migration_dashboard.core import drain_history as dh

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 12, 2, 10, 0, 0, tzinfo=UTC)


def _at(minutes):
    return (T0 + datetime.timedelta(minutes=minutes)).strftime(
        "%Y-%m-%dT%H:%M:%S.000000")


_ids = iter(range(1, 10000))


def rec(instance, source, dest, minutes, status="completed",
        kind="live-migration"):
    return {"id": next(_ids), "instance_uuid": instance,
            "source_compute": source, "dest_compute": dest,
            "status": status, "migration_type": kind,
            "created_at": _at(minutes)}


def test_the_drain_starts_after_the_last_arrival_on_the_host():
    records = [
        rec("old", "cmp1", "cmp2", 0),        # left before an arrival
        rec("came", "cmp3", "cmp1", 10),      # arrival: drain began later
        rec("a", "cmp1", "cmp2", 20),
        rec("b", "cmp1", "cmp3", 21, kind="migration", status="confirmed"),
        rec("came", "cmp1", "cmp3", 22),
    ]
    assert dh.last_drain_start(records, "cmp1") == T0 + \
        datetime.timedelta(minutes=20)


def test_failed_moves_neither_start_nor_end_the_drain():
    records = [
        rec("came", "cmp3", "cmp1", 0, status="error"),  # never arrived
        rec("a", "cmp1", "cmp2", 5),
        rec("b", "cmp1", "cmp2", 6, status="failed"),
        rec("b", "cmp1", "cmp2", 7),
    ]
    assert dh.last_drain_start(records, "cmp1") == T0 + \
        datetime.timedelta(minutes=5)


def test_a_long_pause_ends_the_run_when_a_gap_is_given():
    records = [rec("old", "cmp1", "cmp2", 0), rec("a", "cmp1", "cmp2", 90),
               rec("b", "cmp1", "cmp3", 95)]
    gap = datetime.timedelta(minutes=30)
    assert dh.last_drain_start(records, "cmp1", gap) == T0 + \
        datetime.timedelta(minutes=90)
    assert dh.last_drain_start(records, "cmp1") == T0


def test_no_drain_when_the_newest_move_is_an_arrival_or_none():
    assert dh.last_drain_start([rec("a", "cmp1", "cmp2", 0),
                                rec("a", "cmp2", "cmp1", 5)], "cmp1") is None
    assert dh.last_drain_start([], "cmp1") is None
    # Other hosts' records and resizes on the host say nothing.
    assert dh.last_drain_start([rec("x", "cmp2", "cmp3", 0),
                                rec("y", "cmp1", "cmp1", 1, kind="resize")],
                               "cmp1") is None


def test_moved_away_lists_the_drains_instances_still_where_they_went():
    records = [
        rec("decoy", "cmp1", "cmp3", 0),      # before the drain
        rec("a", "cmp1", "cmp2", 10),
        rec("b", "cmp1", "cmp3", 11, kind="migration", status="finished"),
        rec("c", "cmp1", "cmp2", 12),
        rec("c", "cmp2", "cmp1", 30),         # already back
        rec("d", "cmp1", "cmp2", 13),         # moved on to cmp3 since
        rec("e", "cmp1", "cmp2", 14, status="cancelled"),
    ]
    since = T0 + datetime.timedelta(minutes=10)
    where = {"decoy": "cmp3", "a": "cmp2", "b": "cmp3", "c": "cmp1",
             "d": "cmp3", "e": "cmp1"}
    assert dh.moved_away(records, "cmp1", since, where) == {
        "a": "cmp2", "b": "cmp3"}
    # Without the instances' hosts: by the records only.
    assert dh.moved_away(records, "cmp1", since) == {
        "a": "cmp2", "b": "cmp3", "d": "cmp2"}


def test_records_without_an_instance_or_a_time_or_of_a_resize_say_nothing():
    # Each unusable record is listed before a usable one: it is skipped,
    # the records after it still count.
    for odd in (dict(rec("x", "cmp1", "cmp2", 15), instance_uuid=None),
                dict(rec("x", "cmp1", "cmp2", 15), created_at="garbage"),
                rec("x", "cmp1", "cmp2", 15, kind="resize"),
                rec("x", "cmp4", "cmp2", 15),
                rec("x", "cmp1", "cmp1", 15, kind="migration")):
        records = [odd, rec("a", "cmp1", "cmp2", 20)]
        assert dh.last_drain_start(records, "cmp1") == T0 + \
            datetime.timedelta(minutes=20), odd
        assert dh.moved_away(records, "cmp1", T0) == {"a": "cmp2"}, odd
    # A record of an older Nova without migration_type is a move.
    untyped = dict(rec("b", "cmp1", "cmp3", 25), migration_type=None)
    assert dh.moved_away([untyped], "cmp1", T0) == {"b": "cmp3"}


def test_the_newest_record_is_by_time_then_by_id_not_by_list_order():
    # Nova lists newest first, but pages and other sources can mix the
    # order: the times decide, then the ids (same second).
    back = {"id": 3, "instance_uuid": "a", "source_compute": "cmp2",
            "dest_compute": "cmp1", "status": "completed",
            "migration_type": "live-migration", "created_at": _at(30)}
    left = {"id": 8, "instance_uuid": "a", "source_compute": "cmp1",
            "dest_compute": "cmp2", "status": "completed",
            "migration_type": "live-migration", "created_at": _at(20)}
    assert dh.moved_away([left, back], "cmp1", T0) == {}
    assert dh.last_drain_start([left, back], "cmp1") is None
    same_second = dict(back, id=9, created_at=_at(20))
    assert dh.moved_away([left, same_second], "cmp1", T0) == {}
    assert dh.moved_away([dict(same_second, id=7), left], "cmp1", T0) == {
        "a": "cmp2"}


def test_a_pause_of_exactly_the_gap_does_not_end_the_drain():
    records = [rec("a", "cmp1", "cmp2", 0), rec("b", "cmp1", "cmp3", 30)]
    assert dh.last_drain_start(records, "cmp1",
                               datetime.timedelta(minutes=30)) == T0
    assert dh.last_drain_start(records, "cmp1", datetime.timedelta(
        minutes=29)) == T0 + datetime.timedelta(minutes=30)
