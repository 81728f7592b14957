"""Names of projects, for pages that show project ids."""
from django.utils.translation import gettext_lazy as _

from keystoneauth1 import exceptions as ks_exceptions

from horizon import exceptions

from migration_dashboard import api
from migration_dashboard.api import base


def project_names(request):
    """{project id: name} from one Keystone call; {} if it fails (the page
    then shows project ids, and says why)."""
    try:
        projects = api.keystone.project_list(request)
    except Exception as exc:
        exceptions.handle(request, _("Unable to list projects: %s") %
                          base.error_reason(exc), details="")
        return {}
    return {p.id: p.name for p in projects}


def requester(request, project_id, user_id):
    """(project name, user name) of who asked for a migration: one Keystone
    read each, whatever the size of the cloud.  A name Keystone no longer
    has (a deleted user) is None and the page shows the id; any other
    failure is said, with Keystone's reason, and the id shown too."""
    return (_name_of(request, api.keystone.project_get, project_id,
                     _("Unable to read project %(id)s: %(reason)s")),
            _name_of(request, api.keystone.user_get, user_id,
                     _("Unable to read user %(id)s: %(reason)s")))


def _name_of(request, read, ident, message):
    if not ident:
        return None
    try:
        return read(request, ident).name or None
    except Exception as exc:
        if not isinstance(exc, ks_exceptions.NotFound):
            exceptions.handle(request, message % {
                "id": ident, "reason": base.error_reason(exc)}, details="")
        return None
