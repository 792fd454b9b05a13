"""WhatsApp templates for the fund's notices, one per notice kind and language, built from
the catalogs in the JSON Twilio's Content API takes.

Outside the 24 hours after a person's last WhatsApp message only an approved template may
be sent. A template's body is the notice's text in that language with its placeholders
numbered ({{1}}, {{2}}... in the order they first appear); `content_variables` recovers
their values from a notice as rendered, so an approved template reads exactly as the text
the outbox holds, or the notice is not sent with it.
"""

import json
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from bot.texting import texts
from conversations import messages as m
from conversations.keywords import LANGUAGES
from conversations.messages import Message
from conversations.segments import sms_safe
from conversations.talk import Choices, Money, Month, Param, Say

# The message each kind of notice is written with (bot.texting.notices, bot.fund.payouts,
# bot.ops.monthly, bot.partners.enrolment, conversations.flows). A notice of the kind in another
# shape (a declined invitation, a numbered visit prompt) does not read as its template: outside
# her window it goes by SMS. (A sentence after the message, as a program's match after a
# receipt, rides in the last variable.)
NOTICE_MESSAGES: dict[str, Message] = {
    "invitation": m.INVITATION,
    "invitation_answer": m.INVITATION_ACCEPTED,
    "visit_prompt": m.VISIT_PROMPT,
    "visit_declined": m.VISIT_DECLINED_NOTICE,
    "receipt": m.RECEIPT,
    "day_off_sent": m.DAY_OFF_SENT,
    "number_moved": m.NUMBER_MOVED,
    "number_moved_away": m.NUMBER_MOVED_AWAY,
    "day_off_paid": m.DAY_OFF_PAID,
    "day_off_voided": m.DAY_OFF_VOIDED,
    "payout_setup": m.PAYOUT_SETUP,
    "payout_waiting": m.PAYOUT_WAITS_FOR_ACCOUNT,
    "payout_account_changed": m.PAYOUT_ACCOUNT_CHANGED,
    "premium_paid": m.PREMIUM_PAID,
    "insurance_lapsed": m.INSURANCE_LAPSED,
    "insurance_low": m.INSURANCE_LOW,
    "statement": m.MONTHLY_STATEMENT,
    "partner_invitation": m.PARTNER_INVITATION,
    "partner_linked": m.PARTNER_LINKED,
    # Not a kind of its own: a visit prompt's shape when the household has others open.
    "visit_prompt_numbered": m.VISIT_PROMPT_NUMBERED,
    "payout_code": m.PAYOUT_CODE,
    "payout_changed": m.PAYOUT_CHANGED,
}
# The template shapes a notice kind may read as, tried in this order.
SHAPES = {"visit_prompt": ("visit_prompt", "visit_prompt_numbered")}
# Notices that ask a yes/no question in their usual shape: their templates carry Yes and No
# quick-reply buttons (payloads `yes` and `no`, bot.channel.buttons), as session messages do;
# a visit to confirm adds Another amount (`amount`), and a numbered one names the visit in
# each payload (`yes:{{1}}`: its number is the template's first variable).
YES_NO_NOTICES = frozenset({"invitation", "partner_invitation"})
VISIT_NOTICES = {"visit_prompt": "", "visit_prompt_numbered": ":{{1}}"}
# WhatsApp's codes for the fund's languages. It offers no Haitian Creole: French is the
# nearest on Meta's list (a reviewer may still refuse a Kreyol text under it).
WHATSAPP_LANGUAGES = {"en": "en", "es": "es", "pt_BR": "pt_BR", "ht": "fr", "tl": "fil"}
# Realistic values: WhatsApp wants a sample for each variable (and to approve a body that
# starts or ends with one).
SAMPLES: dict[str, Param] = {
    "worker": "Maria",
    "household": "Ana",
    "partner": "City Care Program",
    "amount": Money(500),
    "balance": Money(8_500),
    "available": Money(6_500),
    "added": Money(2_000),
    "used": Money(1_500),
    "date": date(2026, 11, 20),
    "month": Month(2026, 11),
    "hours": 48,
    "number": "2",
    "link": "https://fund.example.org/payout/AbCdEfGhIjKlMnOpQrStUv",
    "digits": "6789",
    "products": Choices((m.LIFE_INSURANCE, m.DISABILITY_INSURANCE), numbered=False),
    "code": "123456",
    "minutes": "10",
    "method": m.PAYOUT_CARD,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MAX_VARIABLE_LENGTH = 255  # Twilio's limit on one content variable


def placeholders(message: Message) -> list[str]:
    """The message's placeholder names, each once, in the order they first appear."""
    return list(dict.fromkeys(PLACEHOLDER.findall(message.msgid)))


@cache
def _template_text(kind: str, language: str, folded: bool) -> tuple[str, tuple[str, ...]]:
    """The notice's catalog text, as written or as sent by SMS (its accents folded, as
    texts.render does), and its placeholder names in order."""
    text = sms_safe(texts.gettext(NOTICE_MESSAGES[kind], language))
    text = texts.fold_to_gsm(text) if folded else text
    return text, tuple(dict.fromkeys(PLACEHOLDER.findall(text)))


def template_body(kind: str, language: str, folded: bool = False) -> str:
    """The template's body: the text with {{1}}, {{2}}... for its placeholders."""
    text, names = _template_text(kind, language, folded)
    number = {name: index for index, name in enumerate(names, 1)}
    return PLACEHOLDER.sub(lambda p: f"{{{{{number[p.group(1)]}}}}}", text).replace("%%", "%")


@cache
def _pattern(kind: str, language: str, folded: bool) -> re.Pattern[str]:
    text, names = _template_text(kind, language, folded)
    parts = PLACEHOLDER.split(text)  # literal, name, literal, name, ..., literal
    pattern, seen = [], set()
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern.append(re.escape(part.replace("%%", "%")))
        elif part in seen:
            pattern.append(f"(?P=v{names.index(part) + 1})")
        else:
            seen.add(part)
            pattern.append(f"(?P<v{names.index(part) + 1}>.+?)")
    return re.compile("".join(pattern), re.DOTALL)


def content_variables(kind: str, language: str, body: str) -> dict[str, str] | None:
    """The variables that make the kind's template read as this notice's text, or None when
    the text has another shape (see NOTICE_MESSAGES) or the kind has no template.

    A text whose accents SMS folded still fits: WhatsApp then shows the template's own
    accents around the same values."""
    if kind not in NOTICE_MESSAGES or language not in LANGUAGES:
        return None
    for folded in (False, True):
        found = _pattern(kind, language, folded).fullmatch(body)
        if found is None:
            continue
        variables = {name.removeprefix("v"): value for name, value in found.groupdict().items()}
        if _filled(template_body(kind, language, folded), variables) == body and all(
            len(value) <= MAX_VARIABLE_LENGTH for value in variables.values()
        ):
            return variables
    return None


def template_message(kind: str, language: str, body: str) -> tuple[str, str] | None:
    """For the sender: the notice's content variables (as Twilio takes them, JSON) and the
    text WhatsApp will show, or None when the notice does not read as its template."""
    variables = content_variables(kind, language, body)
    if variables is None:
        return None
    return json.dumps(variables), _filled(template_body(kind, language), variables)


def _filled(body: str, variables: Mapping[str, str]) -> str:
    return re.sub(r"\{\{(\d+)\}\}", lambda number: variables[number.group(1)], body)


def sample_variables(kind: str, language: str) -> dict[str, str]:
    """Each variable's sample, formatted as a real notice in that language formats it."""
    message = NOTICE_MESSAGES[kind]
    body = texts.render((Say(message, {n: SAMPLES[n] for n in placeholders(message)}),), language)
    variables = content_variables(kind, language, body)
    if variables is None:
        raise ValueError(f"the {language} text of {kind} does not read as its template")
    return variables


def content_template(kind: str, language: str) -> dict[str, Any]:
    """One template as Twilio's Content API takes it (POST /v1/Content): a question's with
    Yes and No buttons (twilio/quick-reply) and its plain text for channels without them."""
    body = template_body(kind, language)
    types: dict[str, Any] = {"twilio/text": {"body": body}}
    if kind in YES_NO_NOTICES:
        types["twilio/quick-reply"] = {"body": body, "actions": yes_no_actions(language)}
    if kind in VISIT_NOTICES:
        actions = visit_actions(language, VISIT_NOTICES[kind])
        types["twilio/quick-reply"] = {"body": body, "actions": actions}
    return {
        "friendly_name": f"benefits_{kind}_{language.lower()}",
        "language": WHATSAPP_LANGUAGES[language],
        "variables": sample_variables(kind, language),
        "types": types,
    }


def yes_no_actions(language: str) -> list[dict[str, str]]:
    """Yes and No quick-reply buttons in the language, with our payloads."""
    return [
        {"title": texts.gettext(m.BUTTON_YES, language), "id": "yes"},
        {"title": texts.gettext(m.BUTTON_NO, language), "id": "no"},
    ]


def visit_actions(language: str, suffix: str = "") -> list[dict[str, str]]:
    """Yes, No and Another amount under a visit to confirm; `suffix` names the visit."""
    other = {"title": texts.gettext(m.BUTTON_OTHER_AMOUNT, language), "id": "amount"}
    return [{**a, "id": a["id"] + suffix} for a in (*yes_no_actions(language), other)]


def shape_of(kind: str, language: str, body: str) -> str | None:
    """The template shape a notice of this kind reads as (a numbered visit prompt, say)."""
    for shape in SHAPES.get(kind, (kind,)):
        if content_variables(shape, language, body) is not None:
            return shape
    return None
