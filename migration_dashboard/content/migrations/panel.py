from django.conf import settings
from django.utils.translation import gettext_lazy as _

import horizon


class Migrations(horizon.Panel):
    name = _("Migrations")
    slug = "migrations"
    permissions = ("openstack.roles.admin", "openstack.services.compute")
    policy_rules = (("compute", "os_compute_api:os-migrations:index"),)

    def allowed(self, context):
        # Same scope rule as the Compute Hosts panel (and Hypervisors).
        if (("compute" in settings.SYSTEM_SCOPE_SERVICES) !=
                bool(context["request"].user.system_scoped)):
            return False
        return super().allowed(context)
