"""Where a failed or cancelled migration stopped, and whose logs say why,
from its instance action's events (core/migration_events.py)."""
from migration_dashboard.core import migration_events as ev
from migration_dashboard.core import progress as p


def _events(*pairs):
    return [{"event": name, "result": result, "host": host}
            for name, result, host in pairs]


LIVE_OK_TO_PRE = (
    ("conductor_live_migrate_instance", "Success", None),
    ("compute_check_can_live_migrate_destination", "Success", "cmp2"),
    ("compute_live_migration", "Success", "cmp1"))


def test_failed_event_names_its_step():
    events = _events(*LIVE_OK_TO_PRE,
                     ("compute_pre_live_migration", "Error", "cmp2"))
    assert ev.stopped_at(p.LIVE_STEPS, events) == "preparing"


def test_without_a_failed_event_the_furthest_step_reached():
    events = _events(*LIVE_OK_TO_PRE,
                     ("compute_pre_live_migration", "Success", "cmp2"),
                     ("compute_rollback_live_migration_at_destination",
                      "Success", "cmp2"))
    assert ev.stopped_at(p.LIVE_STEPS, events) == "running"
    assert ev.stopped_at(p.LIVE_STEPS, _events(*LIVE_OK_TO_PRE)) == "queued"


def test_cold_and_evacuation_steps():
    cold = _events(("conductor_migrate_server", "Success", None),
                   ("compute_prep_resize", "Error", "cmp2"))
    assert ev.stopped_at(p.COLD_STEPS, cold) == "pre-migrating"
    cold = _events(("conductor_migrate_server", "Success", None),
                   ("compute_prep_resize", "Success", "cmp2"),
                   ("compute_resize_instance", "Success", "cmp1"),
                   ("compute_finish_resize", "Error", "cmp2"))
    assert ev.stopped_at(p.COLD_STEPS, cold) == "post-migrating"
    evac = _events(("compute_rebuild_instance", "Error", "cmp2"))
    assert ev.stopped_at(p.EVACUATION_STEPS, evac) == "pre-migrating"


def test_nothing_ran_or_nothing_known():
    # An action whose first step failed outside the known events: where
    # it began.  No events at all: unknown.
    odd = _events(("compute_something_new", "Error", "cmp1"))
    assert ev.stopped_at(p.LIVE_STEPS, odd) == "accepted"
    assert ev.stopped_at(p.LIVE_STEPS, []) is None
    assert ev.stopped_at(p.LIVE_STEPS, None) is None


def test_log_sources_most_telling_first_each_once():
    events = _events(("compute_pre_live_migration", "Error", "cmp2"))
    assert ev.log_sources("cmp1", "cmp2", events) == [
        ev.LogSource("nova-compute", "cmp2", "failed-event"),
        ev.LogSource("nova-compute", "cmp1", "source")]
    assert ev.log_sources("cmp1", "cmp2", []) == [
        ev.LogSource("nova-compute", "cmp1", "source"),
        ev.LogSource("nova-compute", "cmp2", "destination")]
    # No destination chosen: the conductor (scheduling, pre-checks).
    conductor = _events(("conductor_live_migrate_instance", "Error", None))
    assert ev.log_sources("cmp1", None, conductor) == [
        ev.LogSource("nova-conductor", None, "failed-event"),
        ev.LogSource("nova-compute", "cmp1", "source")]
    # From 2.62 the event names the conductor's host: named, and once.
    conductor = _events(("conductor_live_migrate_instance", "Error", "ctl"))
    assert ev.log_sources("cmp1", None, conductor) == [
        ev.LogSource("nova-conductor", "ctl", "failed-event"),
        ev.LogSource("nova-compute", "cmp1", "source")]
    assert ev.log_sources("cmp1", None, []) == [
        ev.LogSource("nova-compute", "cmp1", "source"),
        ev.LogSource("nova-conductor", None, "conductor")]


def test_an_unknown_failed_event_leaves_the_steps_reached_to_say():
    # A failed event of a step not known here says nothing; the events
    # that succeeded after it still tell how far the move went.
    events = _events(("compute_something_new", "Error", "cmp1"),
                     ("compute_pre_live_migration", "Success", "cmp2"))
    assert ev.stopped_at(p.LIVE_STEPS, events) == "running"
    # An event still running (no result yet) neither.
    events = _events(("compute_live_migration", None, "cmp1"),
                     ("compute_pre_live_migration", "Success", "cmp2"))
    assert ev.stopped_at(p.LIVE_STEPS, events) == "running"
