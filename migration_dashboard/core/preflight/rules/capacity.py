"""Free Placement capacity on the destination: RAM, VCPU, PCPU, DISK_GB;
Placement's own "no room" answer; physical RAM behind an overcommitted
ram_allocation_ratio."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import BLOCKER, NOTE, WARNING
from migration_dashboard.core.preflight.profile import numa_fit
from migration_dashboard.core.preflight.wording import mib


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
            "Could not check free %s on %s." % (what, dst.name),
            "Read Placement inventories and usages of %s (or the hypervisor "
            "with microversion 2.87)."
            % dst.name,
        )
        return
    avail = free - used
    if need <= avail:
        return
    plan = (
        (" after earlier moves of this plan take %s" % fmt(used))
        if used
        else ""
    )
    c.add(
        BLOCKER,
        code + "-insufficient",
        "%s needs %s; %s has %s free%s."
        % (c.p.label, fmt(need), dst.name, fmt(max(avail, 0)), plan),
        "Choose a host with at least %s free." % fmt(need),
        reason="%s: %s free, needs %s%s" % (
            what.split(" (")[0], short(max(avail, 0)), short(need),
            " after earlier moves of this plan" if used else ""),
    )


def _ram(n):
    return mib(n) + " of RAM"


def _vcpus(n):
    return "%d shared vCPUs (VCPU)" % n


def _pcpus(n):
    return "%d dedicated CPUs (PCPU)" % n


def _disk(n):
    return "%d GiB of disk (DISK_GB)" % n


@rule(needs_destination=True)
def rule_ram(c):
    _capacity(c, c.p.ram, c.dst.free_ram_mb, c.used.ram, _ram, mib,
              "RAM", "ram")


@rule(needs_destination=True)
def rule_vcpus(c):
    _capacity(
        c,
        c.p.vcpu_need,
        c.dst.free_vcpus,
        c.used.vcpus,
        _vcpus,
        str,
        "shared vCPUs (VCPU)",
        "vcpu",
    )


@rule(needs_destination=True)
def rule_pcpus(c):
    """Pinned vCPUs consume PCPU in Placement since Train."""
    _capacity(
        c,
        c.p.pcpu_need,
        c.dst.free_pcpus,
        c.used.pcpus,
        _pcpus,
        str,
        "dedicated CPUs (PCPU)",
        "pcpu",
    )


@rule(needs_destination=True)
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
        "disk (DISK_GB)",
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
    return "%d GiB" % n


@rule(needs_destination=True)
def rule_placement_room(c):
    """Placement offered no allocation candidate on the destination for the
    least any of the instances asks: the scheduler never picks it."""
    why = c.dst.placement_no_room
    if why:
        c.add(
            BLOCKER,
            "placement-no-room",
            "Placement has no room on %s for %s (allocation candidates, with"
            " allocation ratios and reserved amounts applied); the scheduler"
            " will not pick it." % (c.dst.name, why),
            "Choose another host, or free capacity on %s first." % c.dst.name,
            reason="Placement: no room for %s" % why,
        )


@rule(needs_destination=True)
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
            "%s needs %s; Placement counts %s free on %s (RAM allocation"
            " ratio applied) but only %s of physical RAM is free there, so"
            " its memory would be oversubscribed."
            % (c.p.label, mib(need), mib(room), dst.name,
               mib(max(physical, 0))),
            "Prefer a host with %s of physical RAM free, or accept the"
            " overcommit." % mib(need),
            reason="memory oversubscribed: %s physical free, needs %s" % (
                mib(max(physical, 0)), mib(need)),
        )


RULES = (
    rule_placement_room,
    rule_ram,
    rule_ram_oversubscribed,
    rule_vcpus,
    rule_pcpus,
    rule_disk,
)
