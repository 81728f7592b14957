"""Deployment facts Nova's API does not expose, declared once.

Some pre-flight rules need what only the operator knows: whether instance
storage is shared between computes (Ceph RBD, NFS), the libvirt CPU mode,
the release every nova-compute runs.  They are declared in the Horizon
setting ``MIGRATION_DASHBOARD_DEPLOYMENT``::

    MIGRATION_DASHBOARD_DEPLOYMENT = {
        # Computes whose instance storage is shared, by host or aggregate
        # name; every other compute then counts as local storage.
        "shared_storage": ["ceph-computes", "cmp7"],
        "cpu_mode": "host-model",       # [libvirt]cpu_mode of every compute
        "compute_release": "2025.1",    # the oldest nova-compute ("Epoxy")
        # [libvirt] live-migration options of the computes' nova.conf:
        # what Force Complete does and when Nova itself gives up.
        "live_migration_permit_post_copy": False,
        "live_migration_permit_auto_converge": False,
        "live_migration_completion_timeout": 800,   # seconds per GiB
        "live_migration_timeout_action": "abort",   # or "force_complete"
    }

or with host aggregate metadata (``migration_dashboard:shared_storage=true``,
``migration_dashboard:cpu_mode=host-passthrough``), read in the one
aggregate list a page costs.  What is declared nowhere stays unknown, and
the page says so once: "N checks need deployment facts: ...".

The ``[libvirt]`` options are declared in the setting only: deployment
tools set them alike on every compute, and the pages that need them (a
migration, its Force Complete) then cost no aggregate read.
"""
import dataclasses

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.core import live_limits
from migration_dashboard.core import preflight

SETTING = "MIGRATION_DASHBOARD_DEPLOYMENT"
SHARED_KEY = "migration_dashboard:shared_storage"
CPU_MODE_KEY = "migration_dashboard:cpu_mode"
_TRUE = ("true", "1", "yes", "on")

# What each fact enables, for the one line about what is missing.
_NEEDED_BY = {
    "shared_storage": _("shared storage (block migration, evacuation data"
                        " loss)"),
    "cpu_mode": _("CPU mode (host-passthrough CPU models)"),
    "compute_release": _("compute release (PCI, vGPU, vTPM, NUMA and vDPA"
                         " live migration gates)"),
}


@dataclasses.dataclass
class Deployment:
    # Host name -> True (shared) / False (local); None: not declared.
    shared_storage: dict = None
    cpu_mode: dict = None  # host name -> mode; None: not declared
    compute_service_version: int = None

    def missing(self):
        """The facts declared nowhere, in a stable order."""
        return [name for name, value in (
            ("shared_storage", self.shared_storage),
            ("cpu_mode", self.cpu_mode),
            ("compute_release", self.compute_service_version))
            if value is None]

    def note(self):
        """One line about what is missing ("" when nothing is)."""
        missing = self.missing()
        if not missing:
            return ""
        return _("%(count)d checks need deployment facts: %(what)s. Set "
                 "%(keys)s in %(setting)s (local_settings), or aggregate "
                 "metadata %(aggregate)s, to enable them.") % {
                     "count": len(missing),
                     "what": "; ".join(str(_NEEDED_BY[m]) for m in missing),
                     "keys": ", ".join(missing), "setting": SETTING,
                     "aggregate": SHARED_KEY}

    def apply(self, host):
        """``host`` (a preflight.Host) with the declared facts."""
        if self.shared_storage is not None:
            host.shared_storage = self.shared_storage.get(host.name, False)
        if self.cpu_mode is not None:
            host.cpu_mode = self.cpu_mode.get(host.name)
        return host


def read(request, host_names, notes):
    """The declared facts for ``host_names``; what cannot be read adds its
    reason to ``notes`` and stays undeclared."""
    declared = getattr(settings, SETTING, None) or {}
    names = declared.get("shared_storage")
    mode = declared.get("cpu_mode")
    release = declared.get("compute_release")
    hosts = set(host_names)

    aggregates = []
    try:
        aggregates = api.nova.aggregate_list(request)
    except Exception as exc:
        notes.append(_("Could not read the host aggregates (deployment "
                       "facts in their metadata): %s")
                     % base.error_reason(exc))

    shared = None
    if names is not None:
        shared = {}
        members = {a.name: a.hosts for a in aggregates}
        for name in names:
            for host in members.get(name, [name] if name in hosts else []):
                shared[host] = True
    modes = None
    if mode:
        modes = {h: mode for h in hosts}
    for agg in aggregates:
        meta = agg.metadata
        if SHARED_KEY in meta:
            shared = shared if shared is not None else {}
            value = str(meta[SHARED_KEY]).strip().lower() in _TRUE
            for host in agg.hosts:
                shared[host] = shared.get(host) or value
        if CPU_MODE_KEY in meta:
            modes = modes if modes is not None else {}
            for host in agg.hosts:
                modes[host] = meta[CPU_MODE_KEY]

    version = None
    if release:
        version = preflight.service_version_for_release(release)
        if version is None:
            notes.append(_("%(setting)s: compute_release %(release)s is not "
                           "a release the plugin knows (use e.g. 2025.1 or "
                           "Epoxy).") % {"setting": SETTING,
                                         "release": release})
    return Deployment(shared_storage=shared, cpu_mode=modes,
                      compute_service_version=version)


def _flag(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValueError(value)


def _per_gib(value):
    if isinstance(value, bool) or int(value) != float(value) or \
            int(value) < 0:
        raise ValueError(value)
    return int(value)


def _action(value):
    if value not in live_limits.TIMEOUT_ACTIONS:
        raise ValueError(value)
    return value


_LIBVIRT_OPTIONS = (
    (live_limits.POST_COPY, "permit_post_copy", _flag),
    (live_limits.AUTO_CONVERGE, "permit_auto_converge", _flag),
    (live_limits.COMPLETION_TIMEOUT, "completion_timeout", _per_gib),
    (live_limits.TIMEOUT_ACTION, "timeout_action", _action),
)


def libvirt_migration(notes):
    """The declared ``[libvirt]`` live-migration options (a
    core.live_limits.LibvirtMigration, undeclared ones None); a value Nova
    would not accept adds its reason to ``notes`` and stays undeclared."""
    declared = getattr(settings, SETTING, None) or {}
    values = {}
    for key, field, parse in _LIBVIRT_OPTIONS:
        if declared.get(key) is None:
            continue
        try:
            values[field] = parse(declared[key])
        except (TypeError, ValueError):
            notes.append(_("%(setting)s: %(key)s=%(value)s is not a value "
                           "Nova accepts; it is ignored.") % {
                               "setting": SETTING, "key": key,
                               "value": declared[key]})
    return live_limits.LibvirtMigration(**values)
