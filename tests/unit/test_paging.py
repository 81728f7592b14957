"""Unit tests for migration_dashboard.core.paging (no Django)."""
from migration_dashboard.core import paging

NAMES = ["cmp10", "cmp2", "CMP3", "cmp1", "db1", "cmp", "cmp02"]


def _page(names, size, **markers):
    return paging.page(names, str, size, **markers)


def test_natural_order_numbers_as_numbers_letters_without_case():
    assert sorted(NAMES, key=paging.natural_key) == [
        "cmp", "cmp1", "cmp02", "cmp2", "CMP3", "cmp10", "db1"]


def test_pages_forward_and_back_cover_every_name_once():
    seen, marker, more = [], None, True
    while more:
        rows, prev, more = _page(NAMES, 3, marker=marker)
        assert prev == bool(seen)
        seen += rows
        marker = rows[-1]
    assert seen == sorted(NAMES, key=paging.natural_key)
    rows, prev, more = _page(NAMES, 3, prev_marker="cmp10")
    assert (rows, prev, more) == (["cmp02", "cmp2", "CMP3"], True, True)
    assert _page(NAMES, 3, prev_marker="cmp02") == (["cmp", "cmp1"], False,
                                                    True)


def test_marker_of_a_host_gone_since_still_places_the_page():
    names = ["cmp1", "cmp2", "cmp4", "cmp5"]
    assert _page(names, 2, marker="cmp3") == (["cmp4", "cmp5"], True, False)
    assert _page(names, 2, prev_marker="cmp3") == (["cmp1", "cmp2"], False,
                                                   True)
    assert _page(names, 2, marker="zzz") == ([], True, False)


def test_numbers_and_case_further_in_the_name():
    # Every number of a name compares as a number, every text without
    # case ("_" sorts before letters, as in a case-blind listing).
    assert sorted(["r1n10", "r1n2", "r1N3"], key=paging.natural_key) == [
        "r1n2", "r1N3", "r1n10"]
    assert sorted(["rack1-B", "rack1-a", "rack1-c"],
                  key=paging.natural_key) == ["rack1-a", "rack1-B",
                                              "rack1-c"]
    assert sorted(["computeA", "compute_b"], key=paging.natural_key) == [
        "compute_b", "computeA"]


def test_a_row_without_a_name_comes_first():
    assert _page(["cmp1", "", "a"], 2) == (["", "a"], False, True)
    rows = [("cmp1", 1), (None, 2)]
    assert paging.page(rows, lambda r: r[0], 5)[0] == [(None, 2),
                                                      ("cmp1", 1)]


def test_two_rows_of_the_same_name_are_both_shown_in_their_order():
    # Nova can list two compute services of one host (re-registered).
    rows = [{"host": "cmp2", "n": 1}, {"host": "cmp1", "n": 2},
            {"host": "cmp1", "n": 3}]
    shown, prev, more = paging.page(rows, lambda r: r["host"], 5)
    assert [r["n"] for r in shown] == [2, 3, 1]
    assert (prev, more) == (False, False)


def test_page_size_and_the_edges_of_the_first_page():
    names = ["cmp1", "cmp2", "cmp3"]
    assert _page(names, 1) == (["cmp1"], False, True)
    # A size below one shows one row.
    assert _page(names, 0) == (["cmp1"], False, True)
    assert _page(names, "2") == (["cmp1", "cmp2"], False, True)
    # After the first row: a previous page holds that one row.
    assert _page(names, 1, marker="cmp1") == (["cmp2"], True, True)
    assert _page(names, 3) == (names, False, False)
