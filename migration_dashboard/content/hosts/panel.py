from django.conf import settings
from django.utils.translation import gettext_lazy as _

import horizon


class Hosts(horizon.Panel):
    name = _("Compute Hosts")
    slug = "hosts"
    permissions = ("openstack.roles.admin", "openstack.services.compute")
    policy_rules = (("compute", "os_compute_api:os-services:list"),)

    def allowed(self, context):
        # Same scope rule as Horizon's own Hypervisors panel.
        if (("compute" in settings.SYSTEM_SCOPE_SERVICES) !=
                bool(context["request"].user.system_scoped)):
            return False
        return super().allowed(context)
