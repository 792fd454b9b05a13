"""The short link a worker is texted to set up her payout account (Stripe Connect Express).

GET /payout/<token> creates her Express account the first time and sends her on to a fresh
Account Link (Stripe's own links expire within minutes and work once, so the texted link is
ours and never expires); Stripe sends her back to /payout/<token>/done, or to the link again
when its page expired. Whether her account can take payouts is known from Stripe's
`account.updated` event, never from her coming back. Once her account takes payouts the link
only says so: changing where she is paid goes through the fund, with its code and hold.
"""

import logging
from html import escape

import stripe
from flask import Blueprint, Response, abort, current_app, redirect
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.infra.stripe_client import client
from bot.models import Person, Worker
from bot.payouts_rail.stripe_connect import accounts
from bot.payouts_rail.stripe_connect.models import ConnectAccount
from bot.texting import texts
from conversations import messages as m
from conversations.messages import Message

log = logging.getLogger(__name__)
blueprint = Blueprint("stripe_connect", __name__)
MAX_TOKEN = 32


@blueprint.get("/payout/<token>")
def setup(token: str) -> Response:
    """Open Stripe's onboarding for the worker the texted link names."""
    runtime: Runtime = current_app.extensions["runtime"]
    if runtime.settings.payout_provider != "stripe" or len(token) > MAX_TOKEN:
        abort(404)

    def onboarding(session: Session) -> str | None:
        return accounts.onboarding_url(session, runtime.settings, client(runtime.settings), token)

    try:
        url = run_in_transaction(runtime.sessions, onboarding)
    except accounts.AlreadySetUp:
        return _page(runtime, token, m.PAYOUT_SETUP_ALREADY)
    except stripe.StripeError as error:
        log.warning("payout setup link: Stripe did not answer (%s)", type(error).__name__)
        return _page(runtime, token, m.PAYOUT_SETUP_TRY_LATER, status=503)
    if url is None:
        abort(404)
    return redirect(url, code=303)


@blueprint.get("/payout/<token>/done")
def done(token: str) -> Response:
    """Where Stripe sends her back: thanks, in her language; the event says if it is ready."""
    runtime: Runtime = current_app.extensions["runtime"]
    if runtime.settings.payout_provider != "stripe" or len(token) > MAX_TOKEN:
        abort(404)
    return _page(runtime, token, m.PAYOUT_SETUP_DONE)


def _page(runtime: Runtime, token: str, message: Message, status: int = 200) -> Response:
    """One sentence in her language, on a page that reads well on a small phone."""
    with runtime.sessions() as session:
        language = session.scalar(
            select(Person.language)
            .join(Worker, Worker.person_id == Person.id)
            .join(ConnectAccount, ConnectAccount.worker_id == Worker.id)
            .where(ConnectAccount.link_token == token)
        )
    if language is None:
        abort(404)
    text = escape(texts.gettext(message, language))
    body = (
        f'<!doctype html><html lang="{escape(language.replace("_", "-"))}"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text}</title>"
        f'<p style="font: 1.2em/1.5 sans-serif; margin: 2em 1em">{text}</p></html>'
    )
    return Response(body, status=status, mimetype="text/html")
