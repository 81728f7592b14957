"""services/gather.py: api wrappers -> core.preflight dataclasses, and the
constant number of calls gathering them costs."""
from unittest import mock

from keystoneauth1 import exceptions as ks_exceptions

from openstack_dashboard.test import helpers as test

from migration_dashboard import api
from migration_dashboard.api import nova_records as nova
from migration_dashboard.services import gather as facts
from migration_dashboard.core import maintenance
from migration_dashboard.core import preflight
from tests.unit import fixtures as f


def _group(members, policy="anti-affinity", rules=None, **extra):
    data = {"id": "g1", "name": "ha", "policy": policy,
            "rules": rules or {}, "members": members}
    data.update(extra)
    return nova.ServerGroup(data)


def test_instance_conversion_keeps_flavor_specs_and_boot_source():
    api_inst = f.instance("db", "cmp1", extra_specs={"hw:cpu_policy":
                                                     "dedicated"},
                          image="", config_drive=True)
    inst = facts.to_instance(api_inst, groups={}, vnic_types={})
    assert inst.id == "inst-db" and inst.name == "db"
    assert inst.status == "ACTIVE" and inst.host == "cmp1"
    assert inst.flavor.ram_mb == 2048 and inst.flavor.vcpus == 1
    assert inst.flavor.disk_gb == 10
    assert inst.flavor.extra_specs == {"hw:cpu_policy": "dedicated"}
    assert inst.volume_backed is True
    assert inst.config_drive is True
    assert inst.server_groups == [] and inst.vnic_types == []
    # Nova does not show image properties below 2.98: unknown, not {}.
    assert inst.image_properties is None


def test_unknown_groups_and_ports_stay_unknown():
    inst = facts.to_instance(f.instance("a", "cmp1"), groups=None,
                             vnic_types=None)
    assert inst.server_groups is None
    assert inst.vnic_types is None
    findings = preflight.check(inst, preflight.Host("cmp1"), None,
                               preflight.Request(kind="live"))
    codes = {x.code for x in findings}
    assert {"groups-unknown", "ports-unknown"} <= codes


def test_flavor_without_embedded_specs_is_unknown():
    data = f.instance("a", "cmp1").to_dict()
    data["flavor"] = {}
    inst = facts.to_instance(nova.Instance(data))
    assert inst.flavor.extra_specs is None


def test_server_groups_by_member_and_policy_shapes():
    new = _group(["i1", "i2"], rules={"max_server_per_host": 2})
    old = nova.ServerGroup({"id": "g2", "name": "old",
                            "policies": ["affinity"], "members": ["i1"]})
    by_member = facts.groups_by_member([new, old])
    assert [g.id for g in by_member["i1"]] == ["g1", "g2"]
    assert by_member["i1"][0].policy == "anti-affinity"
    assert by_member["i1"][0].max_server_per_host == 2
    assert by_member["i1"][1].policy == "affinity"
    assert [g.id for g in by_member["i2"]] == ["g1"]


def test_ports_become_vnic_types():
    inst = facts.to_instance(f.instance("a", "cmp1"), groups={},
                             vnic_types={"inst-a": ["direct", "normal"]})
    assert inst.vnic_types == ["direct", "normal"]


def test_host_from_service_hypervisor_and_placement():
    summary = maintenance.summarize(
        [f.service("cmp2", status="disabled", reason="r", zone="az1")],
        [f.hypervisor("cmp2", node_id="n2")])[0]
    placement = {"n2": {"resources": {
        "VCPU": {"capacity": 32, "used": 4, "free": 28},
        "MEMORY_MB": {"capacity": 15872, "used": 8192, "free": 7680},
        "DISK_GB": {"capacity": 200, "used": 34, "free": 166}},
        "traits": frozenset({"HW_CPU_X86_AVX2"})}}
    cap = facts.capacity_from_placement(placement, summary.node_ids)
    host = facts.to_host(summary, cap, {"x"})
    assert host.name == "cmp2" and host.status == "disabled"
    assert host.disabled_reason == "r" and host.zone == "az1"
    assert host.state == "up" and host.forced_down is False
    assert (host.free_vcpus, host.free_ram_mb, host.free_disk_gb) == \
        (28, 7680, 166)
    assert host.free_pcpus is None
    assert host.traits == frozenset({"HW_CPU_X86_AVX2"})
    assert host.hypervisor_type == "fake" and host.hypervisor_version == 1000
    assert host.cpu_info.arch == "x86_64"
    assert host.cpu_info.features == frozenset({"sse4.2", "avx2"})
    assert host.instance_ids == frozenset({"x"})


def test_host_absent_from_placement_has_unknown_capacity():
    assert facts.capacity_from_placement({}, ["n1"]) is None
    summary = maintenance.summarize([f.service("cmp1")],
                                    [f.hypervisor("cmp1")])[0]
    host = facts.to_host(summary, None, None)
    assert host.free_ram_mb is None and host.instance_ids is None


def test_hypervisor_fallback_gives_ram_and_disk_not_vcpus():
    summary = maintenance.summarize([f.service("cmp1")],
                                    [f.hypervisor("cmp1")])[0]
    cap = facts.capacity_from_hypervisor(summary)
    assert cap["MEMORY_MB"] == 16384 - 4096
    assert cap["DISK_GB"] == 200 - 20
    assert cap["VCPU"] is None


def test_smallest_request_for_one_call():
    small = preflight.Instance("a", flavor=preflight.Flavor(
        vcpus=2, ram_mb=4096, disk_gb=20), volume_backed=False)
    tiny_bfv = preflight.Instance("b", flavor=preflight.Flavor(
        vcpus=1, ram_mb=512, disk_gb=1), volume_backed=True)
    pinned = preflight.Instance("c", flavor=preflight.Flavor(
        vcpus=4, ram_mb=1024, disk_gb=5,
        extra_specs={"hw:cpu_policy": "dedicated"}), volume_backed=False)
    assert facts.smallest_request([small]) == {
        "VCPU": 2, "MEMORY_MB": 4096, "DISK_GB": 20}
    # A volume-backed instance claims no DISK_GB: none asked for.
    assert facts.smallest_request([small, tiny_bfv]) == {
        "VCPU": 1, "MEMORY_MB": 512}
    # Pinned vCPUs are PCPU, not VCPU.
    assert facts.smallest_request([pinned]) == {
        "MEMORY_MB": 1024, "DISK_GB": 5}


def test_hypervisor_servers_only_when_asked():
    data = f.hypervisor("cmp1").to_dict()
    assert nova.Hypervisor(data).servers is None
    # Asked, before 2.75: Nova leaves the key out for a node without any.
    assert nova.Hypervisor(data, servers_asked=True).servers == []
    data["servers"] = [{"uuid": "i-1", "name": "web"}]
    assert nova.Hypervisor(data, servers_asked=True).servers == ["i-1"]


def _hypervisors(instances, servers=True):
    """hypervisor_list as Nova answers it: with each node's servers when
    asked (``servers``: Nova at 2.53+)."""
    def hypervisor_list(request, with_servers=False):
        result = []
        for n, host in enumerate(("cmp1", "cmp2", "cmp3"), 1):
            data = f.hypervisor(host, node_id="n%d" % n).to_dict()
            asked = with_servers and servers
            if asked:
                data["servers"] = [{"uuid": i.id, "name": i.name}
                                   for i in instances if i.host == host]
            result.append(nova.Hypervisor(data, servers_asked=asked))
        return result
    return hypervisor_list


class GatherTests(test.BaseAdminViewTests):

    def _mocks(self, instances, groups=(), servers=True):
        return [
            mock.patch.object(api.nova, "service_list", return_value=[
                f.service("cmp1"), f.service("cmp2"), f.service("cmp3")]),
            mock.patch.object(api.nova, "hypervisor_list",
                              side_effect=_hypervisors(instances, servers)),
            mock.patch.object(
                api.nova, "instance_list",
                side_effect=lambda request, host=None, **kw: [
                    i for i in instances if host in (None, i.host)]),
            mock.patch.object(api.nova, "compute_microversion",
                              return_value="2.96"),
            mock.patch.object(api.nova, "server_group_list",
                              return_value=list(groups)),
            mock.patch.object(api.placement, "allocation_candidates",
                              return_value={"n2": {"resources": {
                                  "MEMORY_MB": {"capacity": 8192, "used": 0,
                                                "free": 8192}},
                                  "traits": frozenset()}}),
            mock.patch.object(api.neutron, "port_vnic_types",
                              side_effect=lambda r, ids: {
                                  i: [] for i in ids}),
            mock.patch.object(api.nova, "aggregate_list", return_value=[]),
            mock.patch.object(api.nova, "instance_get",
                              side_effect=lambda request, i: next(
                                  x for x in instances if x.id == i)),
        ]

    def _gather(self, instances, ids, groups=(), servers=True):
        patchers = self._mocks(instances, groups, servers)
        mocks = [p.start() for p in patchers]
        try:
            result = facts.gather(self.request, "cmp1", ids)
        finally:
            for p in patchers:
                p.stop()
        return result, mocks

    def test_one_call_each_and_no_room_for_absent_hosts(self):
        instances = [f.instance("a", "cmp1"), f.instance("b", "cmp1"),
                     f.instance("c", "cmp2")]
        result, mocks = self._gather(instances, ["inst-a", "inst-gone"])
        self.assertEqual(["inst-a"], [i.id for i in result.instances])
        self.assertEqual({"cmp1", "cmp2", "cmp3"}, set(result.hosts))
        self.assertEqual(["cmp2", "cmp3"],
                         [h.name for h in result.destinations()])
        # Placement answered for n2 only: cmp3 cannot take it.
        self.assertIn("cmp3", result.no_room)
        self.assertNotIn("cmp2", result.no_room)
        self.assertEqual(8192, result.hosts["cmp2"].free_ram_mb)
        for m in mocks[:-1]:
            self.assertEqual(1, m.call_count, m)
        # No server-group peer to name: no instance read.
        self.assertEqual(0, mocks[-1].call_count)
        # No rule needs who runs where: Nova is not asked for it.
        self.assertFalse(mocks[1].call_args.kwargs["with_servers"])
        # Source host: its instances are known from the one list.
        self.assertEqual(frozenset({"inst-a", "inst-b"}),
                         result.source.instance_ids)
        self.assertIsNone(result.hosts["cmp2"].instance_ids)
        findings = result.check("live", "cmp3")["inst-a"]
        self.assertIn(facts.NO_ROOM, [x.code for x in findings])
        usable = {h.name: ok for h, ok, _r in result.candidates("live")}
        self.assertEqual({"cmp2": True, "cmp3": False}, usable)

    def test_group_with_other_members_reads_every_host(self):
        instances = [f.instance("a", "cmp1"), f.instance("c", "cmp2")]
        result, mocks = self._gather(
            instances, ["inst-a"], groups=[_group(["inst-a", "inst-c"])])
        # Who runs where came with the one hypervisor list.
        self.assertEqual(1, mocks[1].call_count)
        self.assertTrue(mocks[1].call_args.kwargs["with_servers"])
        self.assertEqual(1, mocks[2].call_count)  # the source host's only
        self.assertEqual(frozenset({"inst-c"}),
                         result.hosts["cmp2"].instance_ids)
        self.assertEqual(frozenset(), result.hosts["cmp3"].instance_ids)
        findings = result.check("live", "cmp2")["inst-a"]
        self.assertIn("anti-affinity-conflict", [x.code for x in findings])
        # The peer on cmp2 is named (one read of it), not shown by id, in
        # the picker's short reason and in the full message alike.
        mocks[-1].assert_called_once_with(mock.ANY, "inst-c")
        greyed = {h.name: r for h, ok, r in result.candidates("live")}
        self.assertEqual(["anti-affinity peer c there"],
                         greyed["cmp2"].short)
        self.assertIn("(c)", greyed["cmp2"][0])
        self.assertNotIn("inst-c", greyed["cmp2"][0])

    def test_pinned_destination_not_empty_from_hypervisor_servers(self):
        pinned = f.instance("db", "cmp1",
                            extra_specs={"hw:cpu_policy": "dedicated"})
        instances = [pinned, f.instance("web", "cmp2")]
        result, mocks = self._gather(instances, ["inst-db"])
        self.assertTrue(mocks[1].call_args.kwargs["with_servers"])
        self.assertEqual(1, mocks[2].call_count)
        self.assertEqual(frozenset({"inst-web"}),
                         result.hosts["cmp2"].instance_ids)
        busy = [x.code for x in result.check("live", "cmp2")["inst-db"]]
        self.assertIn("pinned-dest-not-empty", busy)
        empty = [x.code for x in result.check("live", "cmp3")["inst-db"]]
        self.assertNotIn("pinned-dest-not-empty", empty)
        self.assertNotIn("pinned-dest-unknown", empty)

    def test_before_2_53_every_instance_is_listed_instead(self):
        pinned = f.instance("db", "cmp1",
                            extra_specs={"hw:cpu_policy": "dedicated"})
        instances = [pinned, f.instance("web", "cmp2")]
        result, mocks = self._gather(instances, ["inst-db"], servers=False)
        self.assertEqual(2, mocks[2].call_count)
        self.assertEqual(frozenset({"inst-web"}),
                         result.hosts["cmp2"].instance_ids)
        self.assertEqual(frozenset(), result.hosts["cmp3"].instance_ids)
        busy = [x.code for x in result.check("live", "cmp2")["inst-db"]]
        self.assertIn("pinned-dest-not-empty", busy)

    def test_failures_become_notes_and_unknowns(self):
        patchers = self._mocks([f.instance("a", "cmp1")])
        mocks = [p.start() for p in patchers]
        mocks[4].side_effect = ks_exceptions.ConnectFailure("nova x")
        mocks[5].side_effect = ks_exceptions.EndpointNotFound("placement")
        mocks[6].side_effect = ks_exceptions.EndpointNotFound("network")
        try:
            result = facts.gather(self.request, "cmp1", ["inst-a"])
        finally:
            for p in patchers:
                p.stop()
        # The three failures, and the deployment facts nobody declared.
        self.assertEqual(4, len(result.notes), result.notes)
        self.assertIn("3 checks need deployment facts", result.notes[-1])
        inst = result.instances[0]
        self.assertIsNone(inst.server_groups)
        self.assertIsNone(inst.vnic_types)
        self.assertEqual({}, result.no_room)
        self.assertEqual(16384 - 4096, result.hosts["cmp2"].free_ram_mb)
        self.assertIsNone(result.hosts["cmp2"].free_vcpus)
