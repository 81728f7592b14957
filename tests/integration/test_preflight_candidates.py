""""Let the scheduler choose" on the real demo cloud: with every other host
disabled, the pre-flight names each host's reason and the move is not sent.

The live-migrate form, a drain-plan row and the evacuation form all leave
the destination to the scheduler here; before, each said "no blocker" and
Nova then answered "No valid host was found".  The fixtures put every host
back as they found it, also when an assertion fails.
"""
import pytest

from migration_dashboard.content.hosts.drain import views as drain_views
from migration_dashboard.content.hosts.evacuation import forms as evac_forms
from migration_dashboard.content.hosts.instances import forms as move_forms
from migration_dashboard.core import planning
from migration_dashboard.core import preflight
from migration_dashboard.services import drain
from migration_dashboard.services import gather
from tests import democloud

pytestmark = pytest.mark.integration

HOST_ATTR = democloud.HOST_ATTR
REASON = "integration test: only the source left enabled"


def _only_enabled(nova_admin, source):
    return democloud.only_enabled(nova_admin, source, REASON)


_forced_down = democloud.forced_down
_migrations = democloud.migration_ids


def _blocker_names_every_host(findings, others):
    blockers = [f for f in findings if f.code == "no-valid-host"]
    assert blockers, [(f.code, f.message) for f in findings]
    message = blockers[0].message
    assert "No valid host was found" in message
    for host in others:
        assert "%s: disabled (reason: '%s')" % (host, REASON) in message, \
            message
    return blockers[0]


@pytest.fixture
def server(nova_admin):
    return democloud.plain_active(nova_admin)


def test_live_migrate_form_refuses_when_no_other_host_can_take_it(
        admin_request, nova_admin, server):
    source = getattr(server, HOST_ATTR)
    before = _migrations(nova_admin, server.id)
    with _only_enabled(nova_admin, source) as others:
        facts = gather.gather(admin_request, source, [server.id])
        context = move_forms.findings_context(facts, "live", "", "auto")
        assert context["blockers"] >= 1
        shown = [f for row in context["finding_rows"]
                 for f in row["findings"]] + context["page_findings"]
        blocker = [f for f in shown if f["code"] == "no-valid-host"]
        assert blocker, shown
        for host in others:
            assert "%s: disabled" % host in blocker[0]["message"]
        # Submitting "let the scheduler choose" is refused by the form.
        form = move_forms.LiveMigrateForm(
            admin_request,
            data={"host": source, "instances": server.id,
                  "destination": "", "block_migration": "auto"},
            initial={"facts": facts, "host": source,
                     "instances": server.id})
        assert not form.is_valid()
        assert "blocker" in str(form.errors)
        _blocker_names_every_host(form.results[server.id], others)
    # Nothing was sent to Nova: no new migration record, same host.
    assert _migrations(nova_admin, server.id) == before
    assert getattr(nova_admin.servers.get(server.id), HOST_ATTR) == source


def test_drain_plan_row_is_blocked_naming_each_host(
        admin_request, nova_admin, server):
    source = getattr(server, HOST_ATTR)
    with _only_enabled(nova_admin, source) as others:
        facts = gather.gather(admin_request, source)
        plan = drain.make_plan(facts)
        row = plan.row(server.id)
        assert row.strategy is planning.Strategy.BLOCKED, row
        _blocker_names_every_host(row.findings, others)
        assert server.id not in plan.order


def test_evacuation_form_refuses_when_no_other_host_can_take_it(
        admin_request, nova_admin, server):
    source = getattr(server, HOST_ATTR)
    before = _migrations(nova_admin, server.id)
    with _only_enabled(nova_admin, source) as others, \
            _forced_down(nova_admin, source):
        facts = gather.gather(admin_request, source, [server.id])
        results = facts.check(preflight.Kind.EVACUATE)
        _blocker_names_every_host(results[server.id], others)
        form = evac_forms.EvacuateInstanceForm(
            admin_request,
            data={"host": source, "instance": server.id,
                  "destination": "", "password_mode": "none",
                  "confirm": "on"},
            initial={"facts": facts, "host": source,
                     "instances": server.id})
        assert not form.is_valid()
        assert "No valid host was found" in str(form.errors)
    assert _migrations(nova_admin, server.id) == before
    assert getattr(nova_admin.servers.get(server.id), HOST_ATTR) == source


def test_plan_of_the_busiest_host_says_nothing_twice(admin_request,
                                                     nova_admin):
    """No "could not read the image properties", no shares note (the demo
    has no Manila), and no note repeated on every row."""
    counts = {}
    for s in nova_admin.servers.list(search_opts={"all_tenants": 1}):
        counts[getattr(s, HOST_ATTR)] = counts.get(
            getattr(s, HOST_ATTR), 0) + 1
    busiest = max(sorted(counts), key=lambda h: counts[h])
    facts = gather.gather(admin_request, busiest)
    plan = drain.make_plan(facts)
    context = drain_views.plan_context(plan, facts.hosts, busiest)
    rows = context["plan_rows"]
    assert len(rows) >= 2
    texts = [f["message"] for r in rows for f in r["findings"]] + [
        f["message"] for f in context["page_findings"]] + [
        str(n) for n in facts.notes]
    assert not [t for t in texts if "image properties" in t], texts
    assert not [t for t in texts if "Manila" in t or "shares" in t], texts
    per_row = [{(f["code"], f["message"]) for f in r["findings"]}
               for r in rows]
    assert not set.intersection(*per_row), set.intersection(*per_row)
    # What every row shared is said once above the table.
    codes = [f["code"] for f in context["page_findings"]]
    assert len(codes) == len(set(codes))


def test_shared_storage_declared_for_part_of_the_demo(admin_request,
                                                      nova_admin):
    """The demo declares cmp2 and cmp3 as sharing instance storage (an
    aggregate with migration_dashboard:shared_storage=true): evacuating
    an image-backed instance keeps its disk there, loses it elsewhere."""
    facts = gather.gather(admin_request, "cmp2")
    assert facts.hosts["cmp2"].shared_storage is True
    assert facts.hosts["cmp3"].shared_storage is True
    assert facts.hosts["cmp1"].shared_storage is False
    inst = next(i for i in facts.instances if i.volume_backed is False)
    source = preflight.Host("cmp2", state="down", shared_storage=True)
    kept = preflight.check(inst, source, facts.hosts["cmp3"],
                           preflight.Request("evacuate"))
    lost = preflight.check(inst, source, facts.hosts["cmp1"],
                           preflight.Request("evacuate"))
    assert "evacuate-disk-kept" in {f.code for f in kept}
    assert "evacuate-local-data-lost" in {f.code for f in lost}


def test_demo_cloud_is_left_enabled(nova_admin):
    """Runs last in this module: every compute enabled and up again."""
    democloud.wait_for(
        lambda: all(s.status == "enabled" and not s.forced_down
                    for s in democloud.compute_services(
                        nova_admin).values()),
        timeout=30, what="every compute enabled again")
