"""Which WhatsApp questions go with buttons, and the reply that carries them.

On WhatsApp a yes/no question goes with quick-reply buttons (a visit to confirm with a third,
"Another amount") and a short choice (the language menu, which household, the insurance offer,
how she is paid)
with a list picker, from Twilio's Content API (`twilio/quick-reply`, `twilio/list-picker`;
bot.channel.button_sets defines each set). The text is the same words SMS gets, carried in
the content's first variable, so every phone reads the whole question and nothing new is
written per question: one content per set of buttons and language (bot.channel.contents
creates it once and keeps its SID). Every button carries a payload of ours
(bot.channel.buttons), so the answer never depends on the words on it.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel.button_sets import (
    LANGUAGE,
    MAX_ITEM,
    OFFER,
    PAYOUT,
    PICK,
    VISIT,
    VISIT_NUMBERED,
    WHICH,
    YES_NO,
)
from bot.channel.whatsapp_templates import MAX_VARIABLE_LENGTH
from bot.models import Channel, OutboundMessage, Person
from bot.texting import texts
from bot.texting.notices import write_reply_once
from conversations import messages as m
from conversations.flows.payout_method import METHOD_LABELS
from conversations.talk import Choices, Say

MAX_PICKS = 10  # a list picker's most items
MAX_DESCRIPTION = 72  # characters of an item's description
# Questions answered yes or no: the last sentence of a reply or the notice's message.
YES_NO_QUESTIONS = frozenset(
    {
        m.TERMS,
        m.TERMS_AGAIN,
        m.GUESS,
        m.INVITATION,
        m.DAY_OFF_CONFIRM,
        m.HALF_DAY_OFF_CONFIRM,
        m.PARTNER_INVITATION,
        m.PARTNER_CONSENT,
        m.REMOVE_CONFIRM,
        m.REMOVE_CONFIRM_OWES,
    }
)
# Questions that end with the language menu ("1 English, 2 Español...").
LANGUAGE_QUESTIONS = frozenset({m.WELCOME, m.LANGUAGE_MENU})
# Questions answered with a number from the list they show ("1 Ana, 2 Rosa").
PICK_QUESTIONS = frozenset({m.DONE_WHICH, m.REMOVE_WHICH, m.UNDO_WHICH})
# The insurance offer's lines, one per product (each with its number and product).
PRODUCT_LINES = frozenset({m.INSURANCE_PRODUCT, m.INSURANCE_MORE})
# Questions answered with a payout method from the list PAYMENT shows.
PAYOUT_QUESTIONS = frozenset({m.PAYOUT_METHOD_PICK})
METHOD_OF = {label: method for method, label in METHOD_LABELS.items()}


# Questions whose buttons are always the same set.
FIXED_SETS = {
    **dict.fromkeys(YES_NO_QUESTIONS, YES_NO),
    **dict.fromkeys(LANGUAGE_QUESTIONS, LANGUAGE),
    m.VISIT_PROMPT: VISIT,
}


def of_replies(replies: Sequence[Say], language: str) -> dict[str, Any] | None:
    """The buttons for a reply (or a notice): those of the question it ends with, if any."""
    last = replies[-1] if replies else None
    if last is None:
        return None
    if last.message in FIXED_SETS:
        return {"key": FIXED_SETS[last.message]}
    if last.message == m.VISIT_PROMPT_NUMBERED:
        return {"key": VISIT_NUMBERED, "labels": [str(last.params["number"])]}
    if last.message in (m.INSURANCE_OFFER_HOW, m.INSURANCE_MORE, m.INSURANCE_WHICH):
        return _products(replies, language)
    return _listed(last, language)


def _listed(last: Say, language: str) -> dict[str, Any] | None:
    """The list a question shows: how she is paid, or a numbered pick ("1 Ana, 2 Rosa")."""
    listed = last.params.get("list")
    if not isinstance(listed, Choices):
        return None
    if last.message in PAYOUT_QUESTIONS:
        methods = [METHOD_OF.get(label) for label in listed.labels]
        if methods and all(methods) and len(methods) <= MAX_PICKS:
            return {"key": f"{PAYOUT}:{'-'.join(str(x) for x in methods)}"}
    if last.message in PICK_QUESTIONS:
        labels = [_short(texts.format_value(label, language), MAX_ITEM) for label in listed.labels]
        if 1 <= len(labels) <= MAX_PICKS:
            return {"key": f"{PICK}:{len(labels)}", "labels": labels}
    return None


def _products(replies: Sequence[Say], language: str) -> dict[str, Any] | None:
    """The insurance products a reply offers, each tapped as YES and its number."""
    last = replies[-1]
    listed = last.params.get("list")
    if last.message == m.INSURANCE_WHICH and isinstance(listed, Choices):
        pairs = [(str(label[0]), label[1]) for label in listed.labels]
        labels = [_short(texts.format_value(label, language), MAX_ITEM) for label in listed.labels]
        key, descriptions = WHICH, []
    else:
        lines = [say for say in replies if say.message in PRODUCT_LINES]
        pairs = [(str(say.params["number"]), say.params["product"]) for say in lines]
        labels = [_short(f"{n} {texts.gettext(p, language)}", MAX_ITEM) for n, p in pairs]
        descriptions = [
            _short(texts.render([say], language, sms=False), MAX_DESCRIPTION) for say in lines
        ]
        key = OFFER
    if not 1 <= len(pairs) < MAX_PICKS:
        return None
    numbers = ".".join(number for number, _ in pairs)
    return {"key": f"{key}:{numbers}", "labels": labels + descriptions}


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def reply_with_buttons(
    session: Session, person: Person, replies: Sequence[Say], body: str, message_sid: str
) -> int | None:
    """The reply to a WhatsApp message, as an outbox row carrying its buttons, when it ends
    with a question; None when it asks nothing (it goes in the TwiML, as text).

    TwiML cannot carry a content SID: a reply with buttons is sent through the REST API by
    the sender (bot.channel.routes picks the content), and the webhook answers with an empty
    TwiML. Keyed by the MessageSid, so a spooled replay writes it once."""
    found = of_replies(replies, person.language)
    if found is None or len(body) > MAX_VARIABLE_LENGTH:
        return None
    row = write_reply_once(session, person, Channel.WHATSAPP, body, message_sid)
    if row is None:
        return None
    row.choices = found
    session.flush()
    return row.id


def sent_with_buttons(session: Session, message_sid: str) -> bool:
    """Whether the reply to this message went out with buttons (through the outbox)."""
    return (
        session.scalar(
            select(OutboundMessage.id).where(
                OutboundMessage.dedupe_key == f"reply:{message_sid}",
                OutboundMessage.choices.is_not(None),
            )
        )
        is not None
    )
