"""Nova API microversions as one comparable type.

``Microversion.parse("2.25")`` gives ``Microversion(2, 25)``: a named tuple,
so it compares in version order with other microversions (and with plain
``(major, minor)`` tuples) and prints as ``"2.25"``.  The constants below
name what a microversion changes for moving instances, so that the rules
compare ``mv >= BLOCK_MIGRATION_AUTO`` rather than ``mv >= (2, 25)``.

Pure Python: no Django, no novaclient (an ``APIVersion`` is accepted by
duck typing: anything with ``ver_major``/``ver_minor``).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

__all__ = [
    "Microversion",
    "parse",
    "at_least",
    "capped",
    "LATEST",
    "FORCE_COMPLETE",
    "ABORT_LIVE",
    "BLOCK_MIGRATION_AUTO",
    "EVACUATE_FORCE",
    "LIVE_MIGRATE_FORCE",
    "COLD_MIGRATE_HOST",
    "ABORT_QUEUED",
    "FORCE_REMOVED",
    "EVACUATE_STOPPED",
    "EVENT_HOST",
    "MIGRATION_REQUESTER",
    "EVENT_DETAILS",
]


class Microversion(NamedTuple):
    major: int
    minor: int

    def __str__(self):
        return "%d.%d" % (self.major, self.minor)

    @classmethod
    def parse(cls, value) -> "Microversion":
        """See :func:`parse`."""
        return parse(value)


def parse(value) -> Microversion:
    """A Microversion from "2.96", "latest" (above every real version), a
    (major, minor) tuple, a Microversion or an ``APIVersion``.  Raises
    ValueError for anything else (None, "", "junk")."""
    try:
        return _parse_cached(value)
    except TypeError:  # unhashable: not cached
        return _parse(value)


def _parse(value):
    if isinstance(value, Microversion):
        return value
    if isinstance(value, tuple):
        return Microversion(*value)
    if hasattr(value, "ver_major"):
        return Microversion(int(value.ver_major), int(value.ver_minor))
    if value is None:
        raise ValueError("no microversion")
    text = str(value).strip().lower()
    if text == "latest":
        return LATEST
    major, _, minor = text.partition(".")
    return Microversion(int(major), int(minor or 0))


# Pages and checks parse the same few versions over and over.
_parse_cached = functools.lru_cache(maxsize=64)(_parse)


def at_least(version, minimum) -> bool:
    """``version`` >= ``minimum``; False when ``version`` is None or not a
    microversion (an unknown version grants nothing)."""
    try:
        return parse(version) >= parse(minimum)
    except (TypeError, ValueError):
        return False


def capped(wanted, cloud_max):
    """The microversion to send: ``wanted``, or the cloud's maximum when
    that is lower (None: unknown, ``wanted`` is used).  Returns whichever
    value was given, unchanged."""
    if cloud_max and parse(cloud_max) < parse(wanted):
        return cloud_max
    return wanted


LATEST = Microversion(2, 10**6)

# What each microversion changes for moves (Nova's API reference).
FORCE_COMPLETE = Microversion(2, 22)  # force-complete a live migration
ABORT_LIVE = Microversion(2, 24)  # abort a running live migration
# Live migration: block_migration "auto" (and disk_over_commit dropped).
BLOCK_MIGRATION_AUTO = Microversion(2, 25)
# Below these a chosen destination is always forced (no scheduler); from
# them on, only with force=True.
EVACUATE_FORCE = Microversion(2, 29)
LIVE_MIGRATE_FORCE = Microversion(2, 30)
COLD_MIGRATE_HOST = Microversion(2, 56)  # cold migration to a chosen host
ABORT_QUEUED = Microversion(2, 65)  # abort a queued/preparing one too
FORCE_REMOVED = Microversion(2, 68)  # the force flag is gone
EVACUATE_STOPPED = Microversion(2, 95)  # evacuated instances stay SHUTOFF
# What Nova records of a move, from these on (before: nothing to show).
EVENT_HOST = Microversion(2, 62)  # an instance action event's host
MIGRATION_REQUESTER = Microversion(2, 80)  # a migration's user/project
EVENT_DETAILS = Microversion(2, 84)  # a failed event's reason
