"""What every plan must say well, whichever part of the planner made it:
each finding (the planner's own and the pre-flight's) has one of the three
severities and a published code, and every word an operator reads on a
plan -- each finding's message, remedy and reason, each row's "why" -- is
translatable, in the committed catalogue, with no placeholder left and no
None (see finding_checks, the same check for the pre-flight engine).

The fixture ``plans_are_well_said`` checks every plan built during a test
(drains and move backs), each test starting with an empty request cache.
"""
import pytest

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.planning import (
    PLAN_CODES,
    drain,
    move_back,
    strategy,
)
from tests.unit.finding_checks import problems
from tests.unit.finding_checks import problems_of_words


def problems_of_plan(plan):
    found = []
    rows = [(None, f) for f in plan.findings]
    rows += [(r.instance_id, f) for r in plan.rows for f in r.findings]
    codes = PLAN_CODES | pf.FINDING_CODES
    for where, f in rows:
        said = "%s %s" % (where or "plan", f.code)
        found += ["%s: %s" % (said, p) for p in problems(f, codes)]
    for r in plan.rows:
        found += problems_of_words(r.why, "%s why" % r.instance_id)
    return found


@pytest.fixture
def plans_are_well_said(monkeypatch):
    """Fail the test when a plan says something badly."""
    bad = []
    build = drain.build_plan

    def checked(*args, **kwargs):
        plan = build(*args, **kwargs)
        bad.extend(problems_of_plan(plan))
        return plan

    # Each test plans as the first plan of a worker does: no request
    # left in the process-wide cache by an earlier test (what a wrong
    # request built on a cache miss would hide).
    monkeypatch.setattr(strategy, "_REQUESTS", {})
    monkeypatch.setattr(drain, "build_plan", checked)
    monkeypatch.setattr(move_back, "build_plan", checked)
    yield
    assert not bad, bad


def only(findings, code):
    """The one finding of ``code`` (fails when there are none or several)."""
    (f,) = [f for f in findings if f.code == code]
    return f
