"""Say once what would be said on every row.

A page that checks several instances (a batch form, an evacuation, a drain
plan) would repeat the same sentence on each row: "could not read the image
properties of X", "the scheduler will choose among cmp4, cmp7".  Real
findings drown in them.  :func:`said_once` takes them out of the rows and
returns them once, for a line above the table:

* a finding that reads the same on every row (two rows or more);
* a "could not check" note listed in :data:`ONCE` wherever it appears: one
  line naming the instances it concerns.
"""

from __future__ import annotations

from migration_dashboard.core.preflight.model import NOTE, Finding
from migration_dashboard.core.preflight.wording import first_names
from migration_dashboard.core.i18n import N_

# Notes about data the page could not read: said once, with the instances
# concerned.  Text without the instance's name: "%(names)s" is the list
# of names.
ONCE = {
    "image-properties-unknown": (
        N_("Could not read the image properties (of %(names)s), so image-defined"
           " NUMA, pinning, vTPM, SEV and machine type were not checked.")),
    "extra-specs-unknown": (
        N_("Could not read the flavor extra specs (of %(names)s), so CPU pinning,"
           " NUMA, PCI, vGPU, vTPM and SEV were not checked.")),
    "shares-unknown": (
        N_("Could not check for Manila shares (on %(names)s); they block every move.")),
    "ports-unknown": (
        N_("Could not check the ports (SR-IOV, vDPA, accelerator) of %(names)s.")),
    "groups-unknown": N_("Could not check the server groups (of %(names)s)."),
    "storage-unknown": (
        N_("Could not tell whether there are local disks (on %(names)s): boot source"
           " or config drive unknown, so the need for block migration was not"
           " checked.")),
    "evacuate-disk-unknown": (
        N_("Could not tell whether the disks are volume-backed (for %(names)s):"
           " unless they are on shared storage, an image-backed disk is"
           " rebuilt from the image and its data is lost.")),
    "machine-type-unknown": (
        N_("Could not check the machine type (of %(names)s); the destination's QEMU"
           " must support the one it runs with.")),
}




def said_once(results, labels):
    """(page findings, rows) from ``results`` ({row id: [findings]}) and
    ``labels`` ({row id: name}); rows keep their order and the findings
    that are theirs alone."""
    rows = {rid: list(fs) for rid, fs in results.items()}
    page = []
    if len(rows) > 1:
        common = None
        for fs in rows.values():
            keys = {(f.severity, f.code, f.message) for f in fs}
            common = keys if common is None else common & keys
            if not common:
                break
        if common:
            first = next(iter(rows.values()))
            seen = set()
            for f in first:
                key = (f.severity, f.code, f.message)
                if key in common and key not in seen:
                    seen.add(key)
                    page.append(f)
            for rid, fs in rows.items():
                rows[rid] = [f for f in fs
                             if (f.severity, f.code, f.message) not in common]
    concerned = {}
    for rid, fs in rows.items():
        for f in fs:
            if f.severity is NOTE and f.code in ONCE:
                concerned.setdefault(f.code, []).append(rid)
    for code in ONCE:
        ids = concerned.get(code)
        if not ids:
            continue
        page.append(Finding(NOTE, code, ONCE[code] % {"names": first_names(
            [labels.get(rid) or rid for rid in ids])}))
        for rid in ids:
            rows[rid] = [f for f in rows[rid] if f.code != code]
    page.sort(key=lambda f: -f.severity)
    return page, rows
