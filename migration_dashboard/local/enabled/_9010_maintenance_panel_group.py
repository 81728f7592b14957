from django.utils.translation import gettext_lazy as _

# The panel group holding the plugin's panels in the Admin dashboard.
PANEL_GROUP = 'maintenance'
PANEL_GROUP_NAME = _('Maintenance & Migration')
PANEL_GROUP_DASHBOARD = 'admin'
