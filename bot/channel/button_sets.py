"""The sets of WhatsApp buttons our questions carry, as Twilio's Content API defines them.

A set is named by a key (stored with the notice and in `whatsapp_contents`):
- `yesno`: Yes and No quick replies (payloads `yes`, `no`);
- `visit`: a visit to confirm: Yes, No and Another amount (`yes`, `no`, `amount`);
- `visit:numbered`: the same for one of several open visits, its number in variable {{2}}
  (`yes:{{2}}`, `no:{{2}}`, `amount:{{2}}`);
- `language`: the language menu, a list of each language's own name (`lang:es`);
- `pick:N`: a numbered list of N labels (`pick:1`...), the labels in variables {{2}}...;
- `offer:1.2`: the insurance products numbered 1 and 2 and "No, thanks" (`yes:1`, `yes:2`,
  `no`), each product's label and what it costs and covers in variables; `which:1.2` the same
  list without what they cover;
- `payout:cash-check-bank-card`: how she is paid, the methods in the order PAYMENT lists them
  (`pay:cash`...).
The body is always {{1}}, the question's whole text as SMS gets it.
"""

from typing import Any

from bot.channel.whatsapp_templates import visit_actions, yes_no_actions
from bot.texting import texts
from conversations import messages as m
from conversations.flows.payout_method import METHOD_LABELS
from conversations.keywords import LANGUAGE_MENU_ORDER

YES_NO = "yesno"
VISIT = "visit"
VISIT_NUMBERED = "visit:numbered"
LANGUAGE = "language"
PICK = "pick"
OFFER = "offer"  # with what each product costs and covers
WHICH = "which"  # the products alone
PAYOUT = "payout"  # how she is paid, the methods in order
# The language menu's items: each language's own name.
MAX_ITEM = 24  # characters of a list item's text
ENDONYMS = {"en": "English", "es": "Español", "pt_BR": "Português", "ht": "Kreyòl", "tl": "Tagalog"}


def content_types(key: str, language: str) -> dict[str, Any]:
    """The Content API `types` for a set of buttons in a language (its body is {{1}})."""
    if key in (YES_NO, VISIT, VISIT_NUMBERED):
        return {"twilio/quick-reply": {"body": "{{1}}", "actions": _actions(key, language)}}
    kind, _, rest = key.partition(":")
    if key == LANGUAGE:
        items = [
            {"item": ENDONYMS[code], "id": f"lang:{code}", "description": str(number)}
            for number, code in enumerate(LANGUAGE_MENU_ORDER, 1)
        ]
    elif kind == PAYOUT:
        items = [
            {
                "item": texts.gettext(METHOD_LABELS[method], language)[:MAX_ITEM],
                "id": f"pay:{method}",
                "description": str(number),
            }
            for number, method in enumerate(rest.split("-"), 1)
        ]
    elif kind == PICK:
        items = [
            {"item": f"{{{{{number + 1}}}}}", "id": f"pick:{number}", "description": str(number)}
            for number in range(1, int(rest) + 1)
        ]
    else:
        items = _products(kind, rest.split("."), language)
    button = texts.gettext(m.BUTTON_CHOOSE, language)
    return {"twilio/list-picker": {"body": "{{1}}", "button": button, "items": items}}


def _actions(key: str, language: str) -> list[dict[str, str]]:
    if key == YES_NO:
        return yes_no_actions(language)
    return visit_actions(language, ":{{2}}" if key == VISIT_NUMBERED else "")


def _products(kind: str, numbers: list[str], language: str) -> list[dict[str, str]]:
    """Each product (its label in a variable, what it costs in another), then No, thanks."""
    items = []
    for index, number in enumerate(numbers, 2):
        item = {"item": f"{{{{{index}}}}}", "id": f"yes:{number}"}
        if kind == OFFER:
            item["description"] = f"{{{{{index + len(numbers)}}}}}"
        items.append(item)
    items.append({"item": texts.gettext(m.BUTTON_NO_THANKS, language), "id": "no"})
    return items


def variables(choices: dict[str, Any], body: str) -> dict[str, str]:
    """The content variables: the text as written for her, then the labels."""
    found = {"1": body}
    for number, label in enumerate(choices.get("labels", ()), 2):
        found[str(number)] = label
    return found


def sample_variables(key: str) -> dict[str, str]:
    """A sample for each variable, as the Content API wants."""
    kind, _, rest = key.partition(":")
    if key == VISIT_NUMBERED:
        return {"1": "Reply YES 2, NO 2 or 2 and an amount.", "2": "2"}
    if kind == PICK:
        count = int(rest)
        return {
            "1": "Which household?",
            **{str(n + 1): f"Household {n}" for n in range(1, count + 1)},
        }
    if kind in (OFFER, WHICH):
        count = len(rest.split("."))
        labels = {str(n + 2): f"{n + 1} life" for n in range(count)}
        if kind == OFFER:
            labels |= {str(n + 2 + count): "$5.00/month: pays your family" for n in range(count)}
        return {"1": "Reply YES and its number.", **labels}
    return {"1": "Reply YES or NO."}
