"""Names of projects, for pages that show project ids."""
from django.utils.translation import gettext_lazy as _

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
