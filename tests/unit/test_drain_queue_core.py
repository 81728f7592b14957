"""The drain queue's pure part: which moves go now, which wait."""
import unittest

from migration_dashboard.core import drain_queue as dq
from migration_dashboard.core import planning
from tests.unit import finding_checks


def _entries(*ids, restricted=()):
    return [dq.Entry(id=i, name=i.upper(), restricted=i in restricted)
            for i in ids]


class DeriveTests(unittest.TestCase):

    def test_only_the_free_places_are_sent_from_the_head(self):
        entries = _entries("a", "b", "c", "d", "e")
        state = dq.derive(entries, {"b", "c", "d", "e"}, {"a"}, limit=2)
        self.assertEqual(["b"], [e.id for e in state.to_send])
        self.assertEqual(["b", "c", "d", "e"], [e.id for e in state.queued])
        self.assertEqual((2, 4), state.position("c"))
        self.assertIsNone(state.position("a"))  # in flight, not queued
        self.assertEqual(3, state.waiting)

    def test_nothing_sent_while_every_place_is_taken(self):
        entries = _entries("a", "b", "c")
        state = dq.derive(entries, {"c"}, {"a", "b"}, limit=2)
        self.assertEqual((), state.to_send)
        self.assertEqual(0, state.free)

    def test_moves_that_are_not_the_drains_take_places_too(self):
        # Nova must never see more than N moves off the host, whoever
        # started them.
        entries = _entries("a", "b", "c")
        state = dq.derive(entries, {"a", "b", "c"}, {"x-foreign"}, limit=2)
        self.assertEqual(["a"], [e.id for e in state.to_send])

    def test_more_in_flight_than_n_sends_nothing(self):
        entries = _entries("a", "b")
        state = dq.derive(entries, {"a", "b"}, {"x", "y", "z"}, limit=2)
        self.assertEqual((), state.to_send)
        self.assertEqual(0, state.free)

    def test_refused_moves_leave_the_queue_and_it_goes_on(self):
        entries = _entries("a", "b", "c")
        state = dq.derive(entries, {"a", "b", "c"}, set(), limit=1,
                          refused={"a"})
        self.assertEqual(["b"], [e.id for e in state.to_send])
        self.assertEqual((1, 2), state.position("b"))

    def test_restricted_moves_stay_at_the_head(self):
        # The order is the plan's: the planner puts restricted rows first.
        entries = _entries("vtpm", "a", "b", restricted={"vtpm"})
        state = dq.derive(entries, {"vtpm", "a", "b"}, set(), limit=1)
        self.assertEqual(["vtpm"], [e.id for e in state.to_send])

    def test_two_readers_of_the_same_state_pick_the_same_moves(self):
        entries = _entries(*"abcdefgh")
        one = dq.derive(entries, set("cdefgh"), {"a"}, limit=3)
        two = dq.derive(list(entries), set("hgfedc"), ["a"], limit=3)
        self.assertEqual(one.to_send, two.to_send)
        self.assertEqual(["c", "d"], [e.id for e in one.to_send])

    def test_an_id_both_waiting_and_in_flight_is_in_flight(self):
        # A read between the accept and the task state: never twice.
        entries = _entries("a", "b")
        state = dq.derive(entries, {"a", "b"}, {"a"}, limit=2)
        self.assertEqual(["b"], [e.id for e in state.to_send])

    def test_limit_below_one_is_one(self):
        state = dq.derive(_entries("a", "b"), {"a", "b"}, (), limit=0)
        self.assertEqual(["a"], [e.id for e in state.to_send])


class EntryTests(unittest.TestCase):

    def test_plain_round_trip(self):
        e = dq.Entry(id="i", name="n", kind=dq.COLD, destination="cmp3",
                     block=None, restricted=True)
        self.assertEqual(e, dq.Entry.from_plain(e.to_plain()))


def _row(iid, strategy, name=None, destination=None, block=None,
         restricted=False):
    return planning.PlanRow(
        instance_id=iid, name=name, status="ACTIVE", source="cmp1",
        strategy=strategy, destination=destination, block_migration=block,
        findings=(), why="", restricted=restricted)


class EntriesFromPlanTests(unittest.TestCase):
    """The queue is the plan's moving rows in the plan's order, each
    carrying what will be sent to Nova for it."""

    def test_each_moving_row_as_it_will_be_sent(self):
        S = planning.Strategy
        rows = (
            _row("i-live", S.LIVE, "web", "cmp2", block=False),
            _row("i-block", S.LIVE_BLOCK, "db", None, block=True),
            _row("i-auto", S.LIVE_BLOCK, None, None, block=None),
            _row("i-cold", S.COLD, "batch", "cmp3", block=None,
                 restricted=True),
            _row("i-stays", S.BLOCKED, "pinned"),
        )
        plan = planning.Plan(
            direction="drain", host="cmp1", rows=rows,
            order=("i-cold", "i-live", "i-block", "i-auto"), counts={},
            ram_mb=0, vcpus=0, disk_gb=0, hosts_used=(), findings=(),
            microversion="2.95", submittable=True)
        self.assertEqual([
            dq.Entry(id="i-cold", name="batch", kind=dq.COLD,
                     destination="cmp3", block=None, restricted=True),
            dq.Entry(id="i-live", name="web", kind=dq.LIVE,
                     destination="cmp2", block=False, restricted=False),
            dq.Entry(id="i-block", name="db", kind=dq.LIVE,
                     destination=None, block=True, restricted=False),
            # No decision on the block copy: Nova decides ("auto").
            dq.Entry(id="i-auto", name="", kind=dq.LIVE, destination=None,
                     block="auto", restricted=False),
        ], dq.entries_from_plan(plan))

    def test_a_plan_without_moves_queues_nothing(self):
        plan = planning.Plan(
            direction="drain", host="cmp1",
            rows=(_row("i", planning.Strategy.SKIPPED),), order=(),
            counts={}, ram_mb=0, vcpus=0, disk_gb=0, hosts_used=(),
            findings=(), microversion="2.95", submittable=False)
        self.assertEqual([], dq.entries_from_plan(plan))


class LimitTests(unittest.TestCase):

    def test_valid_values(self):
        for raw, want in (("1", 1), ("50", 50), (" 7 ", 7), (3, 3)):
            self.assertEqual((want, None), dq.parse_limit(raw), raw)

    def test_empty_is_the_default(self):
        self.assertEqual((2, None), dq.parse_limit(""))
        self.assertEqual((5, None), dq.parse_limit(None, default=5))
        # A misconfigured default is brought into range, not trusted.
        self.assertEqual((50, None), dq.parse_limit("", default=500))
        self.assertEqual((1, None), dq.parse_limit("", default=0))
        # Not given and no default: None (the caller's own default).
        self.assertEqual((None, None), dq.parse_limit(None, default=None))

    def test_out_of_range_and_junk_are_errors(self):
        for raw in ("0", "51", "-1", "2.5", "x", "1e3", "9" * 5000, "٣"):
            value, error = dq.parse_limit(raw)
            self.assertIsNone(value, raw)
            self.assertTrue(error, raw)

    def test_the_error_says_what_is_wrong_in_the_readers_language(self):
        # The form shows these words next to the field.
        self.assertEqual((None, "not a whole number"), dq.parse_limit("x"))
        self.assertEqual((None, "outside 1..50"), dq.parse_limit("51"))
        for raw in ("x", "0"):
            error = dq.parse_limit(raw)[1]
            self.assertEqual(
                [], finding_checks.problems_of_words(error, "error"), raw)


class ConfiguredInFlightTests(unittest.TestCase):
    """MIGRATION_DASHBOARD_DRAIN_IN_FLIGHT as the README states it: the
    default N, 2 when unset or not a number, kept within 1..50."""

    def test_not_a_number_is_the_default_two(self):
        for value in (None, "two", ""):
            self.assertEqual(2, dq.clamp(value), value)

    def test_kept_within_one_and_fifty(self):
        self.assertEqual([1, 1, 7, 50, 50],
                         [dq.clamp(v) for v in (-3, 0, "7", 50, 51)])
