"""Facts that gathering, pre-flight and planning must decide alike, and the
destination picker built on the pre-flight engine (``Facts.candidates``)."""

import pytest

from openstack_dashboard.test import helpers as test

from migration_dashboard.services import gather as facts
from migration_dashboard.core import planning
from migration_dashboard.core import preflight
from tests.unit import fixtures as f
from tests.unit import test_facts
from tests.unit.test_preflight import make_host, make_instance

# The aggregate filter convention for pinned hosts accepts any true value
# Nova's strutils accepts; the gathering of facts once took only "true".
PINNED_VALUES = ("1", "yes", "true")
PINNED = "aggregate_instance_extra_specs:pinned"


def _facts(source, hosts, instances):
    return facts.Facts(
        source=source,
        hosts={h.name: h for h in hosts},
        instances=list(instances),
        api_instances={},
        microversion="2.96",
    )


# ---------------------------------------------------------------------------
# The destination picker
# ---------------------------------------------------------------------------


def test_picker_orders_usable_hosts_first_and_explains_the_rest():
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    small = make_host("cmp2", free_ram_mb=1024)
    disabled = make_host(
        "cmp3", status="disabled", disabled_reason="maintenance"
    )
    good = make_host("cmp4")
    warned = make_host("cmp5", cpu_info=None)
    picker = _facts(src, [src, small, disabled, good, warned],
                    [make_instance()]).candidates("live")
    names = [host.name for host, _usable, _reasons in picker]
    assert "cmp1" not in names
    assert [usable for _h, usable, _r in picker] == [True, True, False,
                                                     False]
    assert names[:2] == ["cmp4", "cmp5"]
    greyed = {host.name: reasons for host, usable, reasons in picker
              if not usable}
    assert any("2048 MiB" in r for r in greyed["cmp2"])
    assert any("disabled" in r for r in greyed["cmp3"])


def test_picker_has_no_usable_host_when_the_instance_cannot_move():
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    picker = _facts(
        src, [src, make_host("cmp2"), make_host("cmp3")],
        [make_instance(status="VERIFY_RESIZE")],
    ).candidates("live")
    assert picker and not any(usable for _h, usable, _r in picker)


# ---------------------------------------------------------------------------
# "Is this instance pinned": gathering, pre-flight and planning alike
# ---------------------------------------------------------------------------


class PinnedAggregateGatherTests(test.BaseAdminViewTests):
    """With pinned=1 or yes the facts must learn which instances run on each
    host, or the empty-destination rule cannot check."""

    # The gathering of test_facts, its Nova and Placement answers faked.
    _mocks = test_facts.GatherTests._mocks
    _gather = test_facts.GatherTests._gather

    def test_facts_read_who_runs_where_for_every_true_value(self):
        for value in PINNED_VALUES:
            with self.subTest(pinned=value):
                db = f.instance("db", "cmp1", extra_specs={PINNED: value})
                result, mocks = self._gather(
                    [db, f.instance("web", "cmp2")], ["inst-db"])
                self.assertTrue(mocks[1].call_args.kwargs["with_servers"])
                busy = [x.code for x in result.check("live", "cmp2")[
                    "inst-db"]]
                self.assertIn("pinned-dest-not-empty", busy)
                self.assertNotIn("pinned-dest-unknown", busy)
                empty = [x.code for x in result.check("live", "cmp3")[
                    "inst-db"]]
                self.assertNotIn("pinned-dest-not-empty", empty)
                self.assertNotIn("pinned-dest-unknown", empty)


@pytest.mark.parametrize("value", PINNED_VALUES)
def test_preflight_treats_the_instance_as_pinned(value):
    inst = make_instance(extra_specs={PINNED: value})
    src = make_host("cmp1", instance_ids=frozenset({inst.id}))
    unknown = make_host("cmp2", instance_ids=None)
    findings = preflight.check(inst, src, unknown,
                               preflight.Request(preflight.Kind.LIVE))
    assert "pinned-dest-unknown" in {x.code for x in findings}
    busy = make_host("cmp3", instance_ids=frozenset({"other"}))
    findings = preflight.check(inst, src, busy,
                               preflight.Request(preflight.Kind.LIVE))
    assert "pinned-dest-not-empty" in {x.code for x in findings}


@pytest.mark.parametrize("value", PINNED_VALUES)
def test_plan_treats_the_instance_as_pinned(value):
    pinned = make_instance(id="i-db", name="db",
                           extra_specs={PINNED: value})
    plain = make_instance(id="i-web", name="web")
    src = make_host("cmp1", status="disabled",
                    instance_ids=frozenset({"i-db", "i-web"}))
    busy = make_host("cmp2", instance_ids=frozenset({"other"}))
    plan = planning.plan_drain(src, [pinned, plain], [busy],
                               default_destination="cmp2")
    assert "pinned-dest-not-empty" in {x.code for x in
                                       plan.row("i-db").findings}
    assert "pinned-dest-not-empty" not in {x.code for x in
                                           plan.row("i-web").findings}
