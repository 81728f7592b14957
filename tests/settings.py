"""Django settings for the unit and view tests: Horizon's own test settings
with the plugin's enabled files added, as Horizon plugins do."""
from openstack_dashboard.test.settings import *  # noqa: F401,F403

import openstack_dashboard.enabled
from openstack_dashboard.utils import settings as settings_utils

import migration_dashboard.local.enabled

# Start again from Horizon's base apps: update_dashboards adds each panel's
# app, and running it twice over the same list would add them twice.
INSTALLED_APPS = [
    'django.contrib.contenttypes',
    'django.contrib.auth',
    'django.contrib.sessions',
    'django.contrib.staticfiles',
    'django.contrib.messages',
    'django.contrib.humanize',
    'openstack_auth',
    'compressor',
    'horizon',
    'openstack_dashboard',
]
# Rebuild the dashboard list with the plugin's panels added.
HORIZON_CONFIG.pop("dashboards", None)  # noqa: F405
HORIZON_CONFIG.pop("default_dashboard", None)  # noqa: F405
settings_utils.update_dashboards(
    [openstack_dashboard.enabled, migration_dashboard.local.enabled],
    HORIZON_CONFIG,  # noqa: F405
    INSTALLED_APPS,
)

# Horizon's test policy files are JSON snapshots of old defaults; the plugin
# checks Nova's current rule names, so use the policy files Horizon ships.
import os  # noqa: E402
import openstack_dashboard  # noqa: E402
POLICY_FILES_PATH = os.path.join(os.path.dirname(openstack_dashboard.__file__),
                                 "conf")
POLICY_FILES = {"identity": "keystone_policy.yaml",
                "compute": "nova_policy.yaml"}
POLICY_DIRS = {"compute": ["nova_policy.d"], "identity": []}

# The drain queue keeps the plan's choices, and Move Back the drain's start,
# in the cache; Django's local
# memory cache holds 300 entries by default and django_compressor fills it
# with its file times while pages render, evicting them.
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "OPTIONS": {"MAX_ENTRIES": 100000}}}
