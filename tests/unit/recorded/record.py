"""Record the demo cloud's answers that the pre-flight reads, at the
microversions the plugin asks for, into democloud.json (next to this file).

Run against a started demo cloud (tools/democloud), e.g.:

    ip netns exec <ns> .venvs/cloud/bin/python tests/unit/recorded/record.py

It disables cmp3 (with a reason) for one services read and enables it again,
also when something fails.  The unit tests replay the file through the
plugin's real api wrappers (tests/unit/test_preflight_recorded.py).
"""
import json
import os
import sys

from keystoneauth1 import adapter
from keystoneauth1 import session
from keystoneauth1.identity import v3

HERE = os.path.dirname(os.path.abspath(__file__))
REASON = "recorded: planned maintenance"


def main():
    auth = v3.Password(auth_url="http://127.0.0.1:5000/v3",
                       username="admin", password="admin",
                       project_name="admin", user_domain_name="Default",
                       project_domain_name="Default")
    sess = session.Session(auth=auth)
    nova = adapter.Adapter(sess, service_type="compute", raise_exc=True)
    placement = adapter.Adapter(sess, service_type="placement",
                                raise_exc=True)

    def get(path, version):
        return nova.get(path, microversion=version).json()

    out = {"max_version": get("/", None)["version"]["version"]}
    out["services"] = get("/os-services?binary=nova-compute", "2.53")
    out["hypervisors"] = get("/os-hypervisors/detail?with_servers=true",
                             "2.87")
    out["servers_2_98"] = get("/servers/detail?all_tenants=True", "2.98")
    out["servers_2_96"] = get("/servers/detail?all_tenants=True", "2.96")
    out["server_groups"] = get(
        "/os-server-groups?all_projects=True&limit=1000&offset=0", "2.64")
    out["aggregates"] = get("/os-aggregates", "2.41")
    a_server = out["servers_2_98"]["servers"][0]["id"]
    out["topology"] = {a_server: get("/servers/%s/topology" % a_server,
                                     "2.78")}
    out["allocation_candidates"] = placement.get(
        "/allocation_candidates?resources=MEMORY_MB:512",
        headers={"OpenStack-API-Version": "placement 1.17"}).json()
    cmp3 = next(s for s in out["services"]["services"]
                if s["host"] == "cmp3")
    try:
        nova.put("/os-services/%s" % cmp3["id"], microversion="2.53",
                 json={"status": "disabled", "disabled_reason": REASON})
        out["services_cmp3_disabled"] = get(
            "/os-services?binary=nova-compute", "2.53")
    finally:
        nova.put("/os-services/%s" % cmp3["id"], microversion="2.53",
                 json={"status": "enabled"})
    with open(os.path.join(HERE, "democloud.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
