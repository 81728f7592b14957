"""Progress arithmetic of migrations (pure core, small data)."""
import datetime

import pytest

from migration_dashboard.core import maintenance
from migration_dashboard.core import progress as p

GiB = 1024 ** 3


def s(at, total=4 * GiB, processed=None, remaining=None, disk_total=0,
      disk_processed=0, disk_remaining=0):
    return p.Sample(at, total, processed, remaining, disk_total,
                    disk_processed, disk_remaining)


# ------------------------------------------------------------------ percent

def test_percent_from_remaining_memory():
    assert p.raw_percent(s(0, processed=GiB, remaining=3 * GiB)) == 25.0


def test_percent_uses_remaining_not_processed_when_pages_are_resent():
    # processed counts re-sent pages and may exceed the total
    sample = s(0, processed=5 * GiB, remaining=GiB)
    assert p.raw_percent(sample) == 75.0


def test_percent_falls_back_to_processed_and_clamps():
    assert p.raw_percent(s(0, processed=2 * GiB)) == 50.0
    assert p.raw_percent(s(0, processed=9 * GiB)) == 100.0


@pytest.mark.parametrize("total", [0, None])
def test_percent_unknown_for_zero_or_missing_total(total):
    assert p.raw_percent(s(0, total=total, processed=10, remaining=5)) \
        is None
    assert p.progress([s(0, total=total)]).percent is None
    assert p.progress([s(0, total=total)]).state == \
        "no progress reported yet"


def test_percent_counts_disk_bytes_of_a_block_migration():
    sample = s(0, total=2 * GiB, remaining=0, disk_total=6 * GiB,
               disk_processed=2 * GiB, disk_remaining=4 * GiB)
    assert p.raw_percent(sample) == 50.0


def test_disk_total_zero_is_ignored():
    assert p.raw_percent(s(0, remaining=2 * GiB, disk_total=0,
                           disk_remaining=0)) == 50.0


def test_no_samples():
    result = p.progress([])
    assert result.percent is None and not result.stuck


# ------------------------------------------------------------- rate and ETA

def test_rate_and_eta_from_two_samples():
    a = s(0, processed=GiB, remaining=3 * GiB)
    b = s(10, processed=2 * GiB, remaining=2 * GiB)
    assert p.rate(a, b) == GiB / 10
    assert p.eta(a, b) == pytest.approx(20.0)
    result = p.progress([a, b])
    assert result.percent == 50
    assert result.eta == pytest.approx(20.0)
    assert result.state == "transferring"


def test_no_rate_or_eta_from_one_sample_or_same_time():
    a = s(5, processed=GiB, remaining=3 * GiB)
    assert p.rate(None, a) is None and p.eta(None, a) is None
    assert p.rate(a, a) is None and p.eta(a, a) is None


def test_eta_zero_when_nothing_remains():
    assert p.eta(s(0, remaining=GiB), s(1, remaining=0)) == 0.0


# ------------------------------------------------------- going backwards

def test_bar_never_moves_back_and_says_resending_dirty_memory():
    a = s(0, processed=3 * GiB, remaining=GiB)        # 75 %
    b = s(5, processed=4 * GiB, remaining=2 * GiB)    # 50 %: dirty pages
    result = p.progress([a, b])
    assert result.percent == 75
    assert result.raw_percent == 50.0
    assert result.resending
    assert result.state == "re-sending dirty memory"
    assert result.eta is None


def test_previously_shown_percent_holds():
    result = p.progress([s(0, remaining=3 * GiB)], shown=60)
    assert result.percent == 60


def test_small_jitter_is_not_called_resending():
    a = s(0, remaining=2 * GiB)
    b = s(1, remaining=2 * GiB)
    assert not p.progress([a, b]).resending


# ------------------------------------------------------------------ stuck

def test_stuck_when_remaining_does_not_decrease_over_the_window():
    samples = [s(0, remaining=2 * GiB), s(30, remaining=2 * GiB),
               s(60, remaining=2 * GiB + 1), s(90, remaining=2 * GiB)]
    assert p.stuck(samples, window=60) == (True, "not-decreasing")
    assert p.progress(samples, window=60).state == "stuck"


def test_not_stuck_while_it_decreases_or_window_not_covered():
    falling = [s(0, remaining=3 * GiB), s(60, remaining=2 * GiB),
               s(120, remaining=GiB)]
    assert p.stuck(falling, window=60) == (False, None)
    short = [s(0, remaining=GiB), s(10, remaining=GiB)]
    assert p.stuck(short, window=60) == (False, None)


def test_stuck_when_over_the_time_budget():
    assert p.stuck([], window=60, budget=600, elapsed=601) == \
        (True, "budget")
    assert p.stuck([], window=60, budget=600, elapsed=10) == (False, None)


def test_keep_window_keeps_one_older_sample_and_a_limit():
    samples = [s(t, remaining=GiB) for t in range(0, 100, 10)]
    kept = p.keep_window(samples, window=30)
    assert [x.at for x in kept] == [60, 70, 80, 90]
    assert len(p.keep_window(samples, window=1000, limit=3)) == 3


def test_sample_round_trip_and_from_record():
    sample = p.sample_of({"memory_total": "10", "memory_remaining": 4,
                          "disk_total": None}, at=3)
    assert sample.memory_total == 10 and sample.memory_remaining == 4
    assert p.Sample.from_list(sample.to_list()) == sample
    assert p.Sample.from_list([1]) == p.Sample(1)


# ----------------------------------------------------------------- steps

def _states(result):
    return [(x.name, x.state) for x in result]


def test_live_steps():
    assert _states(p.steps("running", "live-migration")) == [
        ("accepted", "done"), ("queued", "done"), ("preparing",
                                                   "done"), ("running", "current"),
        ("post-migrating", "todo"), ("completed", "todo")]
    assert all(x.state == "done"
               for x in p.steps("completed", "live-migration"))


def test_failed_and_cancelled_steps_mark_where_they_stopped():
    for status, end in (("failed", "failed"), ("error", "failed"),
                        ("cancelled", "cancelled")):
        result = p.steps(status, "live-migration", stopped="running")
        assert _states(result) == [
            ("accepted", "done"), ("queued", "done"), ("preparing", "done"),
            ("running", end), ("post-migrating", "todo"),
            ("completed", "todo")]
        # Not known where: no step is marked, none is added.
        assert _states(p.steps(status, "live-migration")) == [
            (name, "todo") for name in p.LIVE_STEPS]


def test_cold_and_evacuation_families():
    assert [x.name for x in p.steps("migrating", "migration")][:3] == [
        "pre-migrating", "migrating", "post-migrating"]
    # Nova finished it: it waits for a confirm, nothing runs.
    assert p.steps("finished", "resize")[3] == p.Step("finished", "waiting")
    assert p.awaiting_confirmation("finished", "migration")
    assert not p.awaiting_confirmation("finished", "live-migration")
    assert not p.awaiting_confirmation("migrating", "migration")
    assert p.steps("reverted", "resize")[-1] == p.Step("reverted", "done")
    assert [x.name for x in p.steps("done", "evacuation")] == [
        "accepted", "pre-migrating", "done", "completed"]


def test_in_progress_uses_the_maintenance_families():
    for status in maintenance.LIVE_IN_PROGRESS:
        assert p.is_in_progress(status, "live-migration")
    # Nova's conductor says "accepted" before a destination is chosen.
    assert p.is_in_progress("accepted", "live-migration")
    assert not p.can_abort("accepted", "live-migration", "2.96")
    assert not p.is_in_progress("completed", "live-migration")
    assert p.is_in_progress("finished", "resize")
    assert p.is_in_progress("done", "evacuation")
    assert not p.is_in_progress("done", "live-migration")
    assert p.is_in_progress("accepted")
    assert p.outcome("error") == "failed"
    assert p.outcome("cancelled") == "cancelled"
    assert p.outcome("confirmed") == "success"


# ---------------------------------------------------- abort/force complete

@pytest.mark.parametrize("status,version,expected", [
    ("running", "2.24", True), ("queued", "2.24", False),
    ("preparing", "2.64", False), ("queued", "2.65", True),
    ("preparing", "2.96", True), ("running", "2.23", False),
    ("post-migrating", "2.96", False), ("completed", "2.96", False),
])
def test_can_abort(status, version, expected):
    assert p.can_abort(status, "live-migration", version) is expected


def test_cannot_abort_or_force_a_cold_migration():
    assert not p.can_abort("running", "migration", "2.96")
    assert not p.can_force_complete("running", "resize", "2.96")


@pytest.mark.parametrize("status,version,expected", [
    ("running", "2.22", True), ("running", "2.21", False),
    ("queued", "2.96", False), ("preparing", "2.96", False),
])
def test_can_force_complete(status, version, expected):
    assert p.can_force_complete(status, "live-migration", version) \
        is expected


def test_version_objects_and_junk():
    from novaclient import api_versions
    assert p.version_at_least(api_versions.APIVersion("2.65"), "2.65")
    assert not p.version_at_least(None, "2.1")
    assert not p.version_at_least("junk", "2.1")


# ------------------------------------------------------------- formatting

def test_human_formatting_and_duration():
    assert p.human_seconds(None) == "-"
    assert p.human_seconds(42) == "42s"
    assert p.human_seconds(185) == "3m 05s"
    assert p.human_seconds(3720) == "1h 02m"
    assert p.human_bytes(512) == "512 B"
    assert p.human_bytes(1.5 * GiB) == "1.5 GiB"
    start = datetime.datetime(2026, 1, 1, 10, 0, 0)
    assert p.duration(start, start + datetime.timedelta(seconds=90)) == 90
    assert p.duration(None, start) is None


def test_a_repeated_reading_gives_no_rate_until_the_bytes_move():
    # Two looks between two of Nova's updates read the same bytes: no
    # "0 B/s" at 30 %, no rate at all until a reading differs; then the
    # rate is from the last reading that differed.
    first = s(0, processed=int(1.2 * GiB), remaining=int(2.8 * GiB))
    again = s(0.4, processed=int(1.2 * GiB), remaining=int(2.8 * GiB))
    result = p.progress([first, again])
    assert result.percent == 30
    assert result.rate is None and result.eta is None
    later = s(10, processed=int(2.2 * GiB), remaining=int(1.8 * GiB))
    once_more = s(10.5, processed=int(2.2 * GiB), remaining=int(1.8 * GiB))
    result = p.progress([first, again, later, once_more])
    # From `again` (0.4 s) to `once_more` (10.5 s): `later` repeats it.
    sent = int(2.2 * GiB) - int(1.2 * GiB)
    assert result.rate == pytest.approx(sent / 10.1)
    fell = int(2.8 * GiB) - int(1.8 * GiB)
    assert result.eta == pytest.approx(int(1.8 * GiB) / (fell / 10.1))


def test_bytes_in_each_binary_unit():
    # The migration page's memory/disk figures (docstring: binary units).
    KiB, MiB, TiB = 1024, 1024 ** 2, 1024 ** 4
    assert [p.human_bytes(v) for v in (
        None, 1023, KiB, MiB, 1.5 * MiB, 3 * GiB, 3 * TiB, 2048 * TiB)] == [
        "-", "1023 B", "1.0 KiB", "1.0 MiB", "1.5 MiB", "3.0 GiB",
        "3.0 TiB", "2048.0 TiB"]


def test_a_sample_reads_each_byte_count_of_the_record():
    # Six different numbers: a field read under another's name shows.
    fields = {"memory_total": 600, "memory_processed": 500,
              "memory_remaining": "400", "disk_total": 300,
              "disk_processed": 200, "disk_remaining": 100}

    class Record:
        pass

    record = Record()
    record.__dict__.update(fields)
    expected = [7.0, 600, 500, 400, 300, 200, 100]
    assert p.sample_of(fields, 7.0).to_list() == expected
    assert p.sample_of(record, 7.0).to_list() == expected
    # Missing or not a number: unknown.
    assert p.sample_of({"memory_total": "n/a"}, 1.0).to_list() == [
        1.0, None, None, None, None, None, None]
    assert p.sample_of(Record(), 1.0).memory_total is None
