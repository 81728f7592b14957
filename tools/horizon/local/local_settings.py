"""Horizon settings for the demo (make demo) and the browser tests.

Loaded by openstack_dashboard.settings as ``local.local_settings`` because
tools/horizon is first on PYTHONPATH.  Everything points at the demo cloud
on 127.0.0.1; state lives in the git-ignored .horizon/ folder.
"""
import os

from horizon.utils import secret_key

_STATE = os.environ.get(
    "HORIZON_STATE",
    os.path.join(os.path.dirname(__file__), "..", "..", "..", ".horizon"))
_STATE = os.path.abspath(_STATE)
os.makedirs(_STATE, exist_ok=True)

DEBUG = os.environ.get("HORIZON_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = secret_key.generate_or_read_from_file(
    os.path.join(_STATE, ".secret_key_store"))
STATIC_ROOT = os.path.join(_STATE, "static")
MEDIA_ROOT = os.path.join(_STATE, "media")
COMPRESS_OFFLINE = True
COMPRESS_ROOT = STATIC_ROOT

# No memcached in the demo: a local-memory cache and signed-cookie sessions
# (a broken cache silently breaks offline compression).
# The drain queue keeps the submitted plans' choices, and Move Back the
# drain's start, in the cache: room
# beyond django_compressor's entries (the default holds 300).
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "OPTIONS": {"MAX_ENTRIES": 100000}}}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
# Several workers (the browser tests' stateless run): sessions and the
# cache in the memcached they share, as Horizon is deployed.
if os.environ.get("HORIZON_MEMCACHED"):
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": os.environ["HORIZON_MEMCACHED"]}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# A browser test's own Horizon calls a lost move stalled sooner than the
# plugin's 300 s (tests/browser/test_reset_state_browser.py).
if os.environ.get("MIGRATION_DASHBOARD_STALL_SECONDS"):
    MIGRATION_DASHBOARD_STALL_SECONDS = int(
        os.environ["MIGRATION_DASHBOARD_STALL_SECONDS"])

OPENSTACK_HOST = "127.0.0.1"
OPENSTACK_KEYSTONE_URL = os.environ.get("DEMOCLOUD_KEYSTONE_URL",
                                        "http://127.0.0.1:5000/v3")
OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"
OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = "Default"
OPENSTACK_ENDPOINT_TYPE = "publicURL"
OPENSTACK_NEUTRON_NETWORK = {"enable_router": False, "enable_quotas": False,
                             "enable_distributed_router": False,
                             "enable_ha_router": False,
                             "enable_fip_topology_check": False}
# The demo cloud has no Cinder or Swift; keep Horizon from asking.
OPENSTACK_CINDER_FEATURES = {"enable_backup": False}

TIME_ZONE = "UTC"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
