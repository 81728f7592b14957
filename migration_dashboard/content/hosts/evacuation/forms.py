"""Evacuate one instance, or every instance of a failed host.

The facts are read again on every request and the engine runs again in
``clean()``: a POST for a host whose compute service is up is refused
whatever the page showed.  The plugin never sends ``force``: a chosen
destination is checked by the scheduler.
"""
import dataclasses
import re
import secrets

from django.utils.translation import gettext_lazy as _

from horizon import forms
from horizon.utils import validators

from migration_dashboard import api
from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import presentation
from migration_dashboard.content import widgets
from migration_dashboard.content.hosts import forms as host_forms
from migration_dashboard.core import maintenance
from migration_dashboard.core.i18n import joined
from migration_dashboard.core import preflight
from migration_dashboard.services import evacuation
from migration_dashboard.services import submit

SCHEDULER = ""  # destination value: let the scheduler choose
KEEP_STATE = "keep"
STOPPED = "stopped"

PASSWORD_NONE = "none"
PASSWORD_GENERATE = "generate"
PASSWORD_SET = "set"
PASSWORD_LENGTH = 16
# As nova.utils.generate_password: no look-alike characters.
_SYMBOL_GROUPS = ("23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ",
                  "abcdefghijkmnopqrstuvwxyz")


def generate_password(length=PASSWORD_LENGTH):
    """A random password with a digit, an upper- and a lower-case letter.

    From microversion 2.14 Nova never returns the password it sets on an
    evacuated instance, so the plugin generates one, sends it as adminPass
    and shows it once.
    """
    rand = secrets.SystemRandom()
    chars = [rand.choice(group) for group in _SYMBOL_GROUPS]
    everything = "".join(_SYMBOL_GROUPS)
    chars += [rand.choice(everything) for _i in range(length - len(chars))]
    rand.shuffle(chars)
    return "".join(chars)


def password_ok(password):
    """Nova takes any string; refuse what would surprise (spaces around it,
    control characters) and what is too short to be a password."""
    if not password or len(password) < 8:
        return _("At least 8 characters.")
    if password != password.strip():
        return _("No spaces at the start or the end.")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        return _("No control characters.")
    if not re.match(validators.password_validator(), password):
        return validators.password_validator_msg()
    return None


def guard_text(host):
    return _(
        "The compute service of %(host)s is up. Nova evacuates only from a "
        "host whose compute service is down or forced down (it answers "
        "\"Compute service of %(host)s is still in use\"). Fence the host "
        "first: power it off or cut it from its storage and network, then "
        "force its service down.") % {"host": host}


FENCE_WARNING = _(
    "Force a host down only when it is really off. Evacuation rebuilds its "
    "instances elsewhere: if they still run on the old host, two copies "
    "write to the same volumes and corrupt them.")


FINAL_STATE_CHOICES = (
    (STOPPED, _("Leave it SHUTOFF on the new host (microversion 2.95; "
                "start it once checked)")),
    (KEEP_STATE, _("Keep the state it had: an ACTIVE instance is "
                   "started on the new host (microversion 2.94)")),
)
PASSWORD_CHOICES = (
    (PASSWORD_NONE, _("Do not set one (Nova sets a random password "
                      "that nobody is told)")),
    (PASSWORD_GENERATE, _("Generate one and show it to me once")),
    (PASSWORD_SET, _("Set this password")),
)


class _EvacuateForm(formbase.SelfHandlingForm):
    host = host_forms.host_field(_("Failed host"))
    destination = forms.ChoiceField(
        label=_("Destination"), required=False, widget=widgets.HostSelect(),
        help_text=_("Only hosts whose compute service is up and enabled. "
                    "A chosen host is checked by the scheduler too."))
    final_state = forms.ChoiceField(
        label=_("Final state"), choices=FINAL_STATE_CHOICES,
        initial=STOPPED, widget=forms.RadioSelect(), required=False,
        help_text=_("Microversion 2.95 has no parameter for it: it always "
                    "leaves the instance SHUTOFF. Only asking for 2.94 "
                    "keeps the state, and then an instance of a host that "
                    "is not really off runs twice."))
    password_mode = forms.ChoiceField(
        label=_("Admin password"), choices=PASSWORD_CHOICES,
        initial=PASSWORD_NONE, widget=forms.RadioSelect(),
        help_text=_("Applied only if the guest takes it (cloud-init from "
                    "the metadata service or config drive)."))
    password = forms.CharField(
        label=_("Password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False))
    confirm_password = forms.CharField(
        label=_("Confirm password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False))
    disable_source = forms.BooleanField(
        label=_("Disable the failed host"), required=False, initial=True,
        help_text=_("So that the scheduler places nothing on it when its "
                    "compute service comes back before it is repaired. "
                    "Complete Maintenance enables it again."))
    disable_reason = forms.CharField(
        label=_("Reason for disabling"), required=False,
        max_length=maintenance.MAX_REASON_LENGTH,
        initial=_("Evacuated: the host failed. Enable it with Complete "
                  "Maintenance once it is repaired."))
    confirm = forms.BooleanField(
        label=_("The host is fenced (really off), and I accept what is "
                "listed here: image-backed disks are rebuilt from their "
                "image and the data on them is lost"),
        required=True)

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        initial = kwargs.get("initial", {})
        self.facts = initial["facts"]
        self.cloud_version = self.facts.microversion
        self.results = None
        self.result = None
        if not evacuation.offers_final_state(self.cloud_version):
            del self.fields["final_state"]
        # Already disabled (by an operator, a drain): its reason stays.
        self.already_disabled = self.facts.source.status == "disabled"
        if self.already_disabled:
            del self.fields["disable_source"]
            del self.fields["disable_reason"]
        self._init_destinations()

    # -------------------------------------------------------- helpers
    def keep_state(self, cleaned=None):
        cleaned = cleaned if cleaned is not None else {}
        return (evacuation.offers_final_state(self.cloud_version) and
                cleaned.get("final_state") == KEEP_STATE)

    def call_version(self, cleaned=None):
        return evacuation.call_microversion(self.cloud_version,
                                            self.keep_state(cleaned))

    def checked_facts(self, cleaned=None):
        return dataclasses.replace(self.facts,
                                   microversion=self.call_version(cleaned))

    def _init_destinations(self):
        facts = self.checked_facts()
        self.baseline = facts.check(evacuation.EVACUATE, None)
        self.destination_rows = evacuation.destinations(facts, self.baseline)
        field = self.fields["destination"]
        choices = [(SCHEDULER, _("Let the scheduler choose"))]
        reasons = {}
        for dest in self.destination_rows:
            if dest.usable:
                choices.append((dest.name, dest.name))
            else:
                why = dest.reasons or [_("cannot take them")]
                choices.append((dest.name, "%s \u2014 %s" % (
                    dest.name, widgets.short_reason(why[0]))))
                reasons[dest.name] = " ".join(str(w) for w in why)
        field.choices = choices
        field.widget.disabled_reasons = reasons
        self.usable_hosts = [d.name for d in self.destination_rows
                             if d.usable]

    @property
    def source_is_down(self):
        return self.facts.source.is_down

    # ---------------------------------------------------------- clean
    def clean(self):
        cleaned = super().clean()
        host = self.facts.source.name
        if self.source_is_down is False:
            raise forms.ValidationError(guard_text(host))
        destination = cleaned.get("destination") or None
        if destination and destination not in self.usable_hosts:
            raise forms.ValidationError(
                _("%s cannot take the instance(s): choose a host whose "
                  "compute service is up and enabled.") % destination)
        if cleaned.get("disable_source") and not (
                cleaned.get("disable_reason") or "").strip():
            self.add_error("disable_reason", _("A reason is required to "
                                               "disable the host."))
        mode = cleaned.get("password_mode") or PASSWORD_NONE
        if mode == PASSWORD_SET:
            password = cleaned.get("password") or ""
            problem = password_ok(password)
            if problem:
                self.add_error("password", problem)
            elif password != cleaned.get("confirm_password"):
                self.add_error("confirm_password",
                               _("The passwords do not match."))
        if not self.facts.instances:
            raise forms.ValidationError(
                _("No instance to evacuate on %s.") % host)
        self.results = self.checked_facts(cleaned).check(
            evacuation.EVACUATE, destination)
        return cleaned

    def disable_failed_host(self, request, cleaned):
        """Disable the failed host if asked (guide: disable, then
        evacuate); whether it is disabled now.  A refusal is a message:
        the evacuation of a failed host goes on without it."""
        if self.already_disabled:
            return True
        if not cleaned.get("disable_source"):
            return False
        host = self.facts.source.name
        try:
            api.nova.service_disable(request, host,
                                     cleaned["disable_reason"].strip())
        except Exception as exc:
            presentation.show_error(
                request, _("Unable to disable host %(host)s: %(reason)s. "
                           "Disable it before its compute service comes "
                           "back."), exc, host=host)
            return False
        return True

    def passwords(self, cleaned, ids):
        mode = cleaned.get("password_mode") or PASSWORD_NONE
        if mode == PASSWORD_GENERATE:
            return {i: generate_password() for i in ids}
        if mode == PASSWORD_SET:
            return {i: cleaned.get("password") for i in ids}
        return {i: None for i in ids}


class EvacuateInstanceForm(_EvacuateForm):
    instance = forms.CharField(widget=forms.HiddenInput())

    field_order = ["host", "instance", "destination", "final_state",
                   "password_mode", "password", "confirm_password",
                   "disable_source", "disable_reason", "confirm"]

    def clean(self):
        cleaned = super().clean()
        if self.results is None:
            return cleaned
        inst = self.facts.instances[0]
        blockers = [f for f in self.results.get(inst.id, [])
                    if f.severity is preflight.BLOCKER]
        if blockers:
            raise forms.ValidationError(
                _("Not submitted: %(reasons)s") % {
                    "reasons": joined([f.message for f in blockers], " ")})
        return cleaned

    def handle(self, request, cleaned):
        inst = self.facts.instances[0]
        destination = cleaned.get("destination") or None
        password = self.passwords(cleaned, [inst.id])[inst.id]
        keep = self.keep_state(cleaned)
        source_disabled = self.disable_failed_host(request, cleaned)
        try:
            returned = api.nova.instance_evacuate(
                request, inst.id, host=destination, password=password,
                keep_state=keep)
        except Exception as exc:
            presentation.show_error(
                request, _("Unable to evacuate %(name)s from %(host)s: "
                           "%(reason)s"), exc,
                redirect=links.host_detail(self.facts.source.name,
                                           "instances"),
                name=inst.label, host=self.facts.source.name,
                reason=submit.explain(exc))
            return False
        generated = cleaned.get("password_mode") == PASSWORD_GENERATE
        self.result = {
            "instance": inst, "destination": destination,
            # Shown once: the one the plugin generated, or the one Nova
            # returned (below 2.14); never echo a password the operator
            # typed.
            "password": (password if generated else
                         (returned if returned != password else None)),
            "microversion": self.call_version(cleaned),
            "lands_shutoff": not keep and evacuation.offers_final_state(
                self.cloud_version),
            "source_disabled": source_disabled,
        }
        return True


class EvacuateHostForm(_EvacuateForm):
    field_order = ["host", "destination", "final_state", "password_mode",
                   "password", "confirm_password", "disable_source",
                   "disable_reason", "confirm"]

    def clean(self):
        cleaned = super().clean()
        if self.results is None:
            return cleaned
        sendable = [i for i in self.facts.instances
                    if not preflight.has_blockers(self.results[i.id])]
        if not sendable:
            raise forms.ValidationError(
                _("Not submitted: every instance has a blocker (see the "
                  "findings below)."))
        return cleaned

    def handle(self, request, cleaned):
        destination = cleaned.get("destination") or None
        keep = self.keep_state(cleaned)
        rows, send = [], []
        for inst in self.facts.instances:
            findings = self.results.get(inst.id, [])
            row = evacuation.Row(id=inst.id, name=inst.name,
                                 requested_host=destination,
                                 status=inst.status, host=inst.host)
            blockers = [f for f in findings
                        if f.severity is preflight.BLOCKER]
            if blockers:
                row.outcome = evacuation.NOT_SENT
                row.reason = joined([f.message for f in blockers], " ")
            else:
                send.append(inst.id)
            rows.append(row)
        passwords = self.passwords(cleaned, send)
        source_disabled = self.disable_failed_host(request, cleaned)
        outcome = evacuation.submit_all(request, send, destination,
                                        passwords, keep)
        shown = []
        for row in rows:
            if row.id not in outcome:
                continue
            exc, returned = outcome[row.id]
            if exc is None:
                row.outcome = evacuation.ACCEPTED
                row.migration_status = "accepted"
                password = returned or passwords.get(row.id)
                if password and cleaned.get("password_mode") != \
                        PASSWORD_SET:
                    shown.append((row.name or row.id, password))
            else:
                row.outcome = evacuation.REFUSED
                row.reason = submit.explain(exc)
        # Not moved first: partial failures must not hide.
        rows.sort(key=lambda r: (r.outcome == evacuation.ACCEPTED,
                                 (r.name or r.id).lower()))
        self.result = {
            "rows": rows, "passwords": shown, "destination": destination,
            "microversion": self.call_version(cleaned),
            "lands_shutoff": not keep and evacuation.offers_final_state(
                self.cloud_version),
            "source_disabled": source_disabled,
            "accepted": sum(r.outcome == evacuation.ACCEPTED for r in rows),
            "not_moved": sum(r.outcome != evacuation.ACCEPTED for r in rows),
        }
        return True
