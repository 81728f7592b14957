"""Marker paging of a list the page already holds in full (no Django).

The hosts overview fetches every host in three list calls (Nova cannot page
services and hypervisors together); rendering them all is what costs, so
the page shows one slice.  Markers are row names, as in Horizon's API
paging: the next page starts after the last name shown, the previous page
ends before the first one.  Rows are found by name order, not position, so
a marker stays meaningful when hosts come or go between two loads (even
when the marker's own host is gone).
"""
import bisect
import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(name):
    """Sort key putting cmp2 before cmp10 (numbers compared as numbers,
    letters without case); the name itself breaks ties, so the order is
    total and stable."""
    parts = _DIGITS.split(name or "")
    # split() alternates text and digits, so the types at each position of
    # two keys always match.  A number compares by its length without
    # leading zeros, then its digits: the order of int() without its
    # limit on long digit strings (a 5,000-digit marker is a ValueError).
    return (tuple((len(p.lstrip("0")), p.lstrip("0")) if i % 2
                  else p.lower() for i, p in enumerate(parts)), name or "")


def page(rows, name, size, marker=None, prev_marker=None):
    """(rows of the page, has_prev, has_more).

    ``rows`` in the natural order of ``name(row)``; ``marker``: the name of
    the last row of the page before (next page); ``prev_marker``: the name
    of the first row of the page after (previous page); neither: the first
    page.  ``size`` rows a page.
    """
    keyed = sorted(((natural_key(name(row)), row) for row in rows),
                   key=lambda pair: pair[0])
    keys = [k for k, _row in keyed]
    size = max(1, int(size))
    if marker is not None:
        start = bisect.bisect_right(keys, natural_key(marker))
        end = start + size
    elif prev_marker is not None:
        end = bisect.bisect_left(keys, natural_key(prev_marker))
        start = max(0, end - size)
    else:
        start, end = 0, size
    return ([row for _k, row in keyed[start:end]], start > 0,
            end < len(keyed))
