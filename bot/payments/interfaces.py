"""The one thing the fund's rules need from a payment provider: collecting households' money.

The rules (`bot.payments.collections`) ask for "the collections service" and never name a
vendor: `bot.payments.services.create_service` picks one from the settings.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session

from bot.models import Contributor
from bot.payments.models import CollectionCharge


class Attempt(StrEnum):
    """What the provider answered at once when asked to charge."""

    PROCESSING = "processing"  # accepted: its outcome comes later (a card soon, a bank in days)
    DECLINED = "declined"  # refused at once (a declined card, no method saved)


@dataclass(frozen=True)
class ChargeAnswer:
    """The provider's first answer to a charge."""

    attempt: Attempt
    reference: str | None = None  # the provider's id for it (a PaymentIntent)
    failure_code: str | None = None


@dataclass(frozen=True)
class ProviderLine:
    """One movement of money the provider reports, for reconciliation."""

    reference: str  # what the ledger knows it by (a PaymentIntent, a refund, a dispute)
    kind: str  # payment, refund, payout, fee
    amount_cents: int  # into the fund's provider balance (negative: out of it)
    fee_cents: int
    created: datetime


class ProviderUnavailable(RuntimeError):
    """The provider could not be asked (down, unreachable, refused our key); nothing changed."""


class CollectionsService(Protocol):
    """A way to collect what households pledged."""

    name: str

    def charges_automatically(self) -> bool:
        """Whether it charges saved methods (Stripe) or staff record money received (manual)."""
        ...

    def can_charge(self, session: Session, household: Contributor) -> bool:
        """Whether the household saved a way to pay that can be charged now."""
        ...

    def method_type(self, session: Session, household: Contributor) -> str | None:
        """card, us_bank_account, or None: what the household pays with."""
        ...

    def setup_link(self, session: Session, household: Contributor) -> str | None:
        """A link where the household saves a way to pay, or None if this provider has none."""
        ...

    def charge(self, session: Session, charge: CollectionCharge) -> ChargeAnswer:
        """Ask for the charge's money (off-session, once per charge attempt)."""
        ...

    def movements(self, since: datetime) -> list[ProviderLine]:
        """Money the provider moved since then, newest last; `ProviderUnavailable` if it
        cannot be asked now."""
        ...
