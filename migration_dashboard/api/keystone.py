"""Keystone: the names of projects, for pages that show project ids."""
from openstack_dashboard.api import keystone as horizon_keystone

from migration_dashboard.api import base


def project_list(request):
    """Every project the user may see, in every domain (one GET
    /v3/projects).

    Horizon's ``tenant_list`` first reads the user's domain (one more
    Keystone call) to filter by it; turning project ids into names needs no
    filter, and a project of another domain is named too.  The client is
    Horizon's (same token, domain-scoped for a domain admin).
    """
    client = horizon_keystone.keystoneclient(request, admin=True)
    return list(client.projects.list())


def project_get(request, project_id):
    """One project (one GET /v3/projects/{id})."""
    client = horizon_keystone.keystoneclient(request, admin=True)
    return client.projects.get(project_id)


def user_get(request, user_id):
    """One user (one GET /v3/users/{id})."""
    client = horizon_keystone.keystoneclient(request, admin=True)
    return client.users.get(user_id)


# Horizon's profiler trace of each call (base.trace_calls says why not as
# decorators).
base.trace_calls(globals(), "project_list", "project_get", "user_get")
