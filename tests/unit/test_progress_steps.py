"""How a migration's outcome and steps read on the migrations page, each
status written from Nova's migration state machine (nova/objects/
migration.py and the compute manager's transitions)."""

import pytest

from migration_dashboard.core import progress


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
