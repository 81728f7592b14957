"""Every word the plugin shows goes through gettext: each page, tab, form,
status page and fragment of the plugin is rendered under a pseudo-locale
whose catalogue says every message ⟦like this⟧, and each text the plugin
puts on the page must be marked, or be data from the cloud (names, ids,
statuses, numbers, dates).

The pseudo catalogue is built at test time from the plugin's committed
catalogue (migration_dashboard/locale/en/LC_MESSAGES/django.po, written by
``make messages``) and, for Horizon's own words inside the page (its table
footer, its form buttons), from the catalogues Horizon and Django ship.  A
string added to the plugin without gettext, or with gettext but without a
``make messages`` since, stays unmarked and fails this test.
"""
import os
import re
import shutil
import tempfile
from html.parser import HTMLParser
from urllib import parse

import babel.messages.mofile
import babel.messages.pofile
from babel.messages.catalog import Catalog
import django
import horizon
import openstack_dashboard
from django.test.utils import override_settings
from django.urls import reverse
from django.utils.translation import to_locale

from openstack_dashboard.test import helpers as test

import migration_dashboard
from tests.unit import test_permissions
from tests.unit.fake_cloud import PLACEMENT_CATALOG_ENTRY
from tests.unit.policy_cloud import COLD_MOVED
from tests.unit.policy_cloud import DRAINED
from tests.unit.policy_cloud import EVACUEE
from tests.unit.policy_cloud import MIGRATING
from tests.unit.policy_cloud import PolicyCloud
from tests.unit.policy_cloud import SINCE
from tests.unit.policy_cloud import VERIFY

PSEUDO = "qps-ploc"  # the pseudo-locale code Windows and ICU use
OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧

OUR_CATALOGUE = os.path.join(os.path.dirname(migration_dashboard.__file__),
                             "locale", "en", "LC_MESSAGES", "django.po")


def _package_catalogues():
    """Horizon's, openstack_dashboard's and Django's message ids (their
    en_GB / en catalogues hold every msgid they translate)."""
    for package, lang in ((horizon, "en_GB"), (openstack_dashboard, "en_GB"),
                          (django, "en")):
        base = os.path.dirname(package.__file__)
        if package is django:
            base = os.path.join(base, "conf")
        for domain in ("django", "djangojs"):
            path = os.path.join(base, "locale", lang, "LC_MESSAGES",
                                domain + ".po")
            if os.path.exists(path):
                yield path


def mark(text):
    return OPEN + text + CLOSE if text else text


def build_pseudo_locale(directory):
    """LOCALE_PATHS entry with the pseudo-locale's compiled catalogue."""
    pseudo = Catalog(locale=None, fuzzy=False)
    for path in [OUR_CATALOGUE] + list(_package_catalogues()):
        with open(path, "rb") as f:
            source = babel.messages.pofile.read_po(f)
        for message in source:
            if not message.id or message.id in pseudo:
                continue
            if isinstance(message.id, (tuple, list)):
                string = tuple(mark(i) for i in message.id)
            elif message.id == "yes,no,maybe":
                # Django's yesno filter splits its translation at commas.
                string = ",".join(mark(w) for w in message.id.split(","))
            else:
                string = mark(message.id)
            pseudo.add(message.id, string, context=message.context)
    out = os.path.join(directory, to_locale(PSEUDO), "LC_MESSAGES")
    os.makedirs(out)
    with open(os.path.join(out, "django.mo"), "wb") as f:
        babel.messages.mofile.write_mo(f, pseudo)
    return directory


class _Text(HTMLParser):
    """The texts a person reads in the plugin's part of a page: text
    nodes (``texts``, in page order: a message's words may span several,
    around a link) and title / placeholder / alt attributes
    (``attributes``, each whole) inside the messages and the content
    body, or the whole fragment when it is one.  In <pre> and <code> the
    ``openstack ...`` commands are code, not words: only what follows a
    ``#`` on their line is kept."""

    SKIP = {"script", "style", "noscript", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
            "link", "meta", "param", "source", "track", "wbr"}

    def __init__(self, whole):
        super().__init__(convert_charrefs=True)
        self.whole = whole
        self.stack = []  # (tag, inside the plugin's part, skipped)
        self.texts = []
        self.attributes = []

    def _inside(self):
        return self.whole or any(s[1] for s in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        ours = attrs.get("id") == "content_body" or "messages" in classes
        skipped = tag in self.SKIP or (
            self.stack and self.stack[-1][2]) or (
            tag == "input" and attrs.get("type") == "hidden")
        if tag not in self.VOID:
            self.stack.append((tag, ours, skipped))
        if (self._inside() or ours) and not skipped:
            for name in ("title", "placeholder", "alt"):
                if attrs.get(name):
                    self.attributes.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") \
                    and attrs.get("value"):
                self.attributes.append(attrs["value"])

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self._inside() and not (self.stack and self.stack[-1][2]):
            if any(s[0] in ("pre", "code") for s in self.stack):
                data = _COMMAND.sub(" ", data)
            if data.strip():
                self.texts.append(data)


_COMMAND = re.compile(r"\bopenstack\b[^#\n]*")


def visible_texts(html, whole=False):
    """[texts, each text node or attribute said whole]: the page's text
    nodes joined (a message may span several), then each attribute."""
    parser = _Text(whole)
    parser.feed(html)
    nodes = []
    for text in parser.texts:
        # A message cut short by truncatechars loses its closing mark.
        missing = text.count(OPEN) - text.count(CLOSE)
        if text.rstrip().endswith("\u2026") and missing > 0:
            text = text.rstrip() + CLOSE * missing
        nodes.append(text)
    return ["\n".join(nodes)] + parser.attributes


_MARKED = re.compile(OPEN + "[^" + OPEN + CLOSE + "]*" + CLOSE)
_WORD = re.compile(r"[^\W\d_]{2,}")


def strip_marks(text):
    """``text`` without its marked messages (a message's parameters are
    inside its marks: the innermost go first, until none is left); line
    breaks inside a message are kept, so that what is left stays on its
    line."""
    while True:
        stripped = _MARKED.sub(
            lambda m: " " + "\n" * m.group(0).count("\n"), text)
        if stripped == text:
            return text
        text = stripped


def unmarked_words(text, data_words):
    """Words of ``text`` outside every ⟦…⟧ that are not data from the
    cloud."""
    return [w for w in _WORD.findall(strip_marks(text))
            if w not in data_words]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            # Keys that are data: extra specs (hw:cpu_policy), Placement
            # resource classes (MEMORY_MB).
            if ":" in k or k.isupper():
                yield k
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


class RecordingCloud(PolicyCloud):
    """The policy cloud, keeping every word of its answers: what the
    pages may show untranslated because the cloud said it."""

    def __init__(self):
        super().__init__()
        self.words = set()

    def _router(self, request, context):
        body = super()._router(request, context)
        for s in _strings(body):
            self.words.update(_WORD.findall(s))
        return body


_HOST = "cmp1"
_MIG = "/admin/migrations/%s/3/" % MIGRATING


def pages():
    """(url name, url, ajax) of every page of the plugin, on the hosts and
    instances whose state shows the most of it."""
    def h(name, *args, query=""):
        return ("horizon:admin:hosts:" + name,
                reverse("horizon:admin:hosts:" + name, args=args) + query)

    def m(name, *args):
        return ("horizon:admin:migrations:" + name,
                reverse("horizon:admin:migrations:" + name, args=args))

    findings = "?kind=live&instance=%s&destination=" % "inst-cmp1-1"
    return [
        h("index"),
        h("disable_many"),
        h("detail", _HOST),
        h("detail", _HOST, query="?tab=host_details__instances"),
        h("detail", _HOST, query="?tab=host_details__migrations"),
        h("detail", "cmp3", query="?tab=host_details__instances"),
        h("detail", DRAINED, query="?tab=host_details__migrations"),
        h("disable", _HOST),
        h("force_down", _HOST),
        h("prepare_destination", "cmp5"),
        h("complete_maintenance", "cmp2"),
        h("complete_maintenance", DRAINED),
        h("drain_start", _HOST),
        h("drain_start", "cmp2"),
        h("drain_plan", _HOST),
        h("drain_status", DRAINED),
        h("drain_status", DRAINED, query="?since=" + SINCE),
        h("drain_move_back", DRAINED),
        h("evacuate_host", "cmp3"),
        h("evacuate_host", _HOST),
        h("evacuation_status", "cmp3"),
        h("evacuate_instance", "cmp3", EVACUEE),
        h("instances_live_migrate", _HOST,
          query="?instances=inst-cmp1-1&instances=inst-cmp1-0"),
        h("instances_cold_migrate", _HOST,
          query="?instances=inst-cmp1-1&instances=inst-cmp1-3"),
        h("instances_findings", _HOST, query=findings),
        h("instance_live_migrate", _HOST, "inst-cmp1-1"),
        h("instance_live_migrate", _HOST, "inst-cmp1-0"),
        h("instance_cold_migrate", _HOST, "inst-cmp1-1"),
        h("instance_cold_migrate", "cmp1", COLD_MOVED),
        h("instance_reset_state", _HOST, VERIFY),
        m("index"),
        m("instance", MIGRATING),
        m("detail", MIGRATING, "3"),
        m("detail", COLD_MOVED, "2"),
        m("abort", MIGRATING, "3"),
        m("force_complete", MIGRATING, "3"),
    ]


# Fragments a page asks for by itself (its refreshing parts, Horizon's
# row updates).
_FRAGMENT_URLS = re.compile(
    r'data-(?:md-refresh-url|refresh-url|update-url)="([^"]+)"')


@override_settings(LANGUAGE_CODE=PSEUDO, LANGUAGES=[(PSEUDO, "Pseudo")])
class PseudoLocaleTests(test.BaseAdminViewTests):

    @classmethod
    def setUpClass(cls):
        cls._locale_dir = tempfile.mkdtemp(prefix="pseudo-locale-")
        build_pseudo_locale(cls._locale_dir)
        cls._locale = override_settings(LOCALE_PATHS=[cls._locale_dir])
        cls._locale.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._locale.disable()
        shutil.rmtree(cls._locale_dir, ignore_errors=True)

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            PLACEMENT_CATALOG_ENTRY]

    def _get(self, url, ajax=False):
        extra = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}
        with RecordingCloud() as cloud:
            cloud.catalog = self.service_catalog
            res = self.client.get(url, follow=True, **extra)
        # What the URL carries (a row update's instance name) is data too.
        return res, cloud.words | set(_WORD.findall(parse.unquote(url)))

    def untranslated(self, html, data_words, whole=False):
        found = []
        for text in visible_texts(html, whole):
            for line in strip_marks(text).split("\n"):
                words = [w for w in _WORD.findall(line)
                         if w not in data_words]
                if words:
                    found.append((" ".join(line.split())[:160], words))
        return found

    def test_the_pseudo_locale_is_active(self):
        # Horizon's own words inside the page are marked: the catalogue
        # is in use, so an unmarked word below is the plugin's.
        res, _words = self._get(reverse("horizon:admin:hosts:index"))
        self.assertIn(mark("Maintenance & Migration").replace("&", "&amp;"),
                      res.content.decode())

    def test_every_page_says_every_word_through_gettext(self):
        covered = set()
        problems = []
        for name, url in pages():
            covered.add(name)
            for ajax in (False, True):
                res, data_words = self._get(url, ajax)
                self.assertLess(res.status_code, 500, url)
                html = res.content.decode()
                self.assertNotIn("Traceback", html, url)
                fragment = "<body" not in html
                for text, words in self.untranslated(html, data_words,
                                                     fragment):
                    problems.append((url, ajax, text, words))
                for part in set(_FRAGMENT_URLS.findall(html)):
                    part = part.replace("&amp;", "&")
                    res, data_words = self._get(part, ajax=True)
                    for text, words in self.untranslated(
                            res.content.decode(), data_words, True):
                        problems.append((part, True, text, words))
        missing = {n for n, _u in test_permissions.plugin_urls()} - covered
        self.assertFalse(missing, "pages not rendered here: %s" % missing)
        self.assertFalse(problems, "untranslated:\n" + "\n".join(
            "%s%s: %r -> %s" % (url, " (ajax)" if ajax else "", text, words)
            for url, ajax, text, words in problems))

    def test_posted_forms_say_their_errors_and_results_translated(self):
        # A form refused (errors on the form) and one accepted (a message
        # on the page it leads to).
        problems = []
        for url, data in (
                (reverse("horizon:admin:hosts:disable", args=[_HOST]),
                 {"host": _HOST, "reason": ""}),
                (reverse("horizon:admin:hosts:disable", args=[_HOST]),
                 {"host": _HOST, "reason": "kernel"}),
                (reverse("horizon:admin:hosts:force_down", args=[_HOST]),
                 {"host": _HOST}),
                (reverse("horizon:admin:hosts:drain_start", args=[_HOST]),
                 {"host": _HOST, "reason": "kernel"}),
                (reverse("horizon:admin:hosts:instance_live_migrate",
                         args=[_HOST, "inst-cmp1-1"]),
                 {"host": _HOST, "instances": "inst-cmp1-1",
                  "destination": "", "block_migration": "auto"}),
                (reverse("horizon:admin:hosts:index"),
                 {"action": "hosts__enable__cmp2"}),
                (reverse("horizon:admin:hosts:drain_plan", args=[_HOST]),
                 {"submit": "1", "acknowledge": "on"}),
                (reverse("horizon:admin:hosts:evacuate_host", args=["cmp3"]),
                 {"host": "cmp3", "destination": "", "final_state": "stopped",
                  "password_mode": "none", "confirm": "on"}),
                (reverse("horizon:admin:migrations:abort",
                         args=[MIGRATING, "3"]),
                 {"instance_id": MIGRATING, "migration_id": "3"})):
            with RecordingCloud() as cloud:
                cloud.catalog = self.service_catalog
                res = self.client.post(url, data, follow=True)
            self.assertLess(res.status_code, 500, url)
            for text, words in self.untranslated(res.content.decode(),
                                                 cloud.words | {"kernel"}):
                problems.append((url, text, words))
        self.assertFalse(problems, "untranslated:\n" + "\n".join(
            "%s: %r -> %s" % p for p in problems))


    def test_nova_failures_are_said_translated(self):
        # Nova's own reason is data; the plugin's words around it are not.
        problems = []
        for url, failing in (
                (reverse("horizon:admin:hosts:index"), r"/os-services$"),
                (reverse("horizon:admin:hosts:detail", args=[_HOST])
                 + "?tab=host_details__instances", r"/servers/detail$"),
                (reverse("horizon:admin:hosts:drain_plan", args=[_HOST]),
                 r"/os-hypervisors/detail$"),
                (reverse("horizon:admin:migrations:index"),
                 r"/os-migrations$")):
            with RecordingCloud() as cloud:
                cloud.catalog = self.service_catalog
                cloud.fail(failing, 503, "fault said by nova")
                res = self.client.get(url, follow=True)
            self.assertLess(res.status_code, 500, url)
            self.assertIn("fault said by nova", res.content.decode(), url)
            for text, words in self.untranslated(res.content.decode(),
                                                 cloud.words):
                problems.append((url, text, words))
        self.assertFalse(problems, "untranslated:\n" + "\n".join(
            "%s: %r -> %s" % p for p in problems))


    def test_nova_values_are_said_through_display_words(self):
        # Data from Nova, but words a person reads: the plugin's own
        # columns say them through the catalogue, as Horizon's
        # display_choices do (a service's status and state, a
        # migration's status).
        html = self._get(reverse("horizon:admin:hosts:index"))[0] \
            .content.decode()
        row = re.search(r'<tr[^>]*id="hosts__row__cmp1".*?</tr>', html,
                        re.S).group(0)
        cell = r">\s*%s\s*<"
        self.assertRegex(row, cell % mark("enabled"))
        self.assertRegex(row, cell % mark("up"))
        html = self._get(reverse("horizon:admin:migrations:index"))[0] \
            .content.decode()
        self.assertRegex(html, cell % mark("running"))
        # An instance's status on the host's Instances tab and on the
        # drain status (Nova's upper-case word, said through the catalogue).
        html = self._get(reverse("horizon:admin:hosts:detail", args=[_HOST])
                         + "?tab=host_details__instances")[0] \
            .content.decode()
        row = re.search(r'<tr[^>]*id="instances__row__%s".*?</tr>'
                        % MIGRATING, html, re.S).group(0)
        self.assertRegex(row, cell % mark("ACTIVE"))
        html = self._get(reverse("horizon:admin:hosts:drain_status",
                                 args=[DRAINED]))[0].content.decode()
        self.assertRegex(html, cell % mark("MIGRATING")
                         + "|" + cell % mark("ACTIVE"))


class DetectorTests(test.TestCase):
    """The test above would see an unwrapped word."""

    def test_an_unmarked_word_is_found_and_data_is_not(self):
        html = ('<div id="content_body"><p>%s cmp1</p><p>Migrate now</p>'
                '<span title="Why not">x</span></div>' % mark("Host"))
        found = [unmarked_words(t, {"cmp"}) for t in visible_texts(html)]
        self.assertEqual([["Migrate", "now"], ["Why", "not"]], found)

    def test_a_message_around_a_link_is_one_message(self):
        html = ('<div id="content_body"><p>%s<a>%s</a>%s</p>'
                '<pre>openstack server migrate vm-1 # %s\n# by hand</pre>'
                '</div>' % (OPEN + "Then use", mark("Complete"),
                            "; it enables the host." + CLOSE, mark("then")))
        found = [unmarked_words(t, set()) for t in visible_texts(html)]
        self.assertEqual([["by", "hand"]], found)

    def test_words_inside_a_marked_message_are_its_parameters(self):
        text = mark("%s is down" % mark("cmp1")) + " ACTIVE"
        self.assertEqual(["ACTIVE"], unmarked_words(text, set()))
        self.assertEqual([], unmarked_words(text, {"ACTIVE"}))
