"""Edges of stuck detection (core/progress.py) and the stall delay
(services/stall.py), with time given to the code, never read from a clock.

Defaults are pinned by literals: a test that read the constant would pass
if the default changed tenfold.
"""
import datetime

import pytest
from django.test import override_settings

from migration_dashboard.core import progress as p
from migration_dashboard.services import stall

MiB = 1024 * 1024


def at(seconds, remaining, total=1024 * MiB):
    return p.Sample(at=seconds, memory_total=total,
                    memory_remaining=remaining)


# ------------------------------------------------------------ the budget

def test_budget_reached_exactly_is_not_yet_stuck():
    assert p.stuck([], window=60, budget=600, elapsed=600) == (False, None)
    assert p.stuck([], window=60, budget=600, elapsed=600.5) == \
        (True, "budget")


def test_budget_wins_over_a_decreasing_transfer():
    falling = [at(0, 900 * MiB), at(100, 100 * MiB)]
    assert p.stuck(falling, window=60, budget=50, elapsed=51) == \
        (True, "budget")


def test_no_budget_or_no_elapsed_never_stuck_by_budget():
    assert p.stuck([], window=60, budget=None, elapsed=10 ** 6) == \
        (False, None)
    assert p.stuck([], window=60, budget=10, elapsed=None) == (False, None)


# ------------------------------------------------------------ the window

def test_a_sample_exactly_one_window_old_opens_the_window():
    flat = [at(0, 500 * MiB), at(60, 500 * MiB)]
    assert p.stuck(flat, window=60) == (True, "not-decreasing")
    # One second short of the window: not stuck yet.
    assert p.stuck([at(1, 500 * MiB), at(60, 500 * MiB)], window=60) == \
        (False, None)


def test_the_window_starts_at_the_newest_sample_old_enough():
    # Fell from 900 to 500 long ago, then nothing for 150 s: stuck over the
    # last 120 s although it is below where it was 200 s ago.
    samples = [at(0, 900 * MiB), at(50, 500 * MiB), at(200, 600 * MiB)]
    assert p.stuck(samples, window=120) == (True, "not-decreasing")


def test_one_decrease_inside_the_window_is_progress():
    samples = [at(0, 500 * MiB), at(30, 520 * MiB), at(60, 499 * MiB),
               at(90, 530 * MiB)]
    assert p.stuck(samples, window=60) == (False, None)


def test_nothing_left_to_send_is_not_stuck():
    assert p.stuck([at(0, 0), at(300, 0)], window=60) == (False, None)


def test_samples_without_remaining_bytes_are_ignored():
    unknown = p.Sample(at=200)
    assert p.stuck([at(0, 500 * MiB), unknown], window=60) == (False, None)
    assert p.stuck([at(0, 500 * MiB), unknown, at(100, 500 * MiB)],
                   window=60) == (True, "not-decreasing")


def test_one_sample_or_no_window_is_never_stuck():
    assert p.stuck([at(0, 500 * MiB)], window=60) == (False, None)
    assert p.stuck([at(0, 500 * MiB), at(999, 500 * MiB)], window=None) == \
        (False, None)


def test_remaining_from_processed_when_nova_omits_remaining():
    total = 1024 * MiB
    samples = [p.Sample(at=0, memory_total=total, memory_processed=512 * MiB),
               p.Sample(at=90, memory_total=total,
                        memory_processed=512 * MiB)]
    assert p.stuck(samples, window=60) == (True, "not-decreasing")


def test_progress_window_default_is_two_minutes():
    flat_120 = [at(0, 500 * MiB), at(120, 500 * MiB)]
    flat_119 = [at(1, 500 * MiB), at(120, 500 * MiB)]
    assert p.progress(flat_120).stuck
    assert p.progress(flat_120).stuck_reason == "not-decreasing"
    assert not p.progress(flat_119).stuck


def test_stuck_is_the_state_shown_over_resending():
    samples = [at(0, 500 * MiB), at(60, 400 * MiB), at(130, 600 * MiB)]
    result = p.progress(samples, window=60)
    assert result.resending and result.stuck
    assert result.state == "stuck"


def test_keep_window_keeps_what_stuck_needs():
    samples = [at(t, 500 * MiB) for t in range(0, 400, 10)]
    kept = p.keep_window(samples, window=120)
    assert kept[0].at == 270 and kept[-1].at == 390
    assert p.stuck(kept, window=120) == p.stuck(samples, window=120)


# ------------------------------------------------------------ stall delay

NOW = datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def default_stall_settings(settings):
    if hasattr(settings, "MIGRATION_DASHBOARD_STALL_SECONDS"):
        del settings.MIGRATION_DASHBOARD_STALL_SECONDS


def test_stall_default_is_five_minutes(default_stall_settings):
    # The README: "MIGRATION_DASHBOARD_STALL_SECONDS (default 300)".
    assert stall.stall_seconds() == 300
    assert stall.stalled_for(NOW - datetime.timedelta(seconds=299),
                             now=NOW) is None
    assert stall.stalled_for(NOW - datetime.timedelta(seconds=300),
                             now=NOW) == 300


def test_stall_setting_overrides_the_default():
    with override_settings(MIGRATION_DASHBOARD_STALL_SECONDS=30):
        assert stall.stalled_for(NOW - datetime.timedelta(seconds=30),
                                 now=NOW) == 30
        assert stall.stalled_for(NOW - datetime.timedelta(seconds=29.9),
                                 now=NOW) is None


def test_unknown_last_sign_of_life_is_not_stalled():
    assert stall.stalled_for(None, now=NOW) is None


def test_age_text_switches_to_minutes_at_two_minutes():
    assert stall.age_text(119) == "119 seconds"
    assert stall.age_text(120) == "2 minutes"
    assert stall.age_text(1) == "1 second"
