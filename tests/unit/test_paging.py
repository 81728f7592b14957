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
