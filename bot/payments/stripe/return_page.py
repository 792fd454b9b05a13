"""The small page a household lands on back from Stripe Checkout, in its own language.

Checkout sends it to `/pay/<token>/saved` or `/pay/<token>/cancelled`: the token is the one in
the link it was texted, so its language is known without a phone number in any address. The
page only says what happened and what to do next; the saved method itself is recorded when
Stripe's `checkout.session.completed` event arrives, never from this address.
"""

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.models import Contributor, Person
from bot.payments.stripe.models import StripeCustomer
from bot.texting import texts
from conversations import messages as m

# No script at all, the page's own small style, nothing framed, and its address (which holds
# the household's link token) never sent on to anyone.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def household_language(session: Session, token: str) -> str | None:
    """The language of the household the link token belongs to; None for no such link."""
    found = session.execute(
        select(StripeCustomer.household_id, Person.language)
        .join(Contributor, Contributor.id == StripeCustomer.household_id)
        .outerjoin(Person, Person.id == Contributor.person_id)
        .where(StripeCustomer.link_token == token)
    ).one_or_none()
    if found is None:
        return None
    return found.language or "en"


def render(token: str, language: str, *, saved: bool) -> Response:
    """The page: the method saved, or not (with a button to try again)."""
    heading, details = (
        (m.PAY_PAGE_SAVED, m.PAY_PAGE_SAVED_NEXT)
        if saved
        else (m.PAY_PAGE_NOT_SAVED, m.PAY_PAGE_NOT_SAVED_NEXT)
    )
    page = render_template(
        "payments/return.html",
        language=language.replace("_", "-"),
        fund=texts.gettext(m.PAY_PAGE_FUND, language),
        heading=texts.gettext(heading, language),
        details=texts.gettext(details, language),
        saved=saved,
        again=None if saved else url_for("stripe.pay", token=token),
        again_text=texts.gettext(m.PAY_PAGE_TRY_AGAIN, language),
    )
    return Response(page, 200, HEADERS, mimetype="text/html")
