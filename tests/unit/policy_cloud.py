"""A small cloud at the HTTP layer (tests/unit/fake_cloud.py) on which every
action of the plugin can be taken: the policy and hostile-input tests POST
to it and count the writes Nova receives."""
import re

from tests.unit.fake_cloud import FakeCloud

SINCE = "2026-11-26T09:00:00Z"
# cmp1 runs instances 0-3 (0 pinned; 2 waits in VERIFY_RESIZE on cmp1
# itself for the instances tab; 3 is SHUTOFF); cmp2 is disabled; cmp3 is
# forced down (its instances can be evacuated); cmp4 is drained (marker
# since SINCE): its instance 0 left for cmp2 (live, still there: move
# back) and instance 1 for cmp1 by a cold move waiting for a confirm.
DRAINED = "cmp4"
HOST_OF_MOVED = "cmp2"
LIVE_MOVED = "inst-cmp4-0"
COLD_MOVED = "inst-cmp4-1"
VERIFY = "inst-cmp1-2"
SHUTOFF = "inst-cmp1-3"
MIGRATING = "inst-cmp1-1"
EVACUEE = "inst-cmp3-1"


class PolicyCloud(FakeCloud):
    def __init__(self):
        super().__init__(hosts=5, instances_per_host=4, migrations=0)
        servers = self._servers
        servers[VERIFY]["status"] = "VERIFY_RESIZE"
        servers[SHUTOFF]["status"] = "SHUTOFF"
        servers[SHUTOFF]["OS-EXT-STS:vm_state"] = "stopped"
        self._relocate(LIVE_MOVED, HOST_OF_MOVED)
        self._relocate(COLD_MOVED, "cmp1")
        servers[COLD_MOVED]["status"] = "VERIFY_RESIZE"
        self.migrations = [
            self._migration(1, LIVE_MOVED, DRAINED, HOST_OF_MOVED,
                            "completed", "live-migration"),
            self._migration(2, COLD_MOVED, DRAINED, "cmp1", "finished",
                            "migration"),
            self._migration(3, MIGRATING, "cmp1", "cmp2", "running",
                            "live-migration")]
        # host -> disabled reason of a further disabled host (a test's own).
        self.reasons = {}
        self.bodies = []  # (method, path, JSON body) of every write

    def _relocate(self, instance_id, host):
        inst = self._servers[instance_id]
        old = inst["OS-EXT-SRV-ATTR:host"]
        self._by_host[old].remove(inst)
        inst["OS-EXT-SRV-ATTR:host"] = host
        inst["OS-EXT-SRV-ATTR:hypervisor_hostname"] = host
        self._by_host.setdefault(host, []).append(inst)

    @staticmethod
    def _migration(mid, instance_id, source, dest, status, kind):
        return {"id": mid, "uuid": "mig-%d" % mid,
                "instance_uuid": instance_id, "source_compute": source,
                "dest_compute": dest, "status": status,
                "migration_type": kind, "project_id": "proj-0",
                "created_at": "2026-11-26T10:00:0%d.000000" % mid,
                "updated_at": "2026-11-26T10:00:3%d.000000" % mid}

    def nova_writes(self):
        return [(m, p) for s, m, p in self.calls
                if s == "nova" and m not in ("GET", "HEAD")]

    def _nova(self, request, context, path, query):
        if request.method not in ("GET", "HEAD"):
            # Nova accepts every write here: the test only counts them.
            context.status_code = 202
            self.bodies.append((request.method, path,
                                request.json() if request.body else None))
            short = re.sub(r"^/v2(\.1)?", "", path)
            if short.startswith("/os-services/"):
                context.status_code = 200
                return super()._nova(request, context, path, query)
            return {}
        body = super()._nova(request, context, path, query)
        short = re.sub(r"^/v2(\.1)?", "", path)
        if short == "/os-services":
            for svc in body["services"]:
                if svc["host"] == "cmp2":
                    svc.update(status="disabled", disabled_reason="repair")
                if svc["host"] == "cmp3":
                    svc.update(state="down", forced_down=True,
                               status="disabled", disabled_reason="dead")
                if svc["host"] in self.reasons:
                    svc.update(status="disabled",
                               disabled_reason=self.reasons[svc["host"]])
                if svc["host"] == DRAINED:
                    svc.update(status="disabled",
                               disabled_reason="Drain since %s: x" % SINCE)
        return body
