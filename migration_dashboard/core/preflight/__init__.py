"""Pre-flight checks for moving instances between compute hosts.

Given plain data about an instance, its source host, a destination (or none,
meaning "let the scheduler choose") and the request, :func:`check` returns a
list of :class:`Finding` objects, each one of:

* ``BLOCKER`` -- Nova will refuse the request, or the move will fail;
* ``WARNING`` -- the move may fail or degrade the instance;
* ``NOTE``    -- worth knowing, including "could not check X" whenever the
  data needed for a rule is unknown (a rule never passes silently).

The rules follow modern Nova (read from openstack/nova master, 2026-08), not
the old migration guide: several limits the guide lists were lifted (NUMA-
aware live migration in Train, SR-IOV live migration in Train, iso9660 config
drives in 2016, vGPU in 2024.1, PCI passthrough in 2025.1, vTPM in 2026.1).
Where a lift depends on every nova-compute being new enough, Nova gates it on
the minimum compute *service version*; pass it as
``Request.compute_service_version`` (see :data:`SERVICE_VERSION_BY_RELEASE`)
to turn "needs release X" warnings into definite answers.

Where modern Nova differs from what one might expect (each rule says why):

* A disabled destination is refused for every scheduled move (the
  COMPUTE_STATUS_DISABLED pre-filter, "No valid host was found"); only a
  forced move (live: below 2.30, or force at 2.30-2.67; evacuate: below
  2.29, or force at 2.29-2.67) bypasses it.  The old guide's step
  "disable the destination" (in "Additional preparation for DPDK
  instances") therefore only works with a forced move.
* Accelerator ports (accelerator-direct[-physical]) and Manila shares block
  cold migration and evacuation too, not only live migration; a Cyborg
  device profile blocks cold migration as well.
* vPMEM live migration works since Victoria (service version 51).
* The machine type is recorded at boot and kept on every move since
  Wallaby, so cold migration and evacuation do not adopt the destination's.
* Placement claims DISK_GB on the destination for every kind of move (root
  disk unless volume-backed, plus ephemeral and swap), so disk is checked
  for all kinds, whatever the storage.

Pure Python, standard library only: no Django, no HTTP.  Every rule is O(1)
in the number of instances and hosts, so a whole host drain is checked in
milliseconds.

Layout: ``model`` (the data and findings), ``profile`` (facts derived from
an instance, one definition each), ``wording``, ``context`` (what a rule
sees), ``rules/`` (one module per subject, run in the order
``rules.RULES`` fixes) and ``engine`` (:func:`check`, :func:`check_many`).
This module is the public API.
"""

from migration_dashboard.core.preflight.engine import check, check_many
from migration_dashboard.core.preflight.model import (
    AUTO,
    BLOCKER,
    DEFAULT_MICROVERSION,
    NOTE,
    SERVICE_VERSION_BY_RELEASE,
    WARNING,
    CpuInfo,
    Finding,
    Flavor,
    Host,
    Instance,
    NumaCell,
    Request,
    ServerGroup,
    Severity,
    has_blockers,
    service_version_for_release,
    sort_findings,
    worst,
)
from migration_dashboard.core.preflight.profile import (
    Profile,
    is_pinned,
    uses_huge_pages,
    wants_empty_host,
)
from migration_dashboard.core.preflight.rules import FINDING_CODES, RULES
from migration_dashboard.core.preflight.scheduler import Candidates
from migration_dashboard.core.states import Kind
from migration_dashboard.core.versions import parse as parse_microversion

__all__ = [
    "Severity",
    "BLOCKER",
    "WARNING",
    "NOTE",
    "Kind",
    "AUTO",
    "DEFAULT_MICROVERSION",
    "Finding",
    "Flavor",
    "ServerGroup",
    "Instance",
    "CpuInfo",
    "NumaCell",
    "Host",
    "Request",
    "Profile",
    "check",
    "check_many",
    "has_blockers",
    "worst",
    "sort_findings",
    "is_pinned",
    "uses_huge_pages",
    "wants_empty_host",
    "parse_microversion",
    "FINDING_CODES",
    "SERVICE_VERSION_BY_RELEASE",
    "RULES",
    "Candidates",
    "service_version_for_release",
]

