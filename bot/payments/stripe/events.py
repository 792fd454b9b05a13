"""What each Stripe event changes, applied once per event id, in any order.

An event carries its object as it was when the event happened; Stripe may send an event
twice, late, or before the one that came first. Each handler therefore asks what is true
now (is the charge already settled? is this the attempt we are on?) before changing
anything, and money moves under ledger idempotency keys named by Stripe's own ids.
"""

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.config import Settings
from bot.models import Contributor
from bot.payments import collections
from bot.payments.models import ChargeStatus, CollectionCharge
from bot.payments.stripe import connect_events
from bot.payments.stripe.models import StripeCustomer, StripeEvent

log = logging.getLogger(__name__)
# (session, settings, the event's object, what the webhook fetched from Stripe before the
# transaction began: a link to fix a payment, a saved payment method)
Handler = Callable[[Session, Settings, dict[str, Any], dict[str, str]], list[int]]


def apply(
    session: Session, settings: Settings, event: dict[str, Any], fetched: dict[str, str]
) -> list[int] | None:
    """Apply the event once; None if it was applied before. Answers outbox ids to hand over."""
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return []
    if session.get(StripeEvent, event["id"], with_for_update=True) is not None:
        return None
    obj = event["data"]["object"]
    session.add(StripeEvent(id=event["id"], type=event["type"], object_id=obj.get("id")))
    session.flush()  # a second delivery racing this one fails here, before any money moves
    return handler(session, settings, obj, fetched)


def charge_of(session: Session, metadata: dict[str, Any] | None) -> CollectionCharge | None:
    """The charge a PaymentIntent (or its Stripe charge) was made for, locked."""
    charge_id = str((metadata or {}).get("charge_id", ""))
    if not charge_id.isdigit():
        return None
    return session.get(CollectionCharge, int(charge_id), with_for_update=True)


def _succeeded(
    session: Session, settings: Settings, intent: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    charge = charge_of(session, intent.get("metadata"))
    if charge is None:
        log.warning("payment_intent.succeeded for no charge of ours: %s", intent.get("id"))
        return []
    charge.reference = intent["id"]
    return list(collections.charge_succeeded(session, charge, intent["id"]).outbox_ids)


def _failed(
    session: Session, settings: Settings, intent: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    charge = charge_of(session, intent.get("metadata"))
    attempt = str((intent.get("metadata") or {}).get("attempt", ""))
    if charge is None or not attempt.isdigit():
        return []
    if charge.status != ChargeStatus.PROCESSING or charge.attempts != int(attempt):
        return []  # an old attempt's news, or the decline was already answered at once
    error = intent.get("last_payment_error") or {}
    charge.reference = intent["id"]
    code = str(error.get("decline_code") or error.get("code") or "declined")
    link = fetched.get("link")
    return list(collections.charge_failed(session, settings, charge, code, link))


def _refunded(
    session: Session, settings: Settings, stripe_charge: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    charge = charge_of(session, stripe_charge.get("metadata"))
    if charge is None:
        return []
    ids: list[int] = []
    if charge.status != ChargeStatus.SUCCEEDED and stripe_charge.get("paid"):
        # The refund's news came first: the payment it refunds happened all the same.
        intent = str(stripe_charge.get("payment_intent") or stripe_charge["id"])
        charge.reference = intent
        ids += collections.charge_succeeded(session, charge, intent).outbox_ids
    household = session.get_one(Contributor, charge.household_id)
    for refund in (stripe_charge.get("refunds") or {}).get("data", []):
        if refund.get("status") in ("succeeded", "pending"):
            collections.record_return(
                session, household, refund["amount"], refund["id"], f"refund:stripe:{refund['id']}"
            )
    return ids


def _dispute(
    session: Session, settings: Settings, dispute: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    charge = session.scalar(
        select(CollectionCharge)
        .where(
            CollectionCharge.reference.in_([dispute.get("charge"), dispute.get("payment_intent")])
        )
        .with_for_update()
    )
    if charge is None:
        return []
    household = session.get_one(Contributor, charge.household_id)
    collections.record_return(
        session, household, dispute["amount"], dispute["id"], f"dispute:stripe:{dispute['id']}"
    )
    return []


def _method_saved(
    session: Session, settings: Settings, checkout: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    """Checkout in setup mode finished: keep the method the webhook fetched from its
    SetupIntent, and try a declined charge again with it now."""
    if checkout.get("mode") != "setup" or "payment_method" not in fetched:
        return []
    customer = session.scalar(
        select(StripeCustomer)
        .where(StripeCustomer.customer_id == checkout.get("customer"))
        .with_for_update()
    )
    if customer is None:
        log.warning("checkout.session.completed for a customer not ours")
        return []
    customer.payment_method_id = fetched["payment_method"]
    customer.method_type = fetched["method_type"]
    collections.retry_now(session, customer.household_id)
    return []


HANDLERS: dict[str, Handler] = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "charge.refunded": _refunded,
    "charge.dispute.created": _dispute,
    "checkout.session.completed": _method_saved,
    **connect_events.HANDLERS,  # money out: her Connect account and her payouts
}
