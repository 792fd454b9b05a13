"""Tapped buttons: the stable payloads our questions carry, read back as words she could type.

Every button we send carries a payload we chose (`yes`, `no`, `lang:es`, `pick:2`,
`pay:card`; `yes:2` and `no:2` for the second of several visits or insurance products,
`amount` or `amount:2` for another amount than the one a visit suggests), whatever its text
says in her language. A tap arrives with `ButtonPayload` (and `ButtonText`) beside `Body`: the
payload wins, so a "Sí" button, a "Yes" button or a renamed template button all mean the same.
It is read as the word she would type in her own language (so that a household keeps being
answered in its language), the menu number, the language's name or the payout method's name.
"""

import re
from collections.abc import Mapping

from conversations.keywords import KEYWORDS, LANGUAGE_NAMES, LANGUAGES, Intent
from conversations.understanding.payout_methods import METHOD_WORDS, method_word
from conversations.understanding.vocabulary import EXTRA

PAYLOAD = re.compile(
    r"(?:yes|no|amount)(?::[1-9][0-9]?)?|lang:(?P<language>[A-Za-z_]{2,5})|pick:[1-9][0-9]?"
    r"|pay:(?P<method>[a-z]{3,8})"
)
MAX_PAYLOAD = 64


def payload_of(form: Mapping[str, str]) -> str | None:
    """The payload of a tapped button of ours, if the message is one."""
    payload = form.get("ButtonPayload", "").strip()[:MAX_PAYLOAD]
    match = PAYLOAD.fullmatch(payload)
    if match is None or (match["language"] and match["language"] not in LANGUAGES):
        return None
    if match["method"] and match["method"] not in METHOD_WORDS:
        return None
    return payload


def text_of(form: Mapping[str, str]) -> str:
    """What she sent as text: a tapped button's text (a template's own buttons carry payloads
    we did not choose), else the body."""
    return form.get("ButtonText", "").strip() or form.get("Body", "")


def words_for(payload: str | None, language: str) -> str | None:
    """The words a payload stands for, in her language; None when there is no payload."""
    if payload is None:
        return None
    kind, _, value = payload.partition(":")
    if kind == "lang":
        return LANGUAGE_NAMES[value][0]
    if kind == "pick":
        return value  # the number she would type
    if kind == "pay":
        return method_word(value)  # read by the PAYMENT list in any language
    if kind == "amount":
        words = EXTRA.get(language, EXTRA["en"])[Intent.AMOUNT].split("|")[0]
    else:
        intent = Intent.YES if kind == "yes" else Intent.NO
        words = KEYWORDS.get(language, KEYWORDS["en"])[intent][0]
    return f"{words} {value}" if value else words  # "si 2": yes to the second
