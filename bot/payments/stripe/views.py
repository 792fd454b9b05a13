"""Stripe's corner of the web app: its webhook, and the short link households are texted.

POST /webhooks/stripe is checked with the library's own signature verification against
STRIPE_WEBHOOK_SECRET: a bad signature gets 400 and changes nothing; an event type we do not
use gets 200 and changes nothing; every other event is applied once (bot.payments.stripe.events,
and connect_events for money out). Her payout setup link has its own module, connect_views.
"""

import json
import logging
from typing import Any

import stripe
from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channel import outbox
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.infra.stripe_client import client
from bot.models import Contributor
from bot.payments import runner
from bot.payments.models import CollectionCharge
from bot.payments.services import StripeCollections
from bot.payments.stripe import connect_events, events, return_page
from bot.payments.stripe.models import StripeCustomer

log = logging.getLogger(__name__)
blueprint = Blueprint("stripe", __name__, template_folder="templates")


@blueprint.post("/webhooks/stripe")
def webhook() -> Response | tuple[Response, int]:
    """Apply one Stripe event, once."""
    runtime: Runtime = current_app.extensions["runtime"]
    secret = runtime.settings.stripe_webhook_secret
    if not secret:
        abort(404)
    payload = request.get_data()
    try:
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature"), secret)
    except (ValueError, stripe.SignatureVerificationError):
        return jsonify(error="bad Stripe-Signature or body"), 400
    event: dict[str, Any] = json.loads(payload)
    if event.get("type") not in events.HANDLERS:
        return jsonify(applied=False, reason="event type not used"), 200
    try:
        fetched = _fetch(runtime, event)
    except stripe.StripeError as error:  # what the event needs from Stripe could not be read
        log.warning("Stripe event %s not applied yet: %s", event.get("type"), type(error).__name__)
        return jsonify(error="Stripe did not answer; send the event again"), 503
    try:
        outbox_ids = run_in_transaction(
            runtime.sessions,
            lambda session: events.apply(session, runtime.settings, event, fetched),
        )
    except IntegrityError:  # the same event, delivered twice at once: the other one applied it
        outbox_ids = None
    if outbox_ids is None:
        return jsonify(applied=False, reason="already applied"), 200
    outbox.hand_over(runtime, outbox_ids)
    return jsonify(applied=True), 200


@blueprint.get("/pay/<token>")
def pay(token: str) -> Response:
    """Open a new Checkout session (setup mode) for the household the texted link names."""
    runtime: Runtime = current_app.extensions["runtime"]
    provider = runner.service(runtime)
    if not isinstance(provider, StripeCollections) or len(token) > 32:
        abort(404)

    def checkout(session: Session) -> str | None:
        customer = session.scalar(
            select(StripeCustomer).where(StripeCustomer.link_token == token).with_for_update()
        )
        return provider.checkout_url(session, customer) if customer else None

    url = run_in_transaction(runtime.sessions, checkout)
    if url is None:
        abort(404)
    return redirect(url, code=303)


@blueprint.get("/pay/<token>/saved", defaults={"saved": True})
@blueprint.get("/pay/<token>/cancelled", defaults={"saved": False})
def back_from_checkout(token: str, saved: bool) -> Response:
    """Where Checkout sends the household back: a page in its language saying whether its
    method is saved (the method itself is kept when Stripe's event arrives, not here)."""
    runtime: Runtime = current_app.extensions["runtime"]
    if len(token) > 32:
        abort(404)
    with runtime.sessions() as session:
        language = return_page.household_language(session, token)
    if language is None:
        abort(404)
    return return_page.render(token, language, saved=saved)


def _fetch(runtime: Runtime, event: dict[str, Any]) -> dict[str, str]:
    """What an event needs from Stripe or from our own links, read before its transaction."""
    obj = event["data"]["object"]
    if event["type"] in connect_events.HANDLERS:
        return connect_events.fetch(runtime, event)
    if event["type"] == "checkout.session.completed" and obj.get("setup_intent"):
        intent = client(runtime.settings).v1.setup_intents.retrieve(
            obj["setup_intent"], params={"expand": ["payment_method"]}
        )
        method = intent.payment_method
        if isinstance(method, stripe.PaymentMethod):
            return {"payment_method": method.id, "method_type": method.type}
        return {}
    if event["type"] == "payment_intent.payment_failed":
        return _fix_link(runtime, obj.get("metadata") or {})
    return {}


def _fix_link(runtime: Runtime, metadata: dict[str, Any]) -> dict[str, str]:
    """The household's link to save another card or account, for a failed-charge notice."""
    charge_id = str(metadata.get("charge_id", ""))
    if not charge_id.isdigit():
        return {}

    def link(session: Session) -> dict[str, str]:
        charge = session.get(CollectionCharge, int(charge_id))
        household = session.get(Contributor, charge.household_id) if charge else None
        found = runner.service(runtime).setup_link(session, household) if household else None
        return {"link": found} if found else {}

    return run_in_transaction(runtime.sessions, link)
