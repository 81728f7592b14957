"""What the pre-flight engine needs, gathered from the clouds' APIs.

One place converts the api wrappers (Nova services, hypervisors, instances,
server groups; Neutron ports; Placement allocation candidates) into the
plain dataclasses of :mod:`migration_dashboard.core.preflight`, so that the
instance move forms, evacuation and host drain all see the same facts.

The calls cost the same whatever the number of hosts or instances:

* compute services, hypervisors: one list each;
* the instances to move: one list (the source host's instances), asked at
  up to 2.98 through the same session so that each carries its image
  properties (novaclient stops at 2.96);
* server groups: one list (all projects);
* ports: one Neutron list for all the instances in question;
* capacity: ONE Placement ``GET /allocation_candidates`` for the smallest
  amounts any of the instances needs; its provider summaries give capacity
  (allocation ratios and reserved amounts applied) and usage of every host
  that can take that much, and a host absent from the answer cannot take
  any of the instances;
* who runs where, only when a rule needs it (server groups with other
  members, pinned / huge-page instances that want an empty destination):
  the hypervisor list is then asked ``with_servers`` (2.53+), so the
  instance ids of every host ride along in the same call.  Only a Nova
  older than 2.53 costs a list of every instance (paged) instead;
* host aggregates: one list, for the deployment facts in their metadata
  (see :mod:`.deployment`);
* the names of the instances' server-group peers on other hosts, which a
  refusal names: one read each, at most :data:`PEER_NAMES_LIMIT`;
* Manila shares (2.97) only when the catalog has a shared file system
  service: one call per instance, at most :data:`SHARES_READ_LIMIT`.  With
  no Manila an instance cannot have shares: nothing is read or said.

Data that cannot be read becomes "unknown" (None) in the dataclasses, so
the engine says "could not check" instead of passing silently; the reason
is kept in :attr:`Facts.notes`.
"""
import dataclasses

from django.utils.translation import gettext_lazy as _

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.core import maintenance
from migration_dashboard.core import preflight
from migration_dashboard.services import deployment as deployment_mod
from migration_dashboard.services import submit

# The code of the engine's finding for a host Placement offers no room on.
NO_ROOM = "placement-no-room"
# Catalog service types of Manila.
SHARE_SERVICES = ("sharev2", "shared-file-system", "share")
# Instances whose shares are read on one page (one call each).
SHARES_READ_LIMIT = 50
# Peers (members of the instances' groups on other hosts) named at most:
# the short list of a refusal names eight.
PEER_NAMES_LIMIT = 8


# ------------------------------------------------------------ conversion

def to_server_group(group, names=None):
    """An api ServerGroup as a preflight.ServerGroup; ``names``: {instance
    id: name} of the members the caller knows."""
    names = names or {}
    return preflight.ServerGroup(
        id=group.id, policy=group.policy, members=tuple(group.members),
        name=group.name, max_server_per_host=group.max_server_per_host,
        names={m: names[m] for m in group.members if m in names})


def groups_by_member(groups, names=None):
    """{instance id: [preflight.ServerGroup]} over every group's members."""
    result = {}
    for group in groups:
        converted = to_server_group(group, names)
        for member in group.members:
            result.setdefault(member, []).append(converted)
    return result


def to_instance(instance, groups=None, vnic_types=None, shares=None):
    """An api Instance as a preflight.Instance.

    ``groups`` is {instance id: [ServerGroup]} (None: groups unknown);
    ``vnic_types`` is {instance id: [vnic type]} (None: ports unknown);
    ``shares`` is {instance id: True/False/None} (None: all unknown).
    """
    flavor = instance.flavor
    if flavor:
        pf_flavor = preflight.Flavor.from_nova(flavor)
    else:
        pf_flavor = preflight.Flavor(extra_specs=None)
    raw = instance.to_dict()
    config_drive = raw.get("config_drive")
    return preflight.Instance(
        id=instance.id,
        name=instance.name or "",
        status=instance.status,
        task_state=instance.task_state,
        host=instance.host,
        flavor=pf_flavor,
        # Read at 2.98 when the cloud serves it (None: unknown).
        image_properties=instance.image_properties,
        volume_backed=instance.volume_backed,
        config_drive=(instance.config_drive
                      if config_drive is not None else None),
        server_groups=(None if groups is None
                       else list(groups.get(instance.id, []))),
        vnic_types=(None if vnic_types is None
                    else list(vnic_types.get(instance.id, []))),
        pinned_availability_zone=raw.get("pinned_availability_zone"),
        shares=None if shares is None else shares.get(instance.id),
    )


def capacity_from_placement(summaries, node_ids):
    """Free VCPU/PCPU/MEMORY_MB/DISK_GB of a host from allocation candidate
    provider summaries, summed over its compute nodes; None when none of
    its nodes is in the answer."""
    found = [summaries[n] for n in node_ids if n in summaries]
    if not found:
        return None
    free = {}
    for summary in found:
        for rc, res in summary["resources"].items():
            free[rc] = free.get(rc, 0) + res["free"]
    traits = None
    for summary in found:
        if summary.get("traits") is not None:
            traits = (traits or frozenset()) | summary["traits"]
    return {"VCPU": free.get("VCPU"), "PCPU": free.get("PCPU"),
            "MEMORY_MB": free.get("MEMORY_MB"),
            "DISK_GB": free.get("DISK_GB"), "traits": traits}


def capacity_from_hypervisor(summary):
    """Free RAM and disk from the hypervisor record (no allocation ratios,
    no reserved amounts): the fallback when Placement cannot be read.  vCPUs
    are left unknown, since their allocation ratio is usually far above 1
    and raw numbers would refuse hosts the scheduler accepts."""
    return {"VCPU": None, "PCPU": None,
            "MEMORY_MB": summary.free_memory_mb,
            "DISK_GB": summary.free_disk_gb, "traits": None}


def to_host(summary, capacity=None, instance_ids=None, no_room=None):
    """A maintenance.HostSummary (service + hypervisor) as preflight.Host;
    ``capacity`` as capacity_from_placement/_hypervisor return it;
    ``no_room``: what Placement was asked when it offered no candidate on
    the host (None: it did, or was not asked)."""
    capacity = capacity or {}
    return preflight.Host(
        name=summary.host,
        status=summary.status or None,
        state=summary.state or None,
        forced_down=summary.forced_down,
        disabled_reason=summary.disabled_reason or None,
        hypervisor_type=summary.hypervisor_type,
        hypervisor_version=(int(summary.hypervisor_version)
                            if summary.hypervisor_version is not None
                            else None),
        cpu_info=preflight.CpuInfo.from_nova(summary.cpu_info),
        traits=capacity.get("traits"),
        free_vcpus=capacity.get("VCPU"),
        free_pcpus=capacity.get("PCPU"),
        free_ram_mb=capacity.get("MEMORY_MB"),
        free_disk_gb=capacity.get("DISK_GB"),
        physical_free_ram_mb=summary.free_memory_mb,
        placement_no_room=no_room,
        instance_ids=(frozenset(instance_ids)
                      if instance_ids is not None else None),
        zone=summary.zone or None,
    )


def smallest_request(instances):
    """{resource class: amount}: the least any of ``instances`` (preflight
    Instances) asks of Placement, so one allocation-candidates call answers
    for all of them: a provider that cannot take this takes none."""
    ram, vcpu, disk = [], [], []
    for inst in instances:
        fl = inst.flavor
        ram.append(int(fl.ram_mb or 0))
        policy = str((fl.extra_specs or {}).get("hw:cpu_policy", "")).lower()
        vcpu.append(0 if policy in ("dedicated", "mixed")
                    else int(fl.vcpus or 0))
        root = 0 if inst.volume_backed else int(fl.disk_gb or 0)
        swap_gb = -(-int(fl.swap_mb or 0) // 1024)
        disk.append(root + int(fl.ephemeral_gb or 0) + swap_gb)
    wanted = {"MEMORY_MB": min(ram, default=0),
              "VCPU": min(vcpu, default=0),
              "DISK_GB": min(disk, default=0)}
    wanted = {rc: n for rc, n in wanted.items() if n > 0}
    return wanted or {"MEMORY_MB": 1}


def _needs_placement_of_everyone(instances):
    """True when a rule needs every host's instance ids: an instance in a
    server group with other members, or one that wants an empty host."""
    for inst in instances:
        for group in inst.server_groups or ():
            if set(group.members) - {inst.id}:
                return True
        if preflight.wants_empty_host(inst.flavor.extra_specs,
                                      inst.image_properties):
            return True
    return False


# ----------------------------------------------------------------- facts

class Reasons(list):
    """Why a host cannot take the instances: the findings' messages, and
    in :attr:`short` the same in a few words each (the finding's reason,
    without the instance's name) for a host picker's label."""

    def __init__(self):
        super().__init__()
        self.short = []


@dataclasses.dataclass
class Facts:
    """Everything known about moving some instances off one host."""
    source: preflight.Host
    hosts: dict  # host name -> preflight.Host, every compute host
    instances: list  # preflight.Instance, in the order asked for
    api_instances: dict  # instance id -> api Instance
    microversion: str
    # Hosts Placement says cannot take the smallest of the instances.
    no_room: dict = dataclasses.field(default_factory=dict)
    # Where the data came from or why it is missing (plain text).
    notes: list = dataclasses.field(default_factory=list)
    placement_request: dict = dataclasses.field(default_factory=dict)
    # The oldest nova-compute's service version, when declared.
    compute_service_version: int = None
    # Every api Instance Nova listed on the source (all of them, whatever
    # was asked for): a drain's submit tracks them without a second read.
    on_source: list = None

    def request(self, kind, block_migration=None):
        return preflight.Request(
            kind=kind, block_migration=block_migration,
            microversion=self.microversion,
            compute_service_version=self.compute_service_version)

    def destinations(self):
        """Every host but the source, by name."""
        return [h for name, h in sorted(self.hosts.items())
                if name != self.source.name]

    def check(self, kind, destination_name=None, block_migration=None):
        """{instance id: findings} for moving every instance to one
        destination (None: the scheduler, every other host checked),
        capacity counted together."""
        request = self.request(kind, block_migration)
        dst = self.hosts.get(destination_name) if destination_name else None
        if destination_name and dst is None:
            dst = preflight.Host(name=destination_name, status=None,
                                 state=None, forced_down=None)
        return preflight.check_many(
            self.instances, self.source, dst, request,
            hosts=None if dst is not None else list(self.hosts.values()))

    def candidates(self, kind, block_migration=None):
        """[(host, usable, reasons)] for a destination picker: a host is
        usable when no instance has a blocker moving there (together)."""
        out = []
        for host in self.destinations():
            results = self.check(kind, host.name, block_migration)
            reasons = Reasons()
            for inst in self.instances:
                for f in results[inst.id]:
                    if f.severity is preflight.BLOCKER and \
                            f.message not in reasons:
                        reasons.append(f.message)
                        reasons.short.append(f.reason or f.message)
            out.append((host, not reasons, reasons))
        out.sort(key=lambda c: (not c[1], c[0].name))
        return out


def _instances_by_host(hypervisors):
    """{host: set of instance ids} from hypervisors listed with_servers, or
    None when any of them does not say (Nova older than 2.53)."""
    result = {}
    for hypervisor in hypervisors:
        servers = hypervisor.servers
        if servers is None:
            return None
        # A host with several nodes (Ironic) lists its servers per node.
        result.setdefault(hypervisor.host, set()).update(servers)
    return result


def read_groups(request, notes, names=None):
    """{instance id: [ServerGroup]} of every group (one list), or None
    (unknown) with the reason added to ``notes``; ``names``: {instance id:
    name} of the instances known by name."""
    try:
        return groups_by_member(api.nova.server_group_list(request), names)
    except Exception as exc:
        notes.append(_("Could not read the server groups: %s")
                     % base.error_reason(exc))
        return None


def name_peers(request, groups, instance_ids, notes):
    """Name, in ``groups``, the members of the instances' groups that run
    elsewhere (a reason names them: "anti-affinity peer web-2 there"): no
    list the page reads carries their names, so each is read, a few at a
    time, at most :data:`PEER_NAMES_LIMIT` of them -- a page's cost stays
    flat however large the groups (Nova lists servers by one uuid only);
    the others keep their id, and an unreadable one adds to ``notes``."""
    if not groups:
        return
    wanted = set(instance_ids)
    peers = []
    for instance_id in instance_ids:
        for group in groups.get(instance_id, ()):
            peers.extend(m for m in sorted(group.members)
                         if m not in wanted and m not in group.names and
                         m not in peers)
    if not peers:
        return
    names = {}

    def read(instance_id):
        names[instance_id] = api.nova.instance_get(request,
                                                   instance_id).name

    failed = [exc for _i, exc in submit.run(peers[:PEER_NAMES_LIMIT], read)
              if exc is not None and getattr(exc, "code", None) != 404]
    if failed:
        notes.append(_("Could not read the names of %(count)d server-group "
                       "peer(s), shown by ID: %(reason)s") % {
                           "count": len(failed),
                           "reason": base.error_reason(failed[0])})
    for group in {id(g): g for gs in groups.values() for g in gs}.values():
        group.names.update((m, names[m]) for m in group.members
                           if names.get(m))


def read_vnic_types(request, instance_ids, notes):
    """{instance id: [vnic type]} from Neutron, or None (unknown) with the
    reason added to ``notes``."""
    try:
        return api.neutron.port_vnic_types(request, instance_ids)
    except Exception as exc:
        notes.append(_("Could not read the ports from Neutron: %s")
                     % base.error_reason(exc))
        return None


def read_shares(request, instance_ids, notes):
    """{instance id: has shares} (2.97): all False when the catalog has no
    Manila (no shares can be attached then); None for those not read (the
    reason added to ``notes``)."""
    if not base.in_catalog(request, *SHARE_SERVICES):
        return {i: False for i in instance_ids}
    result = {}
    for instance_id in instance_ids[:SHARES_READ_LIMIT]:
        try:
            result[instance_id] = bool(
                api.nova.server_shares(request, instance_id))
        except api.nova.NotSupported:
            # Nova below 2.97 cannot attach shares at all.
            result[instance_id] = False
        except Exception as exc:
            notes.append(_("Could not read the Manila shares of the "
                           "instances: %s") % base.error_reason(exc))
            return {i: result.get(i) for i in instance_ids}
    return {i: result.get(i) for i in instance_ids}


def gather(request, source_host, instance_ids=None):
    """Facts for moving ``instance_ids`` (default: every instance) off
    ``source_host``.  Raises when the compute services or the instances
    cannot be listed (nothing useful can be said then); anything else that
    fails becomes unknown data and a note."""
    services = api.nova.service_list(request)
    on_source = api.nova.instance_list(request, host=source_host,
                                       image_properties=True)
    by_id = {i.id: i for i in on_source}
    if instance_ids is None:
        wanted = [i.id for i in on_source]
    else:
        wanted = [i for i in instance_ids if i in by_id]
    api_instances = {i: by_id[i] for i in wanted}
    microversion = api.nova.compute_microversion(request)

    notes = []
    groups = read_groups(request, notes,
                         {i.id: i.name for i in on_source if i.name})
    name_peers(request, groups, wanted, notes)
    vnics = read_vnic_types(request, wanted, notes)
    shares = read_shares(request, wanted, notes)

    instances = [to_instance(api_instances[i], groups, vnics, shares)
                 for i in wanted]

    # The hypervisors come after the instances and groups so that the one
    # list can carry who runs where when a rule needs it.  Not always: Nova
    # then reads the instances of every host (one query per compute node)
    # and the answer grows with the cloud, for the many moves that need
    # none of it.
    everywhere = _needs_placement_of_everyone(instances)
    hypervisors, hv_error = [], None
    try:
        hypervisors = api.nova.hypervisor_list(request,
                                               with_servers=everywhere)
    except Exception as exc:
        hv_error = exc
    summaries = {s.host: s
                 for s in maintenance.summarize(services, hypervisors)}
    if hv_error is not None:
        notes.append(_("Could not read the hypervisors (types, versions, "
                       "CPUs): %s") % base.error_reason(hv_error))

    # Capacity: one Placement call for every host.
    wanted_resources = smallest_request(instances)
    placement, no_room = None, {}
    try:
        placement = api.placement.allocation_candidates(request,
                                                        wanted_resources)
    except Exception as exc:
        notes.append(_("Could not read capacity from Placement (%s); free "
                       "RAM and disk come from the hypervisor records, "
                       "without allocation ratios or reserved amounts, and "
                       "free vCPUs are unknown.")
                     % base.error_reason(exc))

    everyone, listed = None, False
    if everywhere and hv_error is None:
        everyone = _instances_by_host(hypervisors)
    if everywhere and everyone is None:
        listed = True
        # Nova below 2.53 (or the hypervisors unreadable): list every
        # instance, paged, as the only other way to know who runs where.
        try:
            everyone = {}
            for inst in api.nova.instance_list(request):
                everyone.setdefault(inst.host, set()).add(inst.id)
        except Exception as exc:
            everyone = None
            notes.append(_("Could not list the instances of every host: %s")
                         % base.error_reason(exc))

    declared = deployment_mod.read(request, summaries, notes)
    if declared.note():
        notes.append(declared.note())

    asked = ", ".join("%s %s" % (n, rc)
                      for rc, n in sorted(wanted_resources.items()))
    hosts = {}
    for name, summary in summaries.items():
        if placement is not None:
            capacity = capacity_from_placement(placement, summary.node_ids)
            if capacity is None and name != source_host:
                no_room[name] = asked
        else:
            capacity = capacity_from_hypervisor(summary)
        ids = None
        if everyone is not None:
            # A host missing from a list of every instance runs none; one
            # missing from the hypervisors (no compute node record) is not
            # known.
            ids = everyone.get(name, set() if listed else None)
        if ids is None and name == source_host:
            ids = set(by_id)
        hosts[name] = declared.apply(
            to_host(summary, capacity, ids, no_room.get(name)))

    source = hosts.get(source_host)
    if source is None:
        source = preflight.Host(name=source_host, status=None, state=None,
                                forced_down=None)
        hosts[source_host] = source
    return Facts(source=source, hosts=hosts, instances=instances,
                 api_instances=api_instances, microversion=microversion,
                 no_room=no_room, notes=notes,
                 placement_request=wanted_resources,
                 compute_service_version=declared.compute_service_version,
                 on_source=list(on_source))
