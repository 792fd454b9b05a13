"""The insurance offer's WhatsApp template and buttons: one line per product the fund sells.

The offer (bot.ops.insurance_offers, and INSURANCE) is several sentences: its opening, one
line per product (its number, what it covers, its price) and how to choose. WhatsApp takes
no line break inside a template's variable, so the template keeps the opening and the closing
as written and has one variable per product line; its quick replies are each product (`yes:1`,
`yes:2`...) and "No, thanks" (`no`). It follows INSURANCE_PREMIUMS_CENTS: print and submit it
again when the products change.
"""

from collections.abc import Mapping
from typing import Any

from bot.channel.whatsapp_templates import MAX_VARIABLE_LENGTH, WHATSAPP_LANGUAGES
from bot.texting import texts
from conversations import messages as m
from conversations.flows.insurance import PRODUCTS, offer_says
from conversations.ports import InsuranceProduct

KIND = "insurance_offer"
MAX_TITLE = 20  # characters of a quick reply's title


def products(premiums: Mapping[str, int]) -> tuple[InsuranceProduct, ...]:
    """The products on offer, numbered as the fund's settings list them."""
    return tuple(
        InsuranceProduct(number, product, cents, held=False)
        for number, (product, cents) in enumerate(premiums.items(), 1)
    )


def template_body(language: str, count: int) -> str:
    """The opening, {{1}}... one line per product, and how to choose."""
    lines = [f"{{{{{number}}}}}" for number in range(1, count + 1)]
    opening = texts.gettext(m.INSURANCE_OFFER, language)
    return "\n".join([opening, *lines, texts.gettext(m.INSURANCE_OFFER_HOW, language)])


def content_variables(language: str, body: str, count: int) -> dict[str, str] | None:
    """The product lines of an offer as written for WhatsApp, or None if it reads otherwise."""
    lines = body.split("\n")
    template = template_body(language, count).split("\n")
    if len(lines) != len(template) or (lines[0], lines[-1]) != (template[0], template[-1]):
        return None
    values = lines[1:-1]
    if not all(0 < len(value) <= MAX_VARIABLE_LENGTH for value in values):
        return None
    return {str(number): value for number, value in enumerate(values, 1)}


def actions(language: str, offered: tuple[InsuranceProduct, ...]) -> list[dict[str, str]]:
    """A quick reply per product ("1 life") and No, thanks."""
    found = [
        {
            "title": f"{p.number} {texts.gettext(PRODUCTS[p.product], language)}"[:MAX_TITLE],
            "id": f"yes:{p.number}",
        }
        for p in offered
    ]
    no = texts.gettext(m.BUTTON_NO_THANKS, language)[:MAX_TITLE]
    return [*found, {"title": no, "id": "no"}]


def content_template(language: str, premiums: Mapping[str, int]) -> dict[str, Any]:
    """The template as Twilio's Content API takes it, for the products on offer now."""
    offered = products(premiums)
    body = template_body(language, len(offered))
    written = texts.render(offer_says(offered), language, sms=False)
    samples = content_variables(language, written, len(offered))
    if samples is None:
        raise ValueError(f"the {language} insurance offer does not read as its template")
    return {
        "friendly_name": f"benefits_{KIND}_{language.lower()}",
        "language": WHATSAPP_LANGUAGES[language],
        "variables": samples,
        "types": {
            "twilio/text": {"body": body},
            "twilio/quick-reply": {"body": body, "actions": actions(language, offered)},
        },
    }
