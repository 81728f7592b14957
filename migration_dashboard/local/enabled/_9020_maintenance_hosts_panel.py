PANEL = 'hosts'
PANEL_DASHBOARD = 'admin'
PANEL_GROUP = 'maintenance'
ADD_PANEL = 'migration_dashboard.content.hosts.panel.Hosts'
ADD_INSTALLED_APPS = ['migration_dashboard']
# Row menus that stay open across a row refresh, and page parts (a summary,
# a migration's steps) that refresh themselves: every page of the plugin;
# messages with links kept until closed.
ADD_JS_FILES = ['migration_dashboard/js/refresh.js',
                'migration_dashboard/js/messages.js']
# Its styles (one progress bar per migration row, disclosures that look
# like ones): every page of Horizon.
ADD_SCSS_FILES = ['migration_dashboard/scss/migration_dashboard.scss']
