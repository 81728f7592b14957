"""Drain planning: which instance moves how, and where, to empty a host.

:func:`plan_drain` turns the instances on a host into a :class:`Plan`: one
:class:`PlanRow` per instance with a :class:`Strategy` (live, live with
block migration, cold, blocked, skipped, nothing to do), a destination
(``None`` = the scheduler chooses, or a host name), the pre-flight
findings for that choice and a short "why".  :func:`move_back_plan` does
the same for the instances that left a host in its last drain, moving them
back once the maintenance is over.

Built on :mod:`migration_dashboard.core.preflight`; every per-instance rule
is the pre-flight engine's.  What the planner adds is what no single
check can see:

* **Strategy choice.**  A running instance is live migrated when the
  live request has no blocker; otherwise (a live blocker cold migration
  does not have: SEV, a vTPM without host secret security, an old
  compute for NUMA/vGPU/vDPA, a destination with an older hypervisor ...)
  it is cold migrated; a SHUTOFF instance is cold migrated; when neither
  works the row is blocked with the findings of both.
* **Together capacity.**  With a chosen destination the rows are checked
  with :func:`preflight.check_many` in submission order, so each one sees
  the RAM, vCPUs, PCPUs, disk and server-group members the earlier ones
  put there.  With the scheduler, Nova's own checks run at submission
  time, so the planner predicts them: a first-fit-decreasing packing of
  the planned instances onto the other enabled, up hosts (their free
  capacity minus what chosen-destination rows take), honouring
  anti-affinity (at most ``max_server_per_host`` members per host, hosts
  that already hold members counted), affinity (the members that move
  form one item that must fit on one host, the host of the other members
  when there is one) and pinned availability zones.  Instances the
  packing cannot place get a ``plan-capacity-short`` finding: a BLOCKER
  when the shortage is certain (the total demand exceeds the total free
  capacity, or no host could take the instance even before the others),
  a WARNING when it is a packing effect the scheduler might still avoid.
* **Summary**: counts per strategy, totals to move, hosts used, whether
  the plan can be submitted, and the submission order (see
  :func:`submission_key`).

Pure Python, standard library only: no Django, no HTTP.  Deterministic:
the same input gives the same plan, rows sorted.  Planning n instances
over h hosts costs O(n log n) for the sort plus O(n * h) cheap
comparisons for the packing in the worst case (every instance tried on
every host); 200 instances over 50 hosts plan in a few milliseconds
(``tools/bench/planning_case.py``).

Layout: ``model`` (strategies, rows, plans, records, submission order),
``strategy`` (the choice per instance), ``capacity`` (rows with a chosen
destination checked together), ``packing`` (the scheduler's prediction),
``drain`` (:func:`plan_drain`) and ``move_back`` (:func:`move_back_plan`).
This module is the public API.
"""

from migration_dashboard.core.planning.drain import plan_drain
from migration_dashboard.core.planning.model import (
    COMPLETED_STATUSES,
    MOVE_TYPES,
    MOVING,
    PLAN_CODES,
    SCHEDULER,
    MigrationRecord,
    Override,
    Plan,
    PlanOptions,
    PlanRow,
    Strategy,
    submission_key,
)
from migration_dashboard.core.planning.move_back import move_back_plan

__all__ = [
    "Strategy",
    "MOVING",
    "SCHEDULER",
    "Override",
    "PlanOptions",
    "PlanRow",
    "Plan",
    "MigrationRecord",
    "plan_drain",
    "move_back_plan",
    "submission_key",
    "PLAN_CODES",
    "COMPLETED_STATUSES",
    "MOVE_TYPES",
]
