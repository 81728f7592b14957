"""How a migration's progress reads on the migrations page: its outcome
and steps (written from Nova's migration state machine, nova/objects/
migration.py and the compute manager's transitions) and the numbers of a
live migration (bar, bytes, rate, ETA, re-sending, stuck), from
GET /servers/{id}/migrations/{mid} samples computed by hand."""

import datetime

import pytest

from migration_dashboard.core import progress

MiB = 1024 * 1024


def steps(status, migration_type=None, stopped=None):
    return [(s.name, s.state)
            for s in progress.steps(status, migration_type, stopped)]


@pytest.mark.parametrize("status, shown", [
    ("completed", "success"), ("Confirmed", "success"),
    ("failed", "failed"), (" ERROR ", "failed"),
    ("cancelled", "cancelled"),
    ("reverting", "reverted"), ("reverted", "reverted"),
    ("running", "in-progress"), ("finished", "in-progress"),
    ("", "in-progress"), (None, "in-progress"),
])
def test_outcome_of_each_status(status, shown):
    assert progress.outcome(status) == shown


@pytest.mark.parametrize("status, failed", [
    ("failed", True), (" Error ", True), ("cancelled", False),
    ("completed", False), (None, False),
])
def test_failed_or_error_is_a_failed_migration(status, failed):
    assert progress.is_failed(status) is failed


def test_a_finished_resize_waits_for_confirmation():
    assert steps("finished", "resize") == [
        ("pre-migrating", "done"), ("migrating", "done"),
        ("post-migrating", "done"), ("finished", "waiting"),
        ("confirming", "todo"), ("confirmed", "todo")]


def test_a_status_off_the_path_marks_no_step():
    # "accepted" precedes every step of a cold migration's path.
    assert steps("accepted", "migration") == [
        (name, "todo") for name in progress.COLD_STEPS]


def test_a_reverted_cold_migration_walks_back_after_finishing():
    assert [name for name, _ in steps("reverted", "migration")] == [
        "pre-migrating", "migrating", "post-migrating", "finished",
        "reverting", "reverted"]
    assert steps("reverted", "migration")[-1] == ("reverted", "done")


def test_a_record_without_status_or_type_is_a_cold_path_not_started():
    assert steps(None) == [(name, "todo") for name in progress.COLD_STEPS]


# ---------------------------------------------------------------------------
# The numbers of a live migration
# ---------------------------------------------------------------------------


def sample(at, total=1000 * MiB, processed=None, remaining=None,
           disk_total=None, disk_processed=None, disk_remaining=None):
    return progress.Sample(at, total, processed, remaining, disk_total,
                           disk_processed, disk_remaining)


def test_the_page_shows_the_newest_samples_bytes():
    shown = progress.progress([
        sample(0, processed=100 * MiB, remaining=900 * MiB),
        sample(10, processed=300 * MiB, remaining=700 * MiB)])
    assert (shown.memory_total, shown.memory_processed,
            shown.memory_remaining) == (1000 * MiB, 300 * MiB, 700 * MiB)
    assert (shown.disk_total, shown.disk_processed,
            shown.disk_remaining) == (None, None, None)
    assert shown.percent == 30
    # 200 MiB in 10 s, 700 MiB left at 20 MiB/s.
    assert shown.rate == 20 * MiB
    assert shown.eta == 35.0


def test_disk_bytes_shown_only_for_a_block_migration():
    zero_disk = sample(0, remaining=500 * MiB, disk_total=0,
                       disk_processed=4, disk_remaining=9)
    shown = progress.progress([zero_disk])
    assert (shown.disk_total, shown.disk_processed,
            shown.disk_remaining) == (None, None, None)
    block = sample(0, remaining=500 * MiB, disk_total=3000 * MiB,
                   disk_processed=1000 * MiB, disk_remaining=2000 * MiB)
    shown = progress.progress([block])
    assert (shown.disk_total, shown.disk_processed,
            shown.disk_remaining) == (3000 * MiB, 1000 * MiB, 2000 * MiB)
    # 500 + 1000 of 4000 MiB.
    assert shown.percent == 37


def test_nothing_sent_yet_is_zero_percent():
    shown = progress.progress([sample(0, processed=0, remaining=1000 * MiB)])
    assert shown.percent == 0
    assert shown.state == "transferring"


def test_a_block_migration_eta_counts_disk_bytes_left():
    a = sample(0, remaining=100 * MiB, disk_total=1000 * MiB,
               disk_remaining=900 * MiB)
    b = sample(10, remaining=0, disk_total=1000 * MiB,
               disk_remaining=700 * MiB)
    # 1000 MiB left, then 700: 30 MiB/s, 700 MiB to go.
    assert progress.eta(a, b) == pytest.approx(700 / 30)


def test_remaining_from_processed_counts_nothing_negative():
    # Nova's processed counts re-sent pages: it can exceed the total.
    a = sample(0, processed=900 * MiB)
    b = sample(10, processed=1200 * MiB)
    assert progress.eta(a, b) == 0.0
    a = sample(0, processed=200 * MiB)
    b = sample(10, processed=600 * MiB)
    assert progress.eta(a, b) == pytest.approx(400 / 40)


def test_unknown_total_with_processed_bytes_is_no_estimate():
    a = sample(0, total=None, processed=100 * MiB)
    b = sample(10, total=None, processed=200 * MiB)
    assert progress.eta(a, b) is None
    assert progress.progress([a, b]).percent is None


def test_rate_counts_disk_bytes_of_a_block_migration_only():
    a = sample(0, processed=0, disk_total=1000 * MiB, disk_processed=0)
    b = sample(10, processed=100 * MiB, disk_total=1000 * MiB,
               disk_processed=100 * MiB)
    assert progress.rate(a, b) == 20 * MiB
    a = sample(0, processed=0, disk_total=0, disk_processed=0)
    b = sample(10, processed=100 * MiB, disk_total=0,
               disk_processed=100 * MiB)
    assert progress.rate(a, b) == 10 * MiB


@pytest.mark.parametrize("before, after, at, rate", [
    (0, 100 * MiB, 0.5, 200 * MiB),
    (100 * MiB, 100 * MiB, 10, 0.0),
    (200 * MiB, 100 * MiB, 10, None),
    (None, 100 * MiB, 10, None),
    (100 * MiB, None, 10, None),
])
def test_rate_between_two_samples(before, after, at, rate):
    assert progress.rate(sample(0, processed=before),
                         sample(at, processed=after)) == rate


@pytest.mark.parametrize("before, after, at, eta", [
    (500 * MiB, 400 * MiB, 0.5, 2.0),
    (500 * MiB, 1 * MiB, 1, pytest.approx(1 / 499)),
    # Two bytes left, then one: one byte a second, one second to go.
    (2, 1, 1, 1.0),
    (500 * MiB, 500 * MiB, 10, None),
    (500 * MiB, 501 * MiB, 10, None),
    (500 * MiB, None, 10, None),
    (None, 100 * MiB, 10, None),
    (500 * MiB, 400 * MiB, 0, None),
])
def test_eta_between_two_samples(before, after, at, eta):
    assert progress.eta(sample(0, remaining=before),
                        sample(at, remaining=after)) == eta


def test_one_byte_more_left_is_resending():
    a = sample(0, remaining=500 * MiB)
    assert progress.resending(a, sample(1, remaining=500 * MiB + 1))
    assert not progress.resending(a, sample(1, remaining=500 * MiB))
    assert not progress.resending(a, sample(1))
    shown = progress.progress([a, sample(1, remaining=500 * MiB + 1)])
    # Less than half a percent back: the bar holds, the state says why.
    assert shown.resending
    assert shown.eta is None
    assert shown.percent == 50


def test_the_widest_bar_of_all_earlier_samples_holds():
    shown = progress.progress([
        sample(0, remaining=800 * MiB), sample(5, remaining=300 * MiB),
        sample(10, remaining=600 * MiB), sample(15, remaining=650 * MiB)])
    assert (shown.percent, shown.raw_percent) == (70, 35.0)
    assert shown.resending


def test_a_sample_without_bytes_keeps_the_bar_where_it_was():
    shown = progress.progress([
        sample(0, remaining=600 * MiB), sample(5, total=None),
        sample(10, total=None)])
    assert shown.percent == 40
    assert shown.raw_percent is None
    shown = progress.progress([
        sample(0, remaining=500 * MiB), sample(5, total=None),
        sample(10, remaining=600 * MiB)])
    assert (shown.percent, shown.raw_percent) == (50, 40.0)


def test_half_a_percent_back_is_jitter_more_is_resending():
    # The sample before the newest read no bytes: only the bar's drop
    # from the widest one can say "re-sending".
    jitter = progress.progress([
        sample(0, remaining=500 * MiB), sample(1, total=None),
        sample(2, remaining=505 * MiB)])
    assert (jitter.percent, jitter.raw_percent) == (50, 49.5)
    assert not jitter.resending
    back = progress.progress([
        sample(0, remaining=500 * MiB), sample(1, total=None),
        sample(2, remaining=506 * MiB)])
    assert (back.percent, back.resending) == (50, True)


def test_over_budget_before_any_sample_is_stuck():
    shown = progress.progress([], budget=600, elapsed=601)
    assert (shown.stuck, shown.stuck_reason) == (True, "budget")
    assert shown.state == "stuck"
    shown = progress.progress([], budget=600, elapsed=600)
    assert (shown.stuck, shown.stuck_reason) == (False, None)
    assert shown.state == "no progress reported yet"


def test_over_budget_with_samples_is_stuck():
    shown = progress.progress([sample(0, remaining=500 * MiB)], budget=60,
                              elapsed=61)
    assert (shown.stuck, shown.stuck_reason) == (True, "budget")


def test_a_window_that_ends_with_nothing_left_is_not_stuck():
    # The last byte went at the end of the window: done, not stuck.
    samples = [sample(0, remaining=1), sample(60, remaining=1),
               sample(120, remaining=1)]
    assert progress.stuck(samples, 120) == (True, "not-decreasing")
    samples = [sample(0, remaining=0), sample(60, remaining=0),
               sample(120, remaining=0)]
    assert progress.stuck(samples, 120) == (False, None)


def test_only_samples_after_the_window_start_count():
    # The window starts at 10 s (the newest sample 120 s old); 400 MiB
    # then, 300 MiB after: decreasing, whatever came before 10 s.
    samples = [sample(0, remaining=200 * MiB), sample(10, remaining=400 * MiB),
               sample(70, remaining=300 * MiB), sample(130, remaining=300 * MiB)]
    assert progress.stuck(samples, 120) == (False, None)


def test_keep_window_keeps_thirty_samples_by_default():
    samples = [sample(i, remaining=MiB) for i in range(40)]
    kept = progress.keep_window(samples, 1000)
    assert [s.at for s in kept] == list(range(10, 40))


def test_duration_between_two_times():
    start = datetime.datetime(2026, 1, 1, 12, 0, 0)
    assert progress.duration(start, start) == 0.0
    assert progress.duration(start, start + datetime.timedelta(
        seconds=0.5)) == 0.5
    assert progress.duration(start + datetime.timedelta(seconds=5),
                             start) == 0.0


def test_a_sample_list_longer_than_a_sample_is_cut():
    values = [1, 2, 3, 4, 5, 6, 7, 8]
    assert progress.Sample.from_list(values) == progress.Sample(
        1, 2, 3, 4, 5, 6, 7)


def test_no_bytes_reported_yet():
    shown = progress.progress([sample(0)])
    assert (shown.percent, shown.raw_percent) == (None, None)
    assert shown.state == "no progress reported yet"


def test_processed_zero_is_zero_percent_not_unknown():
    shown = progress.progress([sample(0, processed=0)])
    assert shown.percent == 0
    assert shown.state == "transferring"


def test_more_left_than_the_total_is_nothing_done():
    # Dirty pages: Nova's remaining can exceed the total.
    shown = progress.progress([sample(0, remaining=1100 * MiB)])
    assert (shown.percent, shown.raw_percent) == (0, 0.0)


@pytest.mark.parametrize("disk, percent", [
    # 1000 MiB of memory half sent, 1000 MiB of disk.
    (dict(disk_processed=None, disk_remaining=250 * MiB), 62.5),
    (dict(disk_processed=750 * MiB, disk_remaining=None), 62.5),
])
def test_disk_bytes_from_remaining_or_processed(disk, percent):
    s = sample(0, remaining=500 * MiB, disk_total=1000 * MiB, **disk)
    assert progress.raw_percent(s) == percent


def test_disk_bytes_of_shared_storage_are_not_left_to_send():
    # disk_total 0: no block migration, whatever disk_remaining says.
    a = sample(0, remaining=200 * MiB, disk_total=0,
               disk_remaining=900 * MiB)
    b = sample(10, remaining=100 * MiB, disk_total=0,
               disk_remaining=900 * MiB)
    assert progress.eta(a, b) == 10.0


def test_block_migration_done_when_memory_and_disk_are_sent():
    a = sample(0, remaining=100 * MiB, disk_total=1000 * MiB,
               disk_remaining=100 * MiB)
    b = sample(10, remaining=0, disk_total=1000 * MiB, disk_remaining=0)
    assert progress.eta(a, b) == 0.0


def test_no_eta_while_the_bar_holds_after_dirty_pages():
    # 70 % shown, then 40 %, then 45 %: the remaining bytes fall again,
    # but the bar still holds at 70 % and an ETA would be a guess.
    shown = progress.progress([
        sample(0, remaining=300 * MiB), sample(5, remaining=600 * MiB),
        sample(10, remaining=550 * MiB)])
    assert (shown.percent, shown.resending, shown.eta) == (70, True, None)


def test_the_bar_is_never_wider_than_full():
    shown = progress.progress([sample(0, remaining=0)], shown=120)
    assert shown.percent == 100
