"""Small, realistic Nova records for view tests (shapes as Nova 2.87/2.96
returns them), wrapped in the plugin's own api classes."""
from migration_dashboard.api import nova_records as nova


def service(host, status="enabled", state="up", forced_down=False,
            reason=None, zone="nova"):
    return nova.Service({
        "id": "uuid-svc-%s" % host, "binary": "nova-compute", "host": host,
        "zone": zone, "status": status, "state": state,
        "forced_down": forced_down, "disabled_reason": reason,
        "updated_at": "2026-11-26T10:00:00.000000",
    })


def hypervisor(host, vcpus=8, vcpus_used=2, memory_mb=16384,
               memory_mb_used=4096, local_gb=200, local_gb_used=20,
               running_vms=2, node_id=None, cpu_info=None):
    return nova.Hypervisor({
        "id": node_id or "0c9d0e3a-0000-4000-8000-%012d" % (
            abs(hash(host)) % 10 ** 12),
        "hypervisor_hostname": host + ".node",
        "service": {"host": host, "id": "uuid-svc-%s" % host},
        "hypervisor_type": "fake", "hypervisor_version": 1000,
        "vcpus": vcpus, "vcpus_used": vcpus_used,
        "memory_mb": memory_mb, "memory_mb_used": memory_mb_used,
        "local_gb": local_gb, "local_gb_used": local_gb_used,
        "running_vms": running_vms, "state": "up", "status": "enabled",
        "cpu_info": cpu_info or {
            "arch": "x86_64", "vendor": "Intel", "model": "Skylake",
            "features": ["sse4.2", "avx2"],
            "topology": {"sockets": 1, "cores": 4, "threads": 2}},
    })


def instance(name, host, status="ACTIVE", project="project-a",
             extra_specs=None, image="img-1", config_drive=False,
             instance_id=None, task_state=None):
    return nova.Instance({
        "id": instance_id or "inst-%s" % name, "name": name,
        "status": status, "tenant_id": project,
        "OS-EXT-SRV-ATTR:host": host,
        "OS-EXT-STS:task_state": task_state,
        "flavor": {"original_name": "m1.small", "vcpus": 1, "ram": 2048,
                   "disk": 10, "extra_specs": extra_specs or {}},
        "image": {"id": image} if image else "",
        "config_drive": "True" if config_drive else "",
    })


def migration(mid, instance_id, source, dest, status="running",
              migration_type="live-migration"):
    return nova.Migration({
        "id": mid, "uuid": "mig-%s" % mid, "instance_uuid": instance_id,
        "source_compute": source, "dest_compute": dest, "status": status,
        "migration_type": migration_type, "project_id": "project-a",
        "user_id": "user-a", "source_node": source + ".node",
        "dest_node": dest + ".node" if dest else None,
        "created_at": "2026-11-26T10:%02d:00.000000" % (mid % 60),
        "updated_at": "2026-11-26T10:%02d:30.000000" % (mid % 60),
    })
