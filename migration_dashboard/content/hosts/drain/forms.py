"""Step 1 of a drain: disable the host with a reason that marks the drain
(skipped when the host is already disabled)."""
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import forms
from horizon import messages

from migration_dashboard.content import common
from migration_dashboard.content.hosts.drain import data


class StartDrainForm(forms.SelfHandlingForm):
    host = forms.CharField(label=_("Host"), widget=forms.TextInput(
        attrs={"readonly": "readonly"}))
    reason = forms.CharField(
        label=_("Reason"), required=False,
        max_length=200,
        widget=forms.TextInput(attrs={
            "placeholder": _("e.g. kernel upgrade, ticket OPS-1234")}),
        help_text=_("Nova stores it with the service, after a drain marker "
                    "(\"Drain since <time>\") by which every dashboard "
                    "recognises the drain."))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.service = kwargs.get("initial", {}).get("service")

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        disabled = (self.service is not None and
                    self.service.status == "disabled")
        if not reason and not disabled:
            raise forms.ValidationError(_("A reason is required."))
        return reason

    def handle(self, request, data_):
        host = data_["host"]
        try:
            data.ensure_marker(request, host, service=self.service,
                               reason=data_["reason"])
        except Exception as exc:
            exceptions.handle(
                request,
                _("Unable to disable host %(host)s: %(reason)s") % {
                    "host": host, "reason": common.error_reason(exc)},
                details="")
            return False
        messages.success(request, _(
            "Disabled host %(host)s for the drain: the scheduler places no "
            "new instances there. Review the plan, then submit it.")
            % {"host": host})
        return True
