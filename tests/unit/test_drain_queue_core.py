"""The drain queue's pure part: which moves go now, which wait."""
import unittest

from migration_dashboard.core import drain_queue as dq


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


class ConfiguredInFlightTests(unittest.TestCase):
    """MIGRATION_DASHBOARD_DRAIN_IN_FLIGHT as the README states it: the
    default N, 2 when unset or not a number, kept within 1..50."""

    def test_not_a_number_is_the_default_two(self):
        for value in (None, "two", ""):
            self.assertEqual(2, dq.clamp(value), value)

    def test_kept_within_one_and_fifty(self):
        self.assertEqual([1, 1, 7, 50, 50],
                         [dq.clamp(v) for v in (-3, 0, "7", 50, 51)])
