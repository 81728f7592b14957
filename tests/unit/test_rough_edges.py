"""Rough edges of issue 17 a person sees: disabled hosts stand out on the
hosts table; an evacuation destination that cannot be used says why;
the warnings acknowledgement only when there is a warning; Abort / Force
Complete dialogs; the Force Down page's title once and its red button;
"Equivalent commands" a disclosure that shows it opens."""
import re
from html import unescape

from django.urls import reverse

from openstack_dashboard.test import helpers as test

from migration_dashboard import api

from tests.unit import fixtures as f
from tests.unit.test_evacuation_views import GATHER
from tests.unit.test_evacuation_views import _Cloud
from tests.unit.test_evacuation_views import host_url
from tests.unit.test_evacuation_views import instance_url
from tests.unit.test_instance_actions_views import MOCKS as MOVE_MOCKS
from tests.unit.test_instance_actions_views import _Base as _MoveBase
from tests.unit.test_instance_actions_views import live_url
from tests.unit.test_migrations_views import \
    MigrationViewTestBase as _MigrationViews


def _text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _destination_rows(content):
    """{host: [cell texts]} of the evacuation form's destinations."""
    table = content[content.index('class="table table-condensed '
                                  'evacuation-destinations"'):]
    table = table[:table.index("</table>")]
    rows = {}
    for body in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = [_text(c) for c in re.findall(r"<td>(.*?)</td>", body,
                                              re.S)]
        rows[cells[0]] = cells
    return rows


class EvacuationDestinationTests(_Cloud, test.BaseAdminViewTests):

    @test.create_mocks(GATHER)
    def test_unusable_destination_of_an_up_source_says_why(self):
        self.setup_cloud(cmp3_up=True)
        content = self.client.get(instance_url("cmp3", "inst-web")) \
            .content.decode()
        usable, why = _destination_rows(content)["cmp1"][1::5]
        self.assertEqual("No", usable)
        self.assertTrue(why.startswith("not this host: no instance can be "
                                       "evacuated anywhere ("), why)
        self.assertIn("still in use", why)


class DisabledHostsStandOutTests(test.BaseAdminViewTests):

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list",
                                   "migration_list"]})
    def test_disabled_row_is_coloured_over_the_striping_and_labelled(self):
        self.mock_service_list.return_value = [
            f.service("cmp1"), f.service("cmp2", status="disabled",
                                         reason="kernel"),
            f.service("cmp3", state="down")]
        self.mock_hypervisor_list.return_value = [
            f.hypervisor(h) for h in ("cmp1", "cmp2", "cmp3")]
        self.mock_migration_list.return_value = []
        content = self.client.get(HOSTS_INDEX).content.decode()
        rows = {host: _host_row(content, host)
                for host in ("cmp1", "cmp2", "cmp3")}
        self.assertIn("host-disabled", rows["cmp2"][0])
        self.assertIn("host-down", rows["cmp3"][0])
        self.assertNotIn("host-", rows["cmp1"][0])
        # Striping colours odd rows with a rule as specific as Bootstrap's
        # row colours: the page's own rule names the table's id.
        style = next(block for block in re.findall(
            r"<style[^>]*>(.*?)</style>", content, re.S)
            if "host-disabled" in block)
        self.assertRegex(style, r"table#hosts > tbody > tr\.host-disabled "
                                r"> td \{ background-color: #[0-9a-f]+")
        self.assertRegex(style, r"table#hosts > tbody > tr\.host-down "
                                r"> td \{ background-color: #[0-9a-f]+")
        self.assertIn('id="hosts"', content)
        # The status itself is a label (no striping reaches it).
        self.assertIn('<span class="label label-warning host-disabled-label">'
                      'disabled</span>', rows["cmp2"][1])
        self.assertNotIn("host-disabled-label", rows["cmp1"][1])


HOSTS_INDEX = reverse("horizon:admin:hosts:index")


def _host_row(content, host):
    """(the <tr ...> tag, the row's body) of ``host``."""
    marker = 'id="hosts__row__%s"' % host
    start = content.rfind("<tr", 0, content.index(marker))
    return (content[start:content.index(">", start)],
            content[start:content.index("</tr>", start)])


class AcknowledgementTests(_MoveBase):

    @test.create_mocks(MOVE_MOCKS)
    def test_offered_only_with_a_warning(self):
        self._setup_mocks()
        # The scheduler, block migration auto: nothing to warn of.
        content = self.client.get(live_url("inst-web-1")).content.decode()
        self.assertIn("No blocker and no warning.", content)
        self.assertNotIn(ACK, content)
        self.assertNotIn('name="acknowledge"', content)
        # Block migration "no" to cmp2: a warning, and the checkbox with it
        # (in the findings, which the page swaps when a choice changes).
        findings = reverse("horizon:admin:hosts:instances_findings",
                           args=["cmp1"])
        for block, warned in (("false", True), ("auto", False)):
            fragment = self.client.get(findings, {
                "kind": "live", "instance": "inst-web-1",
                "destination": "cmp2", "block_migration": block}).content
            fragment = fragment.decode()
            self.assertEqual(warned, ACK in fragment, block)
            self.assertEqual(warned, 'name="acknowledge"' in fragment, block)
        # A refused submit draws it again, still ticked.
        data = {"host": "cmp1", "instances": "inst-web-1",
                "destination": "cmp2", "block_migration": "false"}
        content = self.client.post(live_url("inst-web-1"), data) \
            .content.decode()
        self.assertEqual(1, content.count('name="acknowledge"'))
        self.assertNotIn('checked="checked"', _ack(content))
        data.update(destination="cmp2", block_migration="false",
                    acknowledge="on", host="")  # a form error elsewhere
        content = self.client.post(live_url("inst-web-1"), data) \
            .content.decode()
        self.assertIn('checked="checked"', _ack(content))


ACK = "I have read the warnings and want to proceed"


def _ack(content):
    start = content.index('name="acknowledge"')
    return content[start:content.index(">", start)]


class DialogTests(test.BaseAdminViewTests):

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list"]})
    def test_force_down_page_says_its_title_once(self):
        self.mock_service_list.return_value = [f.service("cmp1")]
        self.mock_hypervisor_list.return_value = [f.hypervisor("cmp1")]
        url = reverse("horizon:admin:hosts:force_down", args=["cmp1"])
        page = self.client.get(url).content.decode()
        # One heading (the page's), not the page's and the form's.
        self.assertEqual(["Force Down Compute Host"], _headings(page))
        # As a modal (no page around it), its header is the title.
        modal = self.client.get(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertEqual(["Force Down Compute Host"],
                         _headings(modal.content.decode()))

    @test.create_mocks({api.nova: ["service_list", "hypervisor_list"]})
    def test_force_down_is_red_as_every_action_that_cannot_be_undone(self):
        self.mock_service_list.return_value = [f.service("cmp1")]
        self.mock_hypervisor_list.return_value = [f.hypervisor("cmp1")]
        for name, red in (("force_down", True), ("disable", False)):
            url = reverse("horizon:admin:hosts:" + name, args=["cmp1"])
            for ajax in ({}, {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}):
                content = self.client.get(url, **ajax).content.decode()
                submit = re.findall(r'<input class="([^"]*)" type="submit"',
                                    content)
                self.assertEqual(1, len(submit), (name, submit))
                self.assertEqual(red, "btn-danger" in submit[0], name)
                self.assertEqual(not red, "btn-primary" in submit[0], name)
                self.assertIn("cancel", content, name)


def _headings(content):
    return [_text(h) for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>",
                                         content, re.S)
            if "Force Down" in h]


class MigrationActionDialogTests(_MigrationViews):

    def test_abort_and_force_complete_are_red_and_use_the_whole_width(self):
        migs = [f.migration(3, "i-run", "cmp1", "cmp2", status="running")]
        for name in ("abort", "force_complete"):
            url = reverse("horizon:admin:migrations:" + name,
                          args=["i-run", 3])
            with self.nova(migs, [f.instance("web", "cmp1",
                                             instance_id="i-run")]):
                content = self.client.get(
                    url, HTTP_X_REQUESTED_WITH="XMLHttpRequest") \
                    .content.decode()
            submit = re.search(r'<input class="([^"]*)" type="submit"',
                               content).group(1)
            self.assertIn("btn-danger", submit, name)
            self.assertNotIn("btn-primary", submit, name)
            # No empty column for fields the form does not have.
            self.assertNotIn('class="col-sm-6"', content, name)
            self.assertIn("migration-consequence", content, name)


# "Equivalent command(s)" as a disclosure's summary, with what it opens.
COMMANDS = re.compile(r'<details class="md-disclosure ([\w-]+)"( open)?>'
                      r'<summary>(Equivalent commands?)</summary>'
                      r'<pre class="md-commands">([^<]+)</pre></details>')


def _assert_one_disclosure(case, content, expected, command):
    """The page's one "Equivalent command(s)": (class, " open" or "",
    label) as expected, opening on a text that holds ``command``."""
    found = COMMANDS.findall(content)
    case.assertEqual(content.count("Equivalent command"), len(found),
                     "a command outside the disclosure")
    [(kind, is_open, label, cli)] = found
    case.assertEqual(expected, (kind, is_open, label))
    case.assertIn(command, cli)


class CommandsDisclosureTests(_Cloud, test.BaseAdminViewTests):
    """Wherever the page shows the equivalent commands, they are under
    the same disclosure (details.md-disclosure, whose marker the plugin's
    stylesheet gives back): closed under an evacuation's findings, open
    on a migration form, where the command is what the form sends."""

    @test.create_mocks(GATHER)
    def test_evacuation_commands_closed(self):
        self.setup_cloud()
        content = self.client.get(host_url("cmp3")).content.decode()
        # Under the findings, which are what the page is for.
        self.assertLess(content.index("evacuation-findings"),
                        content.index("Equivalent commands"))
        _assert_one_disclosure(self, content, ("evacuation-cli", "",
                                               "Equivalent commands"),
                               " server evacuate inst-web")


class MigrateCommandDisclosureTests(_MoveBase):

    @test.create_mocks(MOVE_MOCKS)
    def test_migration_command_open(self):
        self._setup_mocks()
        _assert_one_disclosure(
            self, self.client.get(live_url("inst-web-1")).content.decode(),
            ("migrate-cli", " open", "Equivalent command"),
            " server migrate --live-migration inst-web-1")
