"""Words of core/ that a person reads, translatable without Django.

A :class:`Message` *is* its English text (a ``str``: core's tests, the
comparisons of :mod:`.preflight.summary` and any log see English) and also
remembers its msgid, plural form and parameters.  Whenever it is turned into
text for a page -- ``str()``, ``%s``, ``format()``, a Django template -- it is
said with the translator the content layer installed (:func:`use`, Django's
gettext and ngettext), parameters that are messages too translated the same
way.  Without one, English.

Mark the words here with :func:`N_` (``N_("... %(host)s ...") % {...}`` or
``N_("...", host=...)``) and counted ones with :func:`NP_`; ``make
messages`` extracts both (xgettext keywords ``N_`` and ``NP_:1,2``).  Lists
built from messages go through :func:`joined`, so each item is translated
and only the separator is kept.
"""

from __future__ import annotations

# (gettext, ngettext) of the content layer, set once when it is imported
# (the same in every worker: configuration, not state).
_translator = None


def use(gettext, ngettext):
    """Say every message with ``gettext(msgid)`` /
    ``ngettext(singular, plural, n)`` from now on."""
    global _translator
    _translator = (gettext, ngettext)


def _say(value, words):
    """``value`` as text in the words of ``words`` (a translator or None
    for English); anything but a message is left as it is (numbers keep
    their ``%d``)."""
    if isinstance(value, Message):
        return value.render(words)
    return value


class Message(str):
    """English text, with what it takes to say it in another language."""

    # One slot: the pre-flight makes thousands of these per page.
    __slots__ = ("_said",)

    def __new__(cls, msgid, params=None, plural=None, count=None,
                items=None, sep=""):
        if items is not None:
            text = _render(msgid, params, plural, count, items, sep, None)
        else:
            text = plural if plural is not None and count != 1 else msgid
            if params is not None:
                # Without a translator a message param says its English
                # through %s (__str__); with one, ask for it explicitly.
                text = text % (params if _translator is None
                               else _english(params))
        self = str.__new__(cls, text)
        self._said = (msgid, params, plural, count, items, sep)
        return self

    msgid = property(lambda self: self._said[0])
    params = property(lambda self: self._said[1])
    plural = property(lambda self: self._said[2])
    count = property(lambda self: self._said[3])

    def render(self, words):
        return _render(*self._said, words)

    def __str__(self):
        if _translator is None:
            return str.__str__(self)
        return self.render(_translator)

    def __format__(self, spec):
        return format(str(self), spec)

    def __mod__(self, params):
        """``N_("%(host)s is down") % {"host": h}``: the same message with
        its parameters (kept apart, so that they are said in the reader's
        language too)."""
        if not isinstance(params, (tuple, dict)):
            params = (params,)
        return Message(self.msgid, params, self.plural, self.count)

    def __reduce__(self):
        # Messages travel through Django's cache (pickled) as messages.
        return (Message, self._said)

    @property
    def english(self):
        return str.__str__(self)


def _english(params):
    if isinstance(params, dict):
        return {k: str.__str__(v) if isinstance(v, Message) else v
                for k, v in params.items()}
    return tuple(str.__str__(v) if isinstance(v, Message) else v
                 for v in params)


def _render(msgid, params, plural, count, items, sep, words):
    if items is not None:
        return str(_say(sep, words)).join(str(_say(i, words)) for i in items)
    if words is None:
        template = plural if plural is not None and count != 1 else msgid
    elif plural is not None:
        template = words[1](msgid, plural, count)
    else:
        # gettext("") is the catalogue's header, never a text.
        template = words[0](msgid) if msgid else msgid
    if params is None:
        return template
    if isinstance(params, dict):
        said = {k: _say(v, words) for k, v in params.items()}
    else:
        said = tuple(_say(v, words) for v in params)
    return template % said


# Messages without parameters, made once each: a rule's remedy is the same
# on every finding (messages are immutable, and the same in every worker).
_CONSTANT = {}


def N_(msgid, **params):
    """Mark ``msgid`` for translation: a :class:`Message` (its parameters
    given here or later with ``%``)."""
    if params:
        # Message(msgid, params) without its general case: this is the
        # pre-flight's most frequent call.
        self = str.__new__(Message, msgid % (
            params if _translator is None else _english(params)))
        self._said = (msgid, params, None, None, None, "")
        return self
    m = _CONSTANT.get(msgid)
    if m is None:
        m = _CONSTANT[msgid] = Message(msgid)
    return m


def NP_(singular, plural, count, **params):
    """A counted message: ``singular`` when ``count`` is 1 in English, as
    ngettext says in another language; ``count`` is also the parameter
    ``%(count)d`` unless ``params`` names it."""
    params.setdefault("count", count)
    self = str.__new__(Message, (singular if count == 1 else plural) % (
        params if _translator is None else _english(params)))
    self._said = (singular, params, plural, count, None, "")
    return self


def joined(items, sep):
    """``sep.join(items)`` whose items (and ``sep``, when it is a message)
    are each said in the reader's language."""
    items = tuple(items)
    return Message(None, items=items, sep=sep)
