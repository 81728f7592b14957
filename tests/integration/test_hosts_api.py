"""The Compute Hosts panel's api layer against the real demo cloud."""
import pytest

from migration_dashboard import api
from migration_dashboard.core import maintenance
from tests import democloud

pytestmark = pytest.mark.integration


def _service(nova_admin, host):
    return next(s for s in nova_admin.services.list(binary="nova-compute")
                if s.host == host)


def test_lists_the_three_compute_hosts_with_capacity(admin_request):
    services = api.nova.service_list(admin_request)
    hypervisors = api.nova.hypervisor_list(admin_request)
    rows = maintenance.summarize(services, hypervisors)
    assert [r.host for r in rows] == list(democloud.COMPUTES)
    for row in rows:
        assert row.state == "up"
        assert row.vcpus and row.memory_mb and row.local_gb
        assert row.hypervisor_type
    # Each row carries its compute node's instance count (the fake driver
    # forgets instances across a compute restart, so the count is Nova's
    # word, not the seed's).
    running = {h.host: h.running_vms for h in hypervisors}
    assert {r.host: r.instances for r in rows} == running
    assert sum(running.values()) > 0


def test_disable_with_reason_then_enable_reads_back_from_nova(
        admin_request, nova_admin):
    reason = 'kernel upgrade <script>alert("x")</script> ünïcode'
    try:
        api.nova.service_disable(admin_request, "cmp3", reason)
        service = _service(nova_admin, "cmp3")
        assert service.status == "disabled"
        assert service.disabled_reason == reason
    finally:
        api.nova.service_enable(admin_request, "cmp3")
    service = _service(nova_admin, "cmp3")
    assert service.status == "enabled"
    assert not service.disabled_reason


def test_force_down_then_force_up(admin_request, nova_admin):
    try:
        api.nova.service_force_down(admin_request, "cmp3", True)
        service = _service(nova_admin, "cmp3")
        assert service.forced_down is True
        assert service.state == "down"
    finally:
        api.nova.service_force_down(admin_request, "cmp3", False)
    service = _service(nova_admin, "cmp3")
    assert service.forced_down is False
    democloud.wait_for(lambda: _service(nova_admin, "cmp3").state == "up",
                       timeout=60, what="cmp3 to report up again")


def test_unknown_host_is_a_not_found_error(admin_request):
    from novaclient import exceptions as nova_exceptions
    with pytest.raises(nova_exceptions.NotFound):
        api.nova.service_disable(admin_request, "no-such-host", "x")


def test_instances_and_migrations_of_a_host(admin_request, nova_admin):
    instances = api.nova.instance_list(admin_request, host="cmp1")
    assert instances, "the demo cloud seeds instances on cmp1"
    assert all(i.host == "cmp1" for i in instances)
    # Embedded flavor (2.47+) carries the extra specs the panel shows.
    assert all("extra_specs" in i.flavor for i in instances)
    projects = {i.project_id for i in api.nova.instance_list(admin_request)}
    assert len(projects) >= 2, "instances of every project are listed"
    # The migrations list answers (possibly empty) at microversion 2.80.
    assert isinstance(api.nova.migration_list(admin_request, host="cmp1",
                                              limit=10), list)


def test_placement_capacity_of_a_host(admin_request):
    rows = maintenance.summarize(api.nova.service_list(admin_request),
                                 api.nova.hypervisor_list(admin_request))
    cmp1 = next(r for r in rows if r.host == "cmp1")
    capacity = api.placement.provider_capacity(admin_request,
                                               cmp1.node_ids[0])
    assert {"VCPU", "MEMORY_MB", "DISK_GB"} <= set(capacity)
    for inv in capacity.values():
        assert inv["capacity"] == int((inv["total"] - inv["reserved"])
                                      * inv["allocation_ratio"])
        assert inv["free"] == inv["capacity"] - inv["used"]


def _placement(admin_session, path):
    """A Placement read of the test's own, at the plain 1.14."""
    return admin_session.get(
        path, endpoint_filter={"service_type": "placement"},
        headers={"OpenStack-API-Version": "placement 1.14"}).json()


def test_hosts_list_shows_what_placement_holds_for_each_host(
        admin_request, admin_session):
    from migration_dashboard.content.hosts import tables as host_tables
    from migration_dashboard.content.hosts import views as host_views
    from migration_dashboard.core import scheduler_counts
    from migration_dashboard.services import capacity

    rows = host_views.load_hosts(admin_request, with_migrations=False)
    assert capacity.read_scheduler_counts(admin_request, rows)
    table = host_tables.HostsTable(admin_request, data=rows)
    for row in rows:
        # Read here one host at a time, by node name: the inventories
        # (total, reserved, ratio) and what is allocated.
        (node,) = row.nodes
        (provider,) = _placement(
            admin_session,
            "/resource_providers?name=%s" % node)["resource_providers"]
        uuid = provider["uuid"]
        inventories = _placement(
            admin_session,
            "/resource_providers/%s/inventories" % uuid)["inventories"]
        usages = _placement(admin_session,
                            "/resource_providers/%s/usages" % uuid)["usages"]
        capacity = {rc: int((inv["total"] - inv["reserved"])
                            * inv["allocation_ratio"])
                    for rc, inv in inventories.items()}
        used = {rc: usages.get(rc, 0) for rc in capacity}
        free = [rc for rc in ("VCPU", "MEMORY_MB")
                if rc in capacity and used[rc] < capacity[rc]]
        if not free:
            assert row.scheduler.state == scheduler_counts.NO_ROOM
            continue
        assert row.scheduler.state == scheduler_counts.COUNTED, row.host
        for rc in ("VCPU", "MEMORY_MB", "DISK_GB"):
            assert row.scheduler.figures(rc) == (used[rc], capacity[rc]), \
                (row.host, rc)
        # What the cells say.
        cells = {name: str(table.columns[name].get_data(row))
                 for name in ("vcpus", "memory", "disk")}
        assert ">%d / %d<" % (used["VCPU"], capacity["VCPU"]) in \
            cells["vcpus"], cells
        assert ">%d / %d MiB<" % (used["MEMORY_MB"],
                                  capacity["MEMORY_MB"]) in cells["memory"]
        assert ">%d / %d GiB<" % (used["DISK_GB"],
                                  capacity["DISK_GB"]) in cells["disk"]
