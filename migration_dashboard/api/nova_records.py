"""What Nova answers, as small objects over the JSON it sent.

Each class reads the fields of one kind of record (at the microversion
api/microversions.py asks for) and keeps the raw data; api/nova.py builds
them, pages and views read them.
"""
import json


def _integer(*keys):
    """A read-only attribute: the first of ``keys`` the record has, as an
    int (None when it has none of them, or null)."""
    return property(lambda self: _first_integer(self._data, keys))


def _first_integer(data, keys):
    # Apart from _integer, which runs when a class is defined: mutmut's
    # mutants are switched on after that (docs/mutation.md).
    value = next((data[k] for k in keys if k in data), None)
    return int(value) if value is not None else None


class _Record:
    """Attribute access over the dict Nova returned, keeping the raw data."""

    def __init__(self, data):
        self._data = data

    def to_dict(self):
        return dict(self._data)

    def __repr__(self):
        return "<%s %s>" % (type(self).__name__, self.id)


class Service(_Record):
    """A nova-compute service: the host's maintenance state lives here."""

    @property
    def id(self):
        return self._data.get("id")

    @property
    def host(self):
        return self._data.get("host")

    @property
    def binary(self):
        return self._data.get("binary")

    @property
    def zone(self):
        return self._data.get("zone")

    @property
    def status(self):
        return self._data.get("status")  # enabled | disabled

    @property
    def state(self):
        return self._data.get("state")  # up | down

    @property
    def forced_down(self):
        return bool(self._data.get("forced_down"))

    @property
    def disabled_reason(self):
        return self._data.get("disabled_reason") or ""

    @property
    def updated_at(self):
        return self._data.get("updated_at")


class Hypervisor(_Record):
    """A compute node as GET /os-hypervisors/detail at 2.87 describes it."""

    def __init__(self, data, servers_asked=False):
        super().__init__(data)
        # Whether Nova was asked (and able) to list the node's servers.
        self._servers_asked = servers_asked

    @property
    def id(self):
        return self._data.get("id")

    @property
    def hostname(self):
        return self._data.get("hypervisor_hostname")

    @property
    def host(self):
        service = self._data.get("service") or {}
        return service.get("host") or self._data.get("hypervisor_hostname")

    @property
    def hypervisor_type(self):
        return self._data.get("hypervisor_type")

    @property
    def hypervisor_version(self):
        return self._data.get("hypervisor_version")

    vcpus = _integer("vcpus")
    vcpus_used = _integer("vcpus_used")
    memory_mb = _integer("memory_mb")
    memory_mb_used = _integer("memory_mb_used")
    local_gb = _integer("local_gb")
    local_gb_used = _integer("local_gb_used")
    running_vms = _integer("running_vms")

    @property
    def servers(self):
        """Ids of the instances on this node's host when the list was asked
        ``with_servers`` (2.53+), else None (not known)."""
        if "servers" in self._data:
            return [s.get("uuid") for s in self._data["servers"] or ()]
        # Before 2.75 Nova leaves the key out for a node without servers.
        return [] if self._servers_asked else None

    @property
    def cpu_info(self):
        """cpu_info as a dict ({} when Nova hides it or it is not JSON)."""
        info = self._data.get("cpu_info")
        if isinstance(info, dict):
            return info
        if not info:
            return {}
        try:
            parsed = json.loads(info)
        except (TypeError, ValueError):
            return {}
        return parsed if isinstance(parsed, dict) else {}


class Instance(_Record):
    """A server as GET /servers/detail (all projects, 2.47+) returns it."""

    @property
    def id(self):
        return self._data.get("id")

    @property
    def name(self):
        return self._data.get("name")

    @property
    def status(self):
        return self._data.get("status")

    @property
    def task_state(self):
        return self._data.get("OS-EXT-STS:task_state")

    @property
    def vm_state(self):
        return self._data.get("OS-EXT-STS:vm_state")

    @property
    def power_state(self):
        return self._data.get("OS-EXT-STS:power_state")

    @property
    def host(self):
        return self._data.get("OS-EXT-SRV-ATTR:host")

    @property
    def node(self):
        return self._data.get("OS-EXT-SRV-ATTR:hypervisor_hostname")

    @property
    def project_id(self):
        return self._data.get("tenant_id")

    @property
    def flavor(self):
        """The embedded flavor (2.47+): name, vcpus, ram, disk, extra_specs."""
        return self._data.get("flavor") or {}

    @property
    def flavor_name(self):
        return self.flavor.get("original_name") or self.flavor.get("id")

    @property
    def extra_specs(self):
        return self.flavor.get("extra_specs") or {}

    @property
    def image_id(self):
        image = self._data.get("image")
        return image.get("id") if isinstance(image, dict) else None

    @property
    def image_properties(self):
        """The image properties Nova embeds at 2.98 ({}: none), None when
        not known: an older microversion, or a volume-backed server (Nova
        shows no image for it)."""
        image = self._data.get("image")
        if isinstance(image, dict) and isinstance(image.get("properties"),
                                                  dict):
            return dict(image["properties"])
        return None

    @property
    def volume_backed(self):
        # Nova reports an empty image for servers booted from a volume.
        return not self.image_id

    @property
    def volumes(self):
        return [v.get("id") for v in
                self._data.get("os-extended-volumes:volumes_attached") or []]

    @property
    def config_drive(self):
        value = self._data.get("config_drive")
        return value in (True, "True", "true", "1", 1)

    @property
    def host_status(self):
        return self._data.get("host_status")

    @property
    def fault(self):
        return (self._data.get("fault") or {}).get("message")

    @property
    def updated(self):
        """When Nova last saved the instance (ISO string)."""
        return self._data.get("updated")


class Migration(_Record):
    """A record of GET /os-migrations (2.80)."""

    @property
    def id(self):
        return self._data.get("id")

    @property
    def uuid(self):
        return self._data.get("uuid")

    @property
    def instance_id(self):
        return self._data.get("instance_uuid")

    @property
    def status(self):
        return self._data.get("status")

    @property
    def migration_type(self):
        return self._data.get("migration_type")

    @property
    def source_compute(self):
        return self._data.get("source_compute")

    @property
    def dest_compute(self):
        return self._data.get("dest_compute")

    @property
    def source_node(self):
        return self._data.get("source_node")

    @property
    def dest_node(self):
        return self._data.get("dest_node")

    @property
    def dest_host(self):
        """The destination's address (Nova's ``dest_host``)."""
        return self._data.get("dest_host")

    @property
    def project_id(self):
        return self._data.get("project_id")

    @property
    def user_id(self):
        """Who asked for the move (2.80, as project_id)."""
        return self._data.get("user_id")

    @property
    def created_at(self):
        return self._data.get("created_at")

    @property
    def updated_at(self):
        return self._data.get("updated_at")


# ------------------------------------------------------ migration status

class ServerMigration(Migration):
    """An in-progress live migration as GET /servers/{id}/migrations[/{mid}]
    (2.23+) returns it, with the bytes Nova's monitor saved."""

    @property
    def instance_id(self):
        return (self._data.get("server_uuid") or
                self._data.get("instance_uuid"))

    @property
    def migration_type(self):
        return self._data.get("migration_type") or "live-migration"

    # ``<name>_bytes``, or ``<name>`` when the answer has only that.
    memory_total = _integer("memory_total_bytes", "memory_total")
    memory_processed = _integer("memory_processed_bytes",
                                "memory_processed")
    memory_remaining = _integer("memory_remaining_bytes",
                                "memory_remaining")
    disk_total = _integer("disk_total_bytes", "disk_total")
    disk_processed = _integer("disk_processed_bytes", "disk_processed")
    disk_remaining = _integer("disk_remaining_bytes", "disk_remaining")


class InstanceAction(_Record):
    """An instance action (os-instance-actions); ``events`` at 2.51+ for
    admins, each with ``details`` at 2.84 (Nova's reason for a failure)."""

    @property
    def id(self):
        return self._data.get("request_id")

    @property
    def request_id(self):
        return self._data.get("request_id")

    @property
    def action(self):
        return self._data.get("action")

    @property
    def message(self):
        return self._data.get("message")

    @property
    def start_time(self):
        return self._data.get("start_time")

    @property
    def updated_at(self):
        return self._data.get("updated_at")

    @property
    def events(self):
        return list(self._data.get("events") or [])


class _Named(_Record):
    """A record with an id and a name ("" when none)."""

    @property
    def id(self):
        return self._data.get("id")

    @property
    def name(self):
        return self._data.get("name") or ""


class ServerGroup(_Named):
    """A server group of GET /os-server-groups (2.64: policy + rules)."""

    @property
    def policy(self):
        policy = self._data.get("policy")
        if not policy:  # before 2.64: a list with one policy
            policies = self._data.get("policies") or []
            policy = policies[0] if policies else ""
        return policy

    @property
    def members(self):
        return list(self._data.get("members") or [])

    @property
    def max_server_per_host(self):
        rules = self._data.get("rules") or {}
        try:
            return int(rules.get("max_server_per_host", 1))
        except (TypeError, ValueError):
            return 1

    @property
    def project_id(self):
        return self._data.get("project_id")


class Aggregate(_Named):
    """A host aggregate of GET /os-aggregates."""

    @property
    def hosts(self):
        return list(self._data.get("hosts") or [])

    @property
    def metadata(self):
        return dict(self._data.get("metadata") or {})
