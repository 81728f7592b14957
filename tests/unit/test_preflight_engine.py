"""The pre-flight engine over a plan (``check_many``): which rules run for
each kind of move and destination, and what each instance it lets move
takes on its destination for the next ones (written from Nova's
scheduler and Placement behaviour, by hand)."""

import pytest

from migration_dashboard.core import preflight as pf
from tests.unit.test_preflight import cold, find, live, make_host, make_instance

pytestmark = pytest.mark.usefixtures("findings_are_well_said")


def test_second_instance_sees_the_ram_the_first_one_takes():
    src = make_host("cmp1", instance_ids=frozenset({"a", "b"}))
    dst = make_host("cmp2", free_ram_mb=3072)
    plan = pf.check_many([make_instance(id="a"), make_instance(id="b")],
                         src, dst, live())
    assert not pf.has_blockers(plan["a"])
    assert pf.has_blockers(plan["b"])
