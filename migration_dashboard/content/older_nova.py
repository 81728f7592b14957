"""What an older Nova cannot tell, said once on the page.

Some of what the pages show came with a microversion newer than the
plugin's floor (2.60).  On an older cloud that column or detail would be
empty on every row; the page leaves it out and says why in one line
("Nova 2.79: ... before 2.80") rather than a "-" in every row, which reads
as "nobody" or "nowhere".  The cloud's version is the one the page already
read (no call here); when it is unknown there is no note.
"""
from django.utils.translation import gettext_lazy as _

from migration_dashboard.core import progress
from migration_dashboard.core import versions

REQUESTED_BY = "requested_by"
EVENT_HOST = "event_host"
EVENT_DETAILS = "event_details"
ABORT_QUEUED = "abort_queued"
FINAL_STATE = "final_state"

# feature -> (the microversion that brings it, the line below it)
_NOTES = {
    REQUESTED_BY: (versions.MIGRATION_REQUESTER, _(
        "Nova %(cloud)s: who requested each migration is not recorded "
        "before %(needed)s.")),
    EVENT_HOST: (versions.EVENT_HOST, _(
        "Nova %(cloud)s: the host of each event is not recorded before "
        "%(needed)s.")),
    EVENT_DETAILS: (versions.EVENT_DETAILS, _(
        "Nova %(cloud)s gives no reason for a failed event before "
        "%(needed)s; see the instance's fault.")),
    ABORT_QUEUED: (versions.ABORT_QUEUED, _(
        "Nova %(cloud)s: a queued or preparing live migration cannot be "
        "aborted before %(needed)s; Abort is offered once it runs.")),
    FINAL_STATE: (versions.EVACUATE_STOPPED, _(
        "Nova %(cloud)s: the final state can be chosen from %(needed)s on; "
        "here each instance keeps the state it had, so an ACTIVE one is "
        "started again on its new host (its old host must really be "
        "off).")),
}


def older(cloud_version, feature):
    """The cloud is known to be older than ``feature`` needs (an unknown
    version is not: nothing is hidden or noted for it)."""
    try:
        cloud = versions.parse(cloud_version)
    except (TypeError, ValueError):
        return False
    return cloud < _NOTES[feature][0]


def notes(cloud_version, *features):
    """{feature: its one line} for the ``features`` the cloud lacks, in the
    order given (templates test ``older_nova.<feature>``)."""
    return {feature: _NOTES[feature][1] % {
        "cloud": cloud_version, "needed": _NOTES[feature][0]}
        for feature in features if older(cloud_version, feature)}


def list_notes(cloud_version, rows):
    """The lines of a page of migrations: who requested them, and Abort
    where a shown row would take it on a newer Nova but not on this one."""
    features = [REQUESTED_BY]
    if any(progress.can_abort(row.status, row.migration_type,
                              versions.ABORT_QUEUED) and not row.can_abort
           for row in rows):
        features.append(ABORT_QUEUED)
    return notes(cloud_version, *features)
