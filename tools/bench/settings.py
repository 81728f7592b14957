"""Django settings of the benchmark: the unit tests' settings (Horizon's test
settings with the plugin's enabled files), made production-like where that
changes render time for every page alike:

* the cached template loader (Horizon's production settings use it when
  DEBUG is off; its test settings do not, so every load would re-parse ~100
  templates);
* no runtime compression of CSS/JS (production Horizon compresses offline,
  once, at deploy time);
* quiet logging.
"""
from tests.settings import *  # noqa: F401,F403

_loaders = TEMPLATES[0]["OPTIONS"].get("loaders") or [  # noqa: F405
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
    "horizon.loaders.TemplateLoader"]
TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    ("django.template.loaders.cached.Loader", list(_loaders))]
COMPRESS_ENABLED = False
DEBUG = False
ALLOWED_HOSTS = ["*"]

LOGGING["loggers"].update({  # noqa: F405
    name: {"handlers": ["null"], "level": "CRITICAL", "propagate": False}
    for name in ("horizon", "openstack_dashboard", "novaclient",
                 "keystoneauth", "openstack", "migration_dashboard",
                 "django.request", "py.warnings")})
