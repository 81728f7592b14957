#!/bin/bash
# DevStack plugin for migration_dashboard, in the shape other Horizon plugins
# use: install the package, copy its enabled files into Horizon, rebuild the
# static files; unstack removes the enabled files again.

function install_migration_dashboard {
    setup_develop "$MIGRATION_DASHBOARD_DIR"
}

function configure_migration_dashboard {
    cp -a "$MIGRATION_DASHBOARD_ENABLED_DIR"/_9*.py \
        "$HORIZON_DIR/openstack_dashboard/local/enabled/"
    # Rebuild Horizon's static files so the plugin's are served.
    $PYTHON "$HORIZON_DIR/manage.py" collectstatic --noinput
    $PYTHON "$HORIZON_DIR/manage.py" compress --force
}

function remove_migration_dashboard_enabled_files {
    local f
    for f in "$MIGRATION_DASHBOARD_ENABLED_DIR"/_9*.py; do
        rm -f "$HORIZON_DIR/openstack_dashboard/local/enabled/$(basename "$f")"
    done
}

if is_service_enabled migration-dashboard; then
    if [[ "$1" == "stack" && "$2" == "pre-install" ]]; then
        : # nothing to prepare
    elif [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing migration_dashboard"
        install_migration_dashboard
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring migration_dashboard"
        configure_migration_dashboard
    fi

    if [[ "$1" == "unstack" ]]; then
        remove_migration_dashboard_enabled_files
    fi

    if [[ "$1" == "clean" ]]; then
        remove_migration_dashboard_enabled_files
    fi
fi
