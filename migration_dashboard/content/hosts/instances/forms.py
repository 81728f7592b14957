"""Live and cold migration forms: pre-flight findings before submit.

The facts are read again on every request (``views._MoveView.get_initial``)
and the engine runs again in ``clean()``: a POST with blockers is refused
whatever the page showed, and warnings need the acknowledgement box.  The
plugin never sends ``force``.
"""
import shlex

from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from horizon import forms
from horizon import messages

from migration_dashboard import api
from migration_dashboard.api import microversions as mv
from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.content import widgets
from migration_dashboard.core import preflight
from migration_dashboard.services import submit

SCHEDULER = ""  # destination value: let the scheduler choose
BLOCK_CHOICES = (("auto", _("Auto (Nova decides from the storage)")),
                 ("true", _("Yes: copy the local disks (block migration)")),
                 ("false", _("No: shared storage or volume-backed")))
_BLOCK_VALUES = {"auto": preflight.AUTO, "true": True, "false": False}


def call_microversion(facts, kind):
    """The microversion the move call will use: the plugin's wish, or the
    cloud's maximum if lower."""
    wanted = {preflight.Kind.LIVE: mv.LIVE_MIGRATE,
              preflight.Kind.COLD: mv.COLD_MIGRATE}[preflight.Kind(kind)]
    return mv.capped(wanted, facts.microversion)


def block_value(kind, raw, microversion):
    """The engine's block_migration for a form value (None for cold)."""
    if preflight.Kind(kind) is not preflight.Kind.LIVE:
        return None
    value = _BLOCK_VALUES.get(raw or "")
    if value is None:
        value = (preflight.AUTO if mv.at_least(microversion,
                                               mv.LIVE_MIGRATE_AUTO)
                 else False)
    return value


def cli_commands(facts, kind, destination, block):
    """The `openstack` commands equivalent to what will be submitted."""
    kind = preflight.Kind(kind)
    version = call_microversion(facts, kind)
    lines = []
    for inst in facts.instances:
        parts = ["openstack", "--os-compute-api-version", version, "server",
                 "migrate"]
        if kind is preflight.Kind.LIVE:
            parts.append("--live-migration")
        if destination:
            parts += ["--host", destination]
        if kind is preflight.Kind.LIVE:
            if block is True:
                parts.append("--block-migration")
            elif block is False:
                parts.append("--shared-migration")
            # 'auto': no flag; the client sends "auto" from 2.25.
        parts.append(inst.id)
        lines.append(" ".join(shlex.quote(str(p)) for p in parts))
    if kind is preflight.Kind.COLD:
        lines.append("# %s" % _("then, once it works on the new host:"))
        lines += ["openstack server resize confirm %s" % shlex.quote(i.id)
                  for i in facts.instances]
        lines.append("# %s" % _("or, to move it back:"))
        lines += ["openstack server resize revert %s" % shlex.quote(i.id)
                  for i in facts.instances]
    return "\n".join(lines)


SAID_IN_DIALOG = ("cold-needs-confirm",)


def findings_context(facts, kind, destination, block, results=None):
    """What _findings.html shows: per-instance findings, the data notes,
    the CLI, and whether there are blockers or warnings."""
    if results is None:
        results = facts.check(kind, destination or None, block)
    blockers = warnings = 0
    for findings in results.values():
        for f in findings:
            if f.severity is preflight.BLOCKER:
                blockers += 1
            elif f.severity is preflight.WARNING:
                warnings += 1
    # The dialog explains a cold migration's two steps above the fields
    # (actions.TWO_STEPS): the pre-flight's note saying it too would be
    # the same words twice (the drain plan, without that text, keeps it).
    results = {i: [f for f in findings if f.code not in SAID_IN_DIALOG]
               for i, findings in results.items()}
    # What every instance shares is said once, above them.
    page, results = presentation.said_once(
        results, {i.id: i.label for i in facts.instances})
    rows = [{"id": inst.id, "label": inst.label,
             "findings": [presentation.finding(f)
                          for f in results.get(inst.id, [])]}
            for inst in facts.instances]
    return {"finding_rows": rows, "page_findings": page,
            "data_notes": list(facts.notes),
            "blockers": blockers, "warnings": warnings,
            "cli": cli_commands(facts, kind, destination, block),
            "kind": preflight.Kind(kind).value}


ACKNOWLEDGE = _("I have read the warnings and want to proceed")


class InFindings(forms.CheckboxInput):
    """A checkbox the findings fragment draws (not the form's field list):
    a hidden input type to the field loop, posted as a checkbox."""
    input_type = "hidden"

    def render(self, name, value, attrs=None, renderer=None):
        return ""


class _MoveForm(formbase.SelfHandlingForm):
    kind = None
    host_policy = None  # policy to choose a destination
    host = forms.CharField(label=_("Source host"), widget=forms.TextInput(
        attrs={"readonly": "readonly"}))
    instances = forms.CharField(widget=forms.HiddenInput())
    destination = forms.ChoiceField(
        label=_("Destination"), required=False, widget=widgets.HostSelect(),
        help_text=_("Hosts that cannot take the instance(s) are greyed out "
                    "with the reason."))
    # Drawn with the findings, and only when they hold a warning
    # (_findings.html): the findings change with the destination chosen.
    acknowledge = forms.BooleanField(
        label=ACKNOWLEDGE, required=False, widget=InFindings())

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        initial = kwargs.get("initial", {})
        self.facts = initial["facts"]
        self.may_choose_host = initial.get("may_choose_host", True)
        self.results = None
        self.microversion = call_microversion(self.facts, self.kind)
        self._init_fields()
        self._init_destinations()

    def _init_fields(self):
        pass

    def _default_block(self):
        return None

    def _destination_blocker(self):
        """Why no host can be chosen at all (None: hosts can be chosen)."""
        if not self.may_choose_host:
            return _("Your role may not choose a destination (policy %s); "
                     "the scheduler chooses.") % self.host_policy[0][1]
        return None

    def _init_destinations(self):
        field = self.fields["destination"]
        choices = [(SCHEDULER, _("Let the scheduler choose"))]
        reasons = {}
        blocked = self._destination_blocker()
        for host, usable, why in self.facts.candidates(
                self.kind, self._default_block()):
            if blocked:
                usable, why = False, [blocked]
            if usable:
                choices.append((host.name, host.name))
            else:
                # The label says it in a few words (a whole message is cut
                # by the <select>); its title holds every message in full.
                short = getattr(why, "short", why)
                reason = short[0] if short else _("cannot take it")
                choices.append((host.name, "%s \u2014 %s" % (
                    host.name, widgets.short_reason(reason))))
                reasons[host.name] = " ".join(str(w) for w in why)
        field.choices = choices
        field.widget.disabled_reasons = reasons
        self.usable_hosts = [c[0] for c in choices[1:]
                             if c[0] not in reasons]

    def block(self, data):
        return None

    def clean(self):
        data = super().clean()
        destination = data.get("destination") or None
        if destination and not self.may_choose_host:
            raise forms.ValidationError(self._destination_blocker())
        if destination == self.facts.source.name:
            raise forms.ValidationError(
                _("The destination must be another host."))
        if not self.facts.instances:
            raise forms.ValidationError(
                _("None of the selected instances is on this host any "
                  "more."))
        block = self.block(data)
        self.results = self.facts.check(self.kind, destination, block)
        blockers = [(inst, f) for inst in self.facts.instances
                    for f in self.results[inst.id]
                    if f.severity is preflight.BLOCKER]
        warnings = [f for inst in self.facts.instances
                    for f in self.results[inst.id]
                    if f.severity is preflight.WARNING]
        if blockers:
            names = sorted({inst.label for inst, _f in blockers})
            raise forms.ValidationError(
                _("Not submitted: %(count)d blocker(s) for %(names)s. Nova "
                  "would refuse the move or it would fail; see the findings "
                  "below.") % {"count": len(blockers),
                               "names": ", ".join(names)})
        if warnings and not data.get("acknowledge"):
            raise forms.ValidationError(
                _("Not submitted: read the %d warning(s) below and tick the "
                  "acknowledgement to proceed.") % len(warnings))
        return data

    # ------------------------------------------------------------ submit
    def submit_one(self, request, instance_id, destination, block):
        raise NotImplementedError

    def success_message(self, instance, destination):
        raise NotImplementedError

    def handle(self, request, data):
        destination = data.get("destination") or None
        block = self.block(data)
        instances = {i.id: i for i in self.facts.instances}
        results = submit.run(
            instances, lambda i: self.submit_one(request, i, destination,
                                                 block))
        for instance_id, exc in results:
            inst = instances[instance_id]
            if exc is None:
                messages.success(request,
                                 self.success_message(inst, destination))
            else:
                messages.error(request, _(
                    "%(kind)s of %(name)s not started: %(reason)s") % {
                        "kind": self.kind_label, "name": inst.label,
                        "reason": submit.explain(exc)})
        return True


def _status_link(instance_id, host):
    url = links.instance_url(instance_id)
    if url:
        return url
    try:
        return links.host_detail(host, "migrations")
    except NoReverseMatch:
        return None


class LiveMigrateForm(_MoveForm):
    kind = preflight.Kind.LIVE
    kind_label = _("Live migration")
    host_policy = policy.LIVE_HOST
    block_migration = forms.ChoiceField(
        label=_("Block migration"), choices=BLOCK_CHOICES, required=False,
        help_text=_("Auto lets Nova copy the local disks when the storage "
                    "is not shared (microversion 2.25+)."))

    field_order = ["host", "instances", "destination", "block_migration",
                   "acknowledge"]

    def _init_fields(self):
        field = self.fields["block_migration"]
        if not mv.at_least(self.microversion, mv.LIVE_MIGRATE_AUTO):
            field.choices = [c for c in BLOCK_CHOICES if c[0] != "auto"]
            field.initial = "false"
            field.help_text = _("'Auto' needs microversion 2.25; this cloud "
                                "serves %s.") % self.microversion
        else:
            field.initial = "auto"

    def _default_block(self):
        return block_value(self.kind, None, self.microversion)

    def block(self, data):
        return block_value(self.kind, data.get("block_migration"),
                           self.microversion)

    def submit_one(self, request, instance_id, destination, block):
        api.nova.server_live_migrate(request, instance_id, host=destination,
                                     block_migration=block)

    def success_message(self, inst, destination):
        where = destination or _("a host the scheduler chooses")
        url = _status_link(inst.id, self.facts.source.name)
        if mv.at_least(self.microversion, mv.LIVE_MIGRATE_ASYNC_CHECKS):
            text = _("Live migration of {name} to {where} accepted. Nova "
                     "checks the destination after accepting the request "
                     "(microversion 2.34+): a refusal shows as a failed "
                     "migration, not here.")
        else:
            text = _("Live migration of {name} to {where} started.")
        return presentation.with_links(
            format_html(str(text), name=inst.label, where=where),
            [(url, _("Follow its status"))])


class ColdMigrateForm(_MoveForm):
    kind = preflight.Kind.COLD
    kind_label = _("Cold migration")
    host_policy = policy.COLD_HOST

    def _destination_blocker(self):
        blocked = super()._destination_blocker()
        if blocked:
            return blocked
        if not mv.at_least(self.microversion, mv.COLD_MIGRATE_HOST):
            return _("Choosing the destination of a cold migration needs "
                     "microversion 2.56; this cloud serves %s.") % \
                self.microversion
        return None

    def submit_one(self, request, instance_id, destination, block):
        api.nova.server_migrate(request, instance_id, host=destination)

    def success_message(self, inst, destination):
        where = destination or _("a host the scheduler chooses")
        url = _status_link(inst.id, self.facts.source.name)
        text = format_html(str(_(
            "Cold migration of {name} to {where} accepted. When it shows "
            "VERIFY_RESIZE, check it on its new host, then Confirm (or "
            "Revert) it on that host's Instances tab.")),
            name=inst.label, where=where)
        instances = None
        if destination:
            try:
                instances = links.host_detail(destination, "instances")
            except NoReverseMatch:
                pass
        return presentation.with_links(text, [
            (instances, _("Instances of %s") % destination),
            (url, _("Follow its status"))])
