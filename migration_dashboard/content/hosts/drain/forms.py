"""The drain's forms: step 1 disables the host with a reason that marks
the drain (nothing when the host is already disabled: its reason is kept,
and the plan's submission adds the marker to it); the plan form's
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


def is_disabled(service):
    return service is not None and service.status == "disabled"


def keeps_reason(service):
    """True when the host is disabled already with a reason the drain
    marker has room for: Drain Host then changes nothing (the plan's
    submission puts the marker in front of that reason)."""
    return is_disabled(service) and drain.fits_marker(
        drain.operator_reason(service.disabled_reason).strip())


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
        if keeps_reason(self.service):
            # The operator's reason stays as it is: nothing to type.
            del self.fields["reason"]
            return
        self.fields["reason"].help_text = _(
            "Nova stores it with the service, after a drain marker "
            "(\"Drain since <time>\") by which every dashboard recognises "
            "the drain: %(room)d characters at most. Left empty on a "
            "disabled host, its current reason is kept.") % {
                "room": drain.REASON_ROOM}

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason and is_disabled(self.service):
            # Asked only when the host's own reason leaves the marker no
            # room: say so rather than keep it cut.
            raise forms.ValidationError(drain.reason_too_long_text(
                len(drain.operator_reason(
                    self.service.disabled_reason).strip())))
        if not reason:
            raise forms.ValidationError(_("A reason is required."))
        if not drain.fits_marker(reason):
            raise forms.ValidationError(
                drain.reason_too_long_text(len(reason)))
        return reason

    def handle(self, request, data_):
        host = data_["host"]
        if keeps_reason(self.service):
            # Already disabled (by the operator, or for this drain): not
            # disabled again, its reason untouched.  Submitting the plan
            # puts the drain marker in front of that reason, as the plan
            # page says; looking at the plan changes nothing.
            return True
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
