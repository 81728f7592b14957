#!/usr/bin/env bash
# Horizon with the plugin, for the demo and the browser tests.
#   horizon.sh setup   install the plugin's enabled files, collectstatic, compress
#   horizon.sh start   run it on 127.0.0.1:$HORIZON_PORT (default 8000) in the background
#   horizon.sh stop    stop the server this script started (by its PID)
#   horizon.sh status
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv=${DASH_VENV:-$repo/.venvs/dash}
state=${HORIZON_STATE:-$repo/.horizon}
port=${HORIZON_PORT:-8000}
export HORIZON_STATE=$state
# The repository first, so a second checkout (git worktree) serves its own
# code rather than the one the shared venv has installed in editable mode.
export PYTHONPATH=$here:$repo${PYTHONPATH:+:$PYTHONPATH}
export DJANGO_SETTINGS_MODULE=openstack_dashboard.settings
mkdir -p "$state"
pidfile=$state/horizon-$port.pid
log=$state/horizon-$port.log
admin() { "$venv/bin/django-admin" "$@"; }

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "${1:-}" in
setup)
  enabled=$("$venv/bin/python" -c 'import os, openstack_dashboard.local.enabled as e; print(os.path.dirname(e.__file__))' 2>/dev/null || true)
  if [ -z "$enabled" ]; then
    enabled=$("$venv/bin/python" -c 'import os, openstack_dashboard; print(os.path.join(os.path.dirname(openstack_dashboard.__file__), "local", "enabled"))')
    mkdir -p "$enabled"; touch "$enabled/__init__.py"
  fi
  cp "$repo"/migration_dashboard/local/enabled/_9*.py "$enabled/"
  stamp=$state/static.stamp
  sum=$( (cat "$enabled"/_9*.py; find "$repo/migration_dashboard" -name '*.html' -o -name '*.js' -o -name '*.scss' -o -name '*.css' | sort | xargs cat; "$venv/bin/pip" freeze 2>/dev/null | grep -i horizon) | sha1sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    echo "horizon: static files up to date"
  else
    admin collectstatic --noinput -v0
    admin compress --force -v0
    echo "$sum" > "$stamp"
  fi
  ;;
start)
  if running; then echo "horizon: already running on http://127.0.0.1:$port (pid $(cat "$pidfile"))"; exit 0; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "horizon: port $port is taken by another process; set HORIZON_PORT or free it" >&2; exit 1
  fi
  nohup "$venv/bin/django-admin" runserver --insecure --noreload "127.0.0.1:$port" >"$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 60); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "horizon: up on http://127.0.0.1:$port (log $log)"; exit 0; fi
    if ! running; then echo "horizon: failed to start; see $log" >&2; tail -5 "$log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "horizon: not listening after 30 s; see $log" >&2; exit 1
  ;;
stop)
  if running; then pid=$(cat "$pidfile"); kill "$pid"; for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; kill -9 "$pid" 2>/dev/null || true; echo "horizon: stopped"; else echo "horizon: not running"; fi
  rm -f "$pidfile"
  ;;
status)
  if running; then echo "horizon: up on http://127.0.0.1:$port (pid $(cat "$pidfile"), log $log)"; else echo "horizon: down"; exit 1; fi
  ;;
*) echo "usage: $0 setup|start|stop|status" >&2; exit 2 ;;
esac
