"""The buttons a WhatsApp question carries: which questions have them, and their content.

On WhatsApp a yes/no question goes with two quick-reply buttons and a short choice (the
language menu, which household, how she is paid) with a list picker, from Twilio's Content API
(`twilio/quick-reply`, `twilio/list-picker`). The text is the same words SMS gets, carried in
the content's one body variable, so every phone reads the whole question and nothing new is
written per question: one content per set of buttons and language (bot.channel.contents
creates it once and keeps its SID). Every button carries a payload of ours
(bot.channel.buttons), so the answer never depends on the words on it.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel.whatsapp_templates import MAX_VARIABLE_LENGTH, yes_no_actions
from bot.models import Channel, OutboundMessage, Person
from bot.texting import texts
from bot.texting.notices import write_reply_once
from conversations import messages as m
from conversations.flows.payout_method import METHOD_LABELS
from conversations.keywords import LANGUAGE_MENU_ORDER
from conversations.talk import Choices, Say

YES_NO = "yesno"
LANGUAGE = "language"
PICK = "pick"
PAYOUT = "payout"  # how she is paid: "payout:cash-check-bank-card", the methods in order
MAX_PICKS = 10  # a list picker's most items
MAX_ITEM = 24  # characters of an item's text
# Questions answered yes or no: the last sentence of a reply or the notice's message.
YES_NO_QUESTIONS = frozenset(
    {
        m.TERMS,
        m.TERMS_AGAIN,
        m.GUESS,
        m.INVITATION,
        m.VISIT_PROMPT,
        m.DAY_OFF_CONFIRM,
        m.HALF_DAY_OFF_CONFIRM,
        m.PARTNER_INVITATION,
        m.PARTNER_CONSENT,
    }
)
# Questions that end with the language menu ("1 English, 2 Español...").
LANGUAGE_QUESTIONS = frozenset({m.WELCOME, m.LANGUAGE_MENU})
# Questions answered with a number from the list they show ("1 Ana, 2 Rosa").
PICK_QUESTIONS = frozenset({m.DONE_WHICH, m.REMOVE_WHICH, m.UNDO_WHICH})
# Questions answered with a payout method from the list PAYMENT shows.
PAYOUT_QUESTIONS = frozenset({m.PAYOUT_METHOD_PICK})
METHOD_OF = {label: method for method, label in METHOD_LABELS.items()}
# The language menu's items: each language's own name.
ENDONYMS = {"en": "English", "es": "Español", "pt_BR": "Português", "ht": "Kreyòl", "tl": "Tagalog"}


def of_replies(replies: Sequence[Say]) -> dict[str, Any] | None:
    """The buttons for a reply: those of the question it ends with, if it ends with one."""
    if not replies:
        return None
    last = replies[-1]
    if last.message in YES_NO_QUESTIONS:
        return {"key": YES_NO}
    if last.message in LANGUAGE_QUESTIONS:
        return {"key": LANGUAGE}
    listed = last.params.get("list")
    if last.message in PAYOUT_QUESTIONS and isinstance(listed, Choices):
        methods = [METHOD_OF.get(label) for label in listed.labels]
        if methods and all(methods) and len(methods) <= MAX_PICKS:
            return {"key": f"{PAYOUT}:{'-'.join(str(x) for x in methods)}"}
    if last.message in PICK_QUESTIONS and isinstance(listed, Choices):
        labels = [str(label)[:MAX_ITEM] for label in listed.labels]
        if 1 <= len(labels) <= MAX_PICKS:
            return {"key": f"{PICK}:{len(labels)}", "labels": labels}
    return None


def variables(choices: dict[str, Any], body: str) -> dict[str, str]:
    """The content variables: the text as written for her, then a list's labels."""
    found = {"1": body}
    for number, label in enumerate(choices.get("labels", ()), 2):
        found[str(number)] = label
    return found


def content_types(key: str, language: str) -> dict[str, Any]:
    """The Content API `types` for a set of buttons in a language (its body is {{1}})."""
    if key == YES_NO:
        return {"twilio/quick-reply": {"body": "{{1}}", "actions": yes_no_actions(language)}}
    if key == LANGUAGE:
        items = [
            {"item": ENDONYMS[code], "id": f"lang:{code}", "description": str(number)}
            for number, code in enumerate(LANGUAGE_MENU_ORDER, 1)
        ]
    elif key.startswith(f"{PAYOUT}:"):
        items = [
            {
                "item": texts.gettext(METHOD_LABELS[method], language)[:MAX_ITEM],
                "id": f"pay:{method}",
                "description": str(number),
            }
            for number, method in enumerate(key.removeprefix(f"{PAYOUT}:").split("-"), 1)
        ]
    else:
        count = int(key.removeprefix(f"{PICK}:"))
        items = [
            {"item": f"{{{{{number + 1}}}}}", "id": f"pick:{number}", "description": str(number)}
            for number in range(1, count + 1)
        ]
    button = texts.gettext(m.BUTTON_CHOOSE, language)
    return {"twilio/list-picker": {"body": "{{1}}", "button": button, "items": items}}


def sample_variables(key: str) -> dict[str, str]:
    """A sample for each variable, as the Content API wants."""
    count = int(key.removeprefix(f"{PICK}:")) if key.startswith(f"{PICK}:") else 0
    return {"1": "Reply YES or NO.", **{str(n + 1): f"Household {n}" for n in range(1, count + 1)}}


def reply_with_buttons(
    session: Session, person: Person, replies: Sequence[Say], body: str, message_sid: str
) -> int | None:
    """The reply to a WhatsApp message, as an outbox row carrying its buttons, when it ends
    with a question; None when it asks nothing (it goes in the TwiML, as text).

    TwiML cannot carry a content SID: a reply with buttons is sent through the REST API by
    the sender (bot.channel.routes picks the content), and the webhook answers with an empty
    TwiML. Keyed by the MessageSid, so a spooled replay writes it once."""
    found = of_replies(replies)
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
