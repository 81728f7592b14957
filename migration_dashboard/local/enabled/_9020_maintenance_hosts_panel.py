PANEL = 'hosts'
PANEL_DASHBOARD = 'admin'
PANEL_GROUP = 'maintenance'
ADD_PANEL = 'migration_dashboard.content.hosts.panel.Hosts'
ADD_INSTALLED_APPS = ['migration_dashboard']
