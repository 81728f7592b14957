"""Free Placement capacity on the destination: RAM, VCPU, PCPU, DISK_GB."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import BLOCKER, NOTE
from migration_dashboard.core.preflight.wording import mib


def _capacity(c, need, free, used, fmt, what, code):
    """One Placement resource on the destination; ``used`` is what earlier
    moves of a plan (check_many) already put there."""
    dst = c.dst
    if not need:
        return
    if free is None:
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
    _capacity(c, c.p.ram, c.dst.free_ram_mb, c.used.ram, _ram, "RAM", "ram")


@rule(needs_destination=True)
def rule_vcpus(c):
    _capacity(
        c,
        c.p.vcpu_need,
        c.dst.free_vcpus,
        c.used.vcpus,
        _vcpus,
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
        "disk (DISK_GB)",
        "disk",
    )


RULES = (
    rule_ram,
    rule_vcpus,
    rule_pcpus,
    rule_disk,
)
