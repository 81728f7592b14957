"""Evacuation through the plugin's api layer against the real demo cloud.

cmp3 is killed like a dead host and forced down; one instance is evacuated
to a chosen host, the others by host evacuation (the plugin's bounded
concurrent submission) with cmp2 disabled for the test, so that the
scheduler's one choice is cmp1 (ha-2's anti-affinity peer is on cmp2
anyway); Nova must then show every instance on cmp1 and none left behind
or lost.  cmp3 is then started, its evacuation records become
`completed`, and it is forced up and enabled again.
"""
import pytest
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from migration_dashboard.content.hosts.evacuation import forms as evac_forms
from migration_dashboard.services import evacuation as data
from migration_dashboard.services import gather
from migration_dashboard.services import submit
from tests import democloud
from tests import evacuation_cloud as ec

pytestmark = pytest.mark.integration


@pytest.fixture
def failed_host(nova_admin):
    """cmp3 with its seeded instances and two extra ones; restored after."""
    democloud.computes_ready(nova_admin)
    seeded = [s.id for s in ec.servers_on(nova_admin)]
    extras = ec.boot_extras(nova_admin, 2)
    state = {"seeded": seeded, "extras": extras}
    try:
        yield state
    finally:
        errors = ec.restore(nova_admin, seeded, extras)
        assert ec.service(nova_admin).state == "up"
        assert not ec.service(nova_admin).forced_down
        assert ec.service(nova_admin).status == "enabled"
        # The seed is back: cmp3 holds exactly its seeded instances.
        assert not errors, errors
        assert {s.id for s in ec.servers_on(nova_admin)} == set(seeded)


def test_evacuate_one_to_a_chosen_host_and_the_rest_by_host(
        admin_request, nova_admin, failed_host):
    request = admin_request
    everyone = ec.wait_idle(nova_admin)
    assert set(failed_host["extras"]) <= set(everyone)
    before = {i: nova_admin.servers.get(i) for i in everyone}
    assert {s.status for s in before.values()} == {"ACTIVE"}

    # While cmp3's compute runs, Nova refuses to evacuate, plainly.
    assert api.nova.service_list(request, host=ec.FAILED)[0].state == "up"
    with pytest.raises(nova_exceptions.BadRequest) as refused:
        api.nova.instance_evacuate(request, failed_host["extras"][0],
                                   host="cmp1")
    assert "still in use" in refused.value.message
    assert "still in use" in str(submit.explain(refused.value))

    ec.kill_compute()
    api.nova.service_force_down(request, ec.FAILED, True)
    svc = api.nova.service_list(request, host=ec.FAILED)[0]
    assert svc.forced_down

    # The pre-flight engine agrees the host can be evacuated now.
    facts = gather.gather(request, ec.FAILED)
    assert facts.source.is_down
    assert {i.id for i in facts.instances} == set(everyone)
    results = facts.check(data.EVACUATE, None)
    assert all("source-still-up" not in {f.code for f in fs}
               for fs in results.values())

    # One instance to a chosen host, with a generated password, at 2.95.
    chosen = failed_host["extras"][0]
    assert data.call_microversion(facts.microversion) == "2.95"
    returned = api.nova.instance_evacuate(
        request, chosen, host="cmp1", password=evac_forms.generate_password())
    assert returned is None  # 2.14+: Nova never sends the password back

    # The rest by host evacuation: the scheduler's choice, keeping their
    # state; cmp2 disabled meanwhile, so that its one choice is cmp1.
    rest = [i for i in everyone if i != chosen]
    with ec.disabled(nova_admin, "cmp2"):
        outcome = data.submit_all(request, rest, None,
                                  {i: None for i in rest}, keep_state=True)
        refused = {i: submit.explain(exc) for i, (exc, _p) in outcome.items()
                   if exc is not None}
        assert not refused, refused
        after = ec.wait_evacuated(nova_admin, everyone)
    # None left behind, none lost.
    assert not ec.servers_on(nova_admin)
    assert set(after) == set(everyone)
    assert ec.host_of(after[chosen]) == "cmp1"
    assert after[chosen].status == "SHUTOFF"  # 2.95 lands SHUTOFF
    for server_id in rest:
        server = after[server_id]
        assert ec.host_of(server) == "cmp1", server.name
        # 2.94 keeps the state the instance had: ACTIVE.
        assert server.status == "ACTIVE", server.name

    # Nova's records, read through the plugin: done (rebuilt), not yet
    # completed while cmp3's compute service has not restarted.
    records = data.newest_evacuations(
        api.nova.migration_list(request, host=ec.FAILED,
                                migration_type="evacuation"), ec.FAILED)
    assert {records[i].status for i in everyone} == {"done"}

    # The status page rows: nothing left behind, all rebuilt, each where
    # and as Nova has it.
    rows = {r.id: r for r in data.status_rows(request, ec.FAILED)}
    assert all(rows[i].progress == "rebuilt" for i in everyone)
    assert not [r for r in rows.values() if r.progress == "not moved"]
    assert {i: (rows[i].host, rows[i].status) for i in everyone} == {
        i: ("cmp1", after[i].status) for i in everyone}

    # Force up is refused while the records are 'done'; the plugin says why.
    with pytest.raises(nova_exceptions.BadRequest) as refused_up:
        try:
            api.nova.service_force_down(request, ec.FAILED, False)
        except Exception as exc:
            raise data.explain_force_up(exc, ec.FAILED)
    message = refused_up.value.message
    assert "done" in message and "start its nova-compute" in message


def _with_messages(request):
    from django.contrib.messages.storage.cookie import CookieStorage
    request._messages = CookieStorage(request)
    return request


def _texts(request):
    return [str(m) for m in request._messages._queued_messages]


def test_evacuating_a_host_disables_it_and_complete_maintenance_restores(
        admin_request, nova_admin, failed_host):
    from migration_dashboard.content.hosts import forms as host_forms

    request = _with_messages(admin_request)
    everyone = ec.wait_idle(nova_admin)
    ec.kill_compute()
    api.nova.service_force_down(request, ec.FAILED, True)
    reason = 'PSU failed <b>"rack 4"</b>: evacuated, repair first'

    form = evac_forms.EvacuateHostForm(
        request, data={"host": ec.FAILED, "destination": "",
                       "final_state": evac_forms.STOPPED,
                       "password_mode": evac_forms.PASSWORD_NONE,
                       "disable_source": "on", "disable_reason": reason,
                       "confirm": "on"},
        initial={"host": ec.FAILED,
                 "facts": gather.gather(request, ec.FAILED)})
    assert form.is_valid(), form.errors
    assert form.handle(request, form.cleaned_data)
    assert form.result["source_disabled"] is True
    assert form.result["accepted"] == len(everyone)

    # Disabled with the operator's reason, before its compute comes back.
    svc = ec.service(nova_admin)
    assert (svc.status, svc.disabled_reason) == ("disabled", reason)
    ec.wait_evacuated(nova_admin, everyone)

    # Repaired: its compute starts (the records become completed), still
    # disabled, so nothing lands on it; Complete Maintenance forces it up
    # and enables it.
    democloud.run("start-compute", ec.FAILED)
    democloud.wait_for(
        lambda: all(m.status != "done" for m in
                    ec.evacuation_records(nova_admin, everyone).values()),
        timeout=180, interval=2, what="evacuation records completed")
    svc = ec.service(nova_admin)
    assert (svc.status, svc.forced_down) == ("disabled", True)
    complete = host_forms.CompleteMaintenanceForm(
        request, data={"host": ec.FAILED}, initial={"host": ec.FAILED})
    assert complete.is_valid(), complete.errors
    assert complete.handle(request, complete.cleaned_data), _texts(request)
    svc = ec.service(nova_admin)
    assert (svc.status, svc.forced_down) == ("enabled", False)
    assert any("Forced host %s up" % ec.FAILED in t
               for t in _texts(request))
