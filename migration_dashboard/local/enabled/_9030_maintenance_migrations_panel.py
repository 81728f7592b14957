PANEL = 'migrations'
PANEL_DASHBOARD = 'admin'
PANEL_GROUP = 'maintenance'
ADD_PANEL = 'migration_dashboard.content.migrations.panel.Migrations'
# ADD_INSTALLED_APPS = ['migration_dashboard'] comes with _9020 (Horizon
# does not de-duplicate it; the app is the same package).
