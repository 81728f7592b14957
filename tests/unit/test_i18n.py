"""core/'s messages (core/i18n.py): English as they are, in the reader's
language once a translator is installed, parameters and list items too;
and core/ still imports no Django."""
import pickle
import re
import subprocess
import sys

import pytest

from migration_dashboard.core import i18n
from migration_dashboard.core.i18n import N_, NP_, joined
from migration_dashboard.core.preflight import wording


_PLACEHOLDER = re.compile(r"(%\(\w+\)\w|%\w)")


def upper(msgid):
    """msgid in capitals, its placeholders kept."""
    return "".join(part if _PLACEHOLDER.fullmatch(part) else part.upper()
                   for part in _PLACEHOLDER.split(msgid))


@pytest.fixture
def shouting():
    """A translator that says every msgid in capitals."""
    saved = i18n._translator
    i18n.use(upper, lambda s, p, n: upper(s if n == 1 else p))
    yield
    i18n._translator = saved


def test_a_message_is_its_english_text_without_a_translator():
    m = N_("%(host)s is down", host="cmp1")
    assert m == "cmp1 is down"
    assert "is down" in m and str(m) == "cmp1 is down"
    assert m.msgid == "%(host)s is down" and m.params == {"host": "cmp1"}


def test_the_translator_says_it_and_its_parameters(shouting):
    m = N_("%(host)s is down", host=N_("the destination"))
    assert str(m) == "THE DESTINATION IS DOWN"
    assert "%s" % m == "THE DESTINATION IS DOWN"
    assert "{}".format(m) == "THE DESTINATION IS DOWN"
    # Still English for core's comparisons.
    assert m == "the destination is down"


def test_data_parameters_are_not_translated(shouting):
    assert str(N_("%(host)s is down", host="cmp1")) == "cmp1 IS DOWN"


def test_percent_gives_a_message_with_its_parameters(shouting):
    m = N_("Bring it to %(state)s first.") % {"state": "ACTIVE"}
    assert m == "Bring it to ACTIVE first."
    assert str(m) == "BRING IT TO ACTIVE FIRST."


def test_counted_messages_use_the_plural_form():
    assert NP_("%(count)d host", "%(count)d hosts", 1) == "1 host"
    assert NP_("%(count)d host", "%(count)d hosts", 3) == "3 hosts"


def test_lists_translate_each_item_and_the_separator(shouting):
    names = wording.first_names(["a", "b", "c"], limit=2)
    assert names == "a, b and 1 more"
    assert str(names) == "a, b AND 1 MORE"
    assert str(joined([N_("down"), "cmp2"], N_(" or "))) == "DOWN OR cmp2"


def test_a_message_survives_the_cache(shouting):
    m = N_("%(host)s is down", host=N_("the destination"))
    back = pickle.loads(pickle.dumps(m))
    assert isinstance(back, i18n.Message)
    assert back == m and str(back) == "THE DESTINATION IS DOWN"


def test_core_imports_no_django():
    code = ("import sys, pkgutil, importlib, migration_dashboard.core as c\n"
            "for m in pkgutil.walk_packages(c.__path__, c.__name__ + '.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0]"
            " == 'django'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.fixture
def english_only():
    """No translator installed (as in core's own tests, and before the
    content layer is imported)."""
    saved = i18n._translator
    i18n._translator = None
    yield
    i18n._translator = saved


def test_without_a_translator_str_is_the_english(english_only):
    m = N_("%(host)s is down", host=N_("the destination"))
    assert str(m) == "the destination is down"
    assert "%s" % m == "the destination is down"
    assert str(NP_("%(count)d host", "%(count)d hosts", 2)) == "2 hosts"


def test_a_format_spec_applies_to_the_said_text(shouting):
    m = N_("down")
    assert "[{:>6}]".format(m) == "[  DOWN]"
    assert "[{:<6}]".format(m) == "[DOWN  ]"


def test_percent_with_one_value_or_a_tuple(english_only):
    assert N_("%s is down") % "cmp1" == "cmp1 is down"
    assert N_("%s is down") % ("cmp1",) == "cmp1 is down"
    assert N_("%s of %s") % ("a", "b") == "a of b"


def test_percent_keeps_a_counted_message_counted(shouting):
    hosts = NP_("%(count)d host", "%(count)d hosts", 3)
    m = hosts % {"count": 3}
    assert m == "3 hosts"
    assert str(m) == "3 HOSTS"
    one = NP_("%(count)d host", "%(count)d hosts", 1) % {"count": 1}
    assert one == "1 host" and str(one) == "1 HOST"


def test_a_counted_message_is_english_for_core_and_said_for_pages(shouting):
    m = NP_("%(count)d move to %(host)s", "%(count)d moves to %(host)s", 2,
            host=N_("the destination"))
    assert m == "2 moves to the destination"
    assert m.english == "2 moves to the destination"
    assert str(m) == "2 MOVES TO THE DESTINATION"


def test_positional_parameters_are_said_too(shouting):
    m = N_("%s is down") % (N_("the destination"),)
    assert str(m) == "THE DESTINATION IS DOWN"
    assert m == "the destination is down"
    assert str(N_("%s of %s") % ("cmp1", N_("the source"))) == (
        "cmp1 OF THE SOURCE")


def test_counted_items_of_a_list_in_english(english_only):
    items = joined([NP_("%(count)d host", "%(count)d hosts", 2),
                    NP_("%(count)d host", "%(count)d hosts", 1)], ", ")
    assert items == "2 hosts, 1 host"
    assert str(items) == "2 hosts, 1 host"


def test_an_empty_message_is_never_the_catalogue_header():
    saved = i18n._translator
    header = "Project-Id-Version: migration_dashboard\n"
    i18n.use(lambda s: header if s == "" else upper(s),
             lambda s, p, n: upper(s if n == 1 else p))
    try:
        assert str(joined([N_(""), N_("down")], "/")) == "/DOWN"
    finally:
        i18n._translator = saved


def test_a_message_is_its_text_the_first_time_it_is_made():
    # (messages without parameters are made once, then reused)
    first = N_("a message said for the first time here")
    assert isinstance(first, i18n.Message)
    assert first == "a message said for the first time here"
    assert first.msgid == "a message said for the first time here"
    assert N_("a message said for the first time here") == first
