"""Facts that gathering, pre-flight and planning must decide alike, and the
destination picker built on the pre-flight engine (``Facts.candidates``)."""

from migration_dashboard.content import facts
from tests.unit.test_preflight import make_host, make_instance


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
