"""The collections services side by side, and the one factory that picks one from settings."""

from datetime import datetime
from secrets import token_urlsafe

import stripe
from sqlalchemy.orm import Session

from bot.infra.config import Settings
from bot.infra.orm import utcnow
from bot.infra.stripe_client import client
from bot.models import Contributor
from bot.payments.interfaces import (
    Attempt,
    ChargeAnswer,
    CollectionsService,
    ProviderLine,
    ProviderUnavailable,
)
from bot.payments.models import CollectionCharge
from bot.payments.stripe.models import StripeCustomer

METHOD_TYPES = ["card", "us_bank_account"]  # a bank account (ACH) keeps fees low


class ManualCollections:
    """Cash, checks and bank transfers the fund receives itself: staff record each payment."""

    name = "manual"

    def charges_automatically(self) -> bool:
        return False

    def can_charge(self, session: Session, household: Contributor) -> bool:
        return False

    def method_type(self, session: Session, household: Contributor) -> str | None:
        return None

    def setup_link(self, session: Session, household: Contributor) -> str | None:
        return None

    def charge(self, session: Session, charge: CollectionCharge) -> ChargeAnswer:
        return ChargeAnswer(Attempt.DECLINED, failure_code="manual_provider")

    def movements(self, since: datetime) -> list[ProviderLine]:
        return []


class StripeCollections:
    """Stripe: a household saves a card or bank account once (Checkout, setup mode), and its
    confirmed contributions are charged off-session in batches."""

    name = "stripe"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stripe = client(settings)

    def charges_automatically(self) -> bool:
        return True

    def can_charge(self, session: Session, household: Contributor) -> bool:
        customer = session.get(StripeCustomer, household.id)
        return customer is not None and customer.payment_method_id is not None

    def method_type(self, session: Session, household: Contributor) -> str | None:
        customer = session.get(StripeCustomer, household.id)
        return customer.method_type if customer else None

    def setup_link(self, session: Session, household: Contributor) -> str | None:
        customer = session.get(StripeCustomer, household.id)
        if customer is None:
            customer = StripeCustomer(household_id=household.id, link_token=token_urlsafe(16))
            session.add(customer)
        customer.link_sent_at = utcnow()
        base = self.settings.public_base_url or "http://localhost:8000"
        return f"{base}/pay/{customer.link_token}"

    def checkout_url(self, session: Session, customer: StripeCustomer) -> str:
        """A new Checkout session (setup mode) for the household behind a texted link."""
        if customer.customer_id is None:
            created = self.stripe.v1.customers.create(
                params={"metadata": {"household_id": str(customer.household_id)}},
                options={"idempotency_key": f"customer:{customer.household_id}"},
            )
            customer.customer_id = created.id
        base = self.settings.public_base_url or "http://localhost:8000"
        checkout = self.stripe.v1.checkout.sessions.create(
            params={
                "mode": "setup",
                "currency": self.settings.currency.lower(),
                "customer": customer.customer_id,
                "payment_method_types": METHOD_TYPES,
                "success_url": f"{base}/pay/{customer.link_token}/saved",
                "cancel_url": f"{base}/pay/{customer.link_token}/cancelled",
                "metadata": {"household_id": str(customer.household_id)},
            }
        )
        if not checkout.url:
            raise RuntimeError("Stripe answered a Checkout session without a URL")
        return checkout.url

    def charge(self, session: Session, charge: CollectionCharge) -> ChargeAnswer:
        customer = session.get(StripeCustomer, charge.household_id)
        if customer is None or customer.payment_method_id is None:
            return ChargeAnswer(Attempt.DECLINED, failure_code="no_payment_method")
        try:
            intent = self.stripe.v1.payment_intents.create(
                params={
                    "amount": charge.amount_cents + charge.fee_cents,
                    "currency": self.settings.currency.lower(),
                    "customer": customer.customer_id,
                    "payment_method": customer.payment_method_id,
                    "payment_method_types": [customer.method_type or "card"],
                    "off_session": True,
                    "confirm": True,
                    "metadata": {"charge_id": str(charge.id), "attempt": str(charge.attempts)},
                },
                options={"idempotency_key": charge.idempotency_key()},
            )
        except stripe.CardError as error:
            declined = error.error.payment_intent if error.error else None
            return ChargeAnswer(
                Attempt.DECLINED,
                reference=declined.id if declined else None,
                failure_code=error.code or "card_declined",
            )
        return ChargeAnswer(Attempt.PROCESSING, reference=intent.id)

    def movements(self, since: datetime) -> list[ProviderLine]:
        try:
            return sorted(self._movements(since), key=lambda line: line.created)
        except stripe.StripeError as error:
            raise ProviderUnavailable(f"Stripe: {type(error).__name__}") from error

    def _movements(self, since: datetime) -> list[ProviderLine]:
        listing = self.stripe.v1.balance_transactions.list(
            params={
                "created": {"gte": int(since.timestamp())},
                "limit": 100,
                "expand": ["data.source"],
            }
        )
        return [
            ProviderLine(
                reference=_source_reference(entry),
                kind=entry.type,
                amount_cents=entry.amount,
                fee_cents=entry.fee,
                created=datetime.fromtimestamp(entry.created).astimezone(),
            )
            for entry in listing.auto_paging_iter()
        ]


def _source_reference(entry: stripe.BalanceTransaction) -> str:
    """The PaymentIntent, refund, dispute or payout a balance transaction is about."""
    source = entry.source
    if isinstance(source, str):
        return source
    # A charge is known by its PaymentIntent, as the ledger records it.
    return str(getattr(source, "payment_intent", None) or getattr(source, "id", None) or entry.id)


def create_service(settings: Settings) -> CollectionsService:
    """The collections service the settings choose: Stripe with a secret key, else manual."""
    if settings.stripe_secret_key:
        return StripeCollections(settings)
    return ManualCollections()
