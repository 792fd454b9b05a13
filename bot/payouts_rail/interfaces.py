"""What the fund's payout rules need from a rail, and nothing of any vendor.

The fund calls `start` once per day off, after it has written the payout as "sending"; when
that call's answer is lost (a timeout, a crash), it calls `lookup` with the same key before
anything else, so a rail that already paid is never asked to pay again. A rail that pays into
an account of hers (Stripe Connect) answers WAITING with `needs_account` until she has set it
up, and gives the fund the link where she does (`account_link`); `movements` lists what the
rail itself holds, for reconciliation.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session


class RailOutcome(StrEnum):
    """What the rail says happened to a payout."""

    WAITING = "waiting"  # nothing moved yet: a person pays by hand and records it
    SENT = "sent"  # the money left; it lands later (an event says paid or failed)
    PAID = "paid"  # it landed
    FAILED = "failed"  # it will not land; the fund gives the money back to her balance
    UNKNOWN = "unknown"  # the rail has no record of this key (it never arrived)


@dataclass(frozen=True)
class PayoutOrder:
    """One day off to pay: the key is the rail's idempotency key (the same on every retry)."""

    key: str
    worker_id: int
    amount_cents: int
    currency: str
    method: str | None  # her chosen method, as a label the rail may use


@dataclass(frozen=True)
class RailAnswer:
    """The rail's answer to `start` or `lookup`."""

    outcome: RailOutcome
    provider_ref: str | None = None
    failure: str | None = None
    method: str | None = None  # how it reached her (card, bank), when the rail says
    needs_account: bool = False  # WAITING because she has no payout account ready yet


@dataclass(frozen=True)
class RailMovement:
    """One payout as the rail itself holds it, for reconciliation with the ledger."""

    key: str  # the idempotency key it was sent with (payout:<day off id>)
    amount_cents: int
    outcome: RailOutcome  # SENT, PAID or FAILED
    reference: str  # the rail's own id for the money that left the fund
    returned_cents: int = 0  # what came back to the fund after it failed


@dataclass(frozen=True)
class RecipientAccount:
    """How the rail would reach her, said for staff (never a full account number)."""

    ready: bool
    summary: str


class RailTimeout(Exception):
    """The rail did not answer in time: whether it paid is unknown until `lookup` says."""


class PayoutProvider(Protocol):
    """A payout rail."""

    name: str

    def start(self, order: PayoutOrder) -> RailAnswer:
        """Ask the rail to pay this order (idempotent on order.key); may raise RailTimeout."""
        ...

    def lookup(self, key: str) -> RailAnswer:
        """What became of the order sent with this key (UNKNOWN: it never arrived)."""
        ...

    def recipient(self, worker_id: int, method: str | None) -> RecipientAccount:
        """How this worker would be paid, for staff to read."""
        ...

    def account_link(self, session: Session, worker_id: int) -> str | None:
        """The short link where she sets up the account this rail pays into (None: the rail
        needs none). Written in the caller's transaction; texting it is the caller's."""
        ...

    def needs_account(self, session: Session, worker_id: int) -> bool:
        """Whether she has yet to set up (or finish) the account this rail pays into, read in
        the caller's transaction (False: ready, or the rail needs none)."""
        ...

    def movements(self) -> list[RailMovement]:
        """Every payout the rail holds, for `payouts reconcile` (a manual rail holds none)."""
        ...
