"""The drain's forms: step 1 disables the host with a reason that marks
the drain (skipped when the host is already disabled); the plan form's
per-row choices are read by :func:`parse_choices`."""
from django.utils.translation import gettext_lazy as _

from horizon import forms
from horizon import messages

from migration_dashboard.content import formbase
from migration_dashboard.content import presentation
from migration_dashboard.content.hosts import forms as host_forms
from migration_dashboard.core import planning
from migration_dashboard.services import drain

# Values of the per-row strategy field.
AUTO = ""
EXCLUDE = "exclude"
STRATEGY_CHOICES = (
    (AUTO, _("Planner's choice")),
    (planning.Strategy.LIVE.value, _("Live")),
    (planning.Strategy.LIVE_BLOCK.value, _("Live, block migration")),
    (planning.Strategy.COLD.value, _("Cold")),
    (EXCLUDE, _("Exclude (leave it here)")),
)
DEFAULT = ""  # per-row destination: the plan's default


def parse_choices(data, instance_ids, hosts, source):
    """(overrides, default destination, errors) from the plan form.

    ``data`` is the POST (or GET) QueryDict: ``default_destination``,
    ``strategy__<id>`` and ``dest__<id>``.  Unknown values are errors
    (shown) and ignored, never a 500."""
    errors = []
    valid_hosts = set(hosts) - {source}
    default = data.get("default_destination") or None
    if default in (planning.SCHEDULER,):
        default = None
    if default is not None and default not in valid_hosts:
        errors.append(_("Unknown destination %s ignored: the scheduler "
                        "chooses.") % default)
        default = None
    overrides = {}
    for iid in instance_ids:
        raw_strategy = data.get("strategy__" + iid, AUTO) or AUTO
        raw_dest = data.get("dest__" + iid, DEFAULT) or DEFAULT
        strategy, exclude, destination = None, False, None
        if raw_strategy == EXCLUDE:
            exclude = True
        elif raw_strategy != AUTO:
            try:
                strategy = planning.Strategy(raw_strategy)
            except ValueError:
                strategy = None
            if strategy not in planning.MOVING:
                errors.append(_("Unknown strategy %s ignored.")
                              % raw_strategy)
                strategy = None
        if raw_dest == planning.SCHEDULER:
            destination = planning.SCHEDULER
        elif raw_dest != DEFAULT:
            if raw_dest in valid_hosts:
                destination = raw_dest
            else:
                errors.append(_("Unknown destination %s ignored.")
                              % raw_dest)
        if strategy or exclude or destination:
            overrides[iid] = planning.Override(
                strategy=strategy, destination=destination, exclude=exclude)
    return overrides, default, errors


class StartDrainForm(formbase.SelfHandlingForm):
    host = host_forms.host_field()
    # No max_length: a browser cuts a pasted text at maxlength without a
    # word; clean_reason says the limit instead.
    reason = forms.CharField(
        label=_("Reason"), required=False,
        widget=forms.TextInput(attrs={
            "placeholder": _("e.g. kernel upgrade, ticket OPS-1234")}))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.service = kwargs.get("initial", {}).get("service")
        self.fields["reason"].help_text = _(
            "Nova stores it with the service, after a drain marker "
            "(\"Drain since <time>\") by which every dashboard recognises "
            "the drain: %(room)d characters at most. Left empty on a "
            "disabled host, its current reason is kept.") % {
                "room": drain.REASON_ROOM}

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        disabled = (self.service is not None and
                    self.service.status == "disabled")
        if not reason and not disabled:
            raise forms.ValidationError(_("A reason is required."))
        # Empty on a disabled host: the drain keeps its current reason,
        # which must fit after the marker too.
        kept = reason or drain.operator_reason(
            self.service.disabled_reason if disabled else "").strip()
        if not drain.fits_marker(kept):
            raise forms.ValidationError(
                drain.reason_too_long_text(len(kept)))
        return reason

    def handle(self, request, data_):
        host = data_["host"]
        try:
            drain.ensure_marker(request, host, service=self.service,
                                reason=data_["reason"])
        except Exception as exc:
            presentation.show_error(
                request, _("Unable to disable host %(host)s: %(reason)s"),
                exc, host=host)
            return False
        messages.success(request, _(
            "Disabled host %(host)s for the drain: the scheduler places no "
            "new instances there. Review the plan, then submit it.")
            % {"host": host})
        return True
