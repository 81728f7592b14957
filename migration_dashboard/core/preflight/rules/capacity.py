"""Free Placement capacity on the destination: RAM, VCPU, PCPU, DISK_GB;
Placement's own "no room" answer; physical RAM behind an overcommitted
ram_allocation_ratio."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import BLOCKER, NOTE, WARNING
from migration_dashboard.core.preflight.profile import numa_fit
from migration_dashboard.core.preflight.wording import mib
from migration_dashboard.core.i18n import N_


# Each resource in a few words, for the list of hosts.
_SHORT = {"ram": N_("RAM"), "vcpu": N_("shared vCPUs"),
          "pcpu": N_("dedicated CPUs"), "disk": N_("disk")}


def _capacity(c, need, free, used, fmt, short, what, code):
    """One Placement resource on the destination; ``used`` is what earlier
    moves of a plan (check_many) already put there."""
    dst = c.dst
    if not need:
        return
    if free is None:
        if dst.placement_no_room:
            return  # Placement already said it has no room there.
        c.add(
            NOTE,
            code + "-unknown",
            N_("Could not check free %(what)s on %(destination)s.",
               what=what, destination=dst.name),
            N_("Read Placement inventories and usages of %(destination)s (or"
               " the hypervisor with microversion 2.87).",
               destination=dst.name),
        )
        return
    avail = free - used
    if need <= avail:
        return
    plan = (
        (N_(" after earlier moves of this plan take %(amount)s",
            amount=fmt(used)))
        if used
        else ""
    )
    c.add(
        BLOCKER,
        code + "-insufficient",
        N_("%(instance)s needs %(amount)s; %(destination)s has %(free)s"
           " free%(plan)s.",
           instance=c.p.label,
           amount=fmt(need),
           destination=dst.name,
           free=fmt(max(avail, 0)),
           plan=plan),
        N_("Choose a host with at least %(amount)s free.",
           amount=fmt(need)),
        reason=N_("%(what)s: %(free)s free, needs %(needs)s%(later)s",
                  what=_SHORT[code],
                  free=short(max(avail, 0)),
                  needs=short(need),
                  later=N_(" after earlier moves of this plan") if used else ""),
    )


def _ram(n):
    return N_("%(size)s of RAM", size=mib(n))


def _vcpus(n):
    return N_("%(n)d shared vCPUs (VCPU)",
              n=n)


def _pcpus(n):
    return N_("%(n)d dedicated CPUs (PCPU)",
              n=n)


def _disk(n):
    return N_("%(n)d GiB of disk (DISK_GB)",
              n=n)


def rule_ram(c):
    _capacity(c, c.p.ram, c.dst.free_ram_mb, c.used.ram, _ram, mib,
              _SHORT["ram"], "ram")


def rule_vcpus(c):
    _capacity(
        c,
        c.p.vcpu_need,
        c.dst.free_vcpus,
        c.used.vcpus,
        _vcpus,
        str,
        N_("shared vCPUs (VCPU)"),
        "vcpu",
    )


def rule_pcpus(c):
    """Pinned vCPUs consume PCPU in Placement since Train."""
    _capacity(
        c,
        c.p.pcpu_need,
        c.dst.free_pcpus,
        c.used.pcpus,
        _pcpus,
        str,
        N_("dedicated CPUs (PCPU)"),
        "pcpu",
    )


def rule_disk(c):
    """Placement claims DISK_GB on the destination for every move (root
    disk unless volume-backed, plus ephemeral and swap), whatever the
    storage; the caller's free disk comes from the same inventory."""
    _capacity(
        c,
        c.p.disk_need,
        c.dst.free_disk_gb,
        c.used.disk,
        _disk,
        _gib,
        N_("disk (DISK_GB)"),
        "disk",
    )


def room_left(p, dst, used):
    """True when what a plan already put on ``dst`` (``used``) leaves the
    room profile ``p`` needs in every known resource, physical RAM and
    NUMA nodes included: the capacity rules would then say what they say
    with nothing put there."""
    for need, free, taken in (
        (p.ram, dst.free_ram_mb, used.ram),
        (p.vcpu_need, dst.free_vcpus, used.vcpus),
        (p.pcpu_need, dst.free_pcpus, used.pcpus),
        (p.disk_need, dst.free_disk_gb, used.disk),
        (p.ram, dst.physical_free_ram_mb, used.ram),
    ):
        if need and free is not None and free - taken < need:
            return False
    if p.numa and used.numa and dst.numa_cells:
        return numa_fit(p, dst.numa_cells, used.numa)[0] is not False
    return True


def _gib(n):
    return N_("%(n)d GiB",
              n=n)


def rule_placement_room(c):
    """Placement offered no allocation candidate on the destination for the
    least any of the instances asks: the scheduler never picks it."""
    why = c.dst.placement_no_room
    if why:
        c.add(
            BLOCKER,
            "placement-no-room",
            N_("Placement has no room on %(destination)s for %(why)s"
               " (allocation candidates, with allocation ratios and reserved"
               " amounts applied); the scheduler will not pick it.",
               destination=c.dst.name, why=why),
            N_("Choose another host, or free capacity on %(destination)s"
               " first.",
               destination=c.dst.name),
            reason=N_("Placement: no room for %(why)s",
                      why=why),
        )


def rule_ram_oversubscribed(c):
    """Placement's free RAM is (total - reserved) * ram_allocation_ratio -
    used: with a ratio above 1 it can fit while the host's physical free
    RAM does not, and the guests then compete for memory (swap, OOM)."""
    dst, need = c.dst, c.p.ram
    physical = dst.physical_free_ram_mb
    if not need or physical is None or dst.free_ram_mb is None:
        return
    physical -= c.used.ram
    room = dst.free_ram_mb - c.used.ram
    if physical < need <= room:
        c.add(
            WARNING,
            "ram-oversubscribed",
            N_("%(instance)s needs %(need)s; Placement counts %(room)s free"
               " on %(destination)s (RAM allocation ratio applied) but only"
               " %(physical)s of physical RAM is free there, so its memory"
               " would be oversubscribed.",
               instance=c.p.label,
               need=mib(need),
               room=mib(room),
               destination=dst.name,
               physical=mib(max(physical, 0))),
            N_("Prefer a host with %(need)s of physical RAM free, or accept"
               " the overcommit.",
               need=mib(need)),
            reason=N_("memory oversubscribed: %(physical)s physical free,"
                      " needs %(need)s",
                      physical=mib(max(physical, 0)), need=mib(need)),
        )


RULES = (
    rule(rule_placement_room, needs_destination=True),
    rule(rule_ram, needs_destination=True),
    rule(rule_ram_oversubscribed, needs_destination=True),
    rule(rule_vcpus, needs_destination=True),
    rule(rule_pcpus, needs_destination=True),
    rule(rule_disk, needs_destination=True),
)
