"""The payout rails this fund can use, and the one its settings choose.

`PAYOUT_PROVIDER=manual`: a fund officer pays by cash, check, bank transfer or card and records
how and where with `benefits-bot payouts pay ID --method M --reference R` (or the dashboard's
form). `stripe`: Stripe Connect (`stripe_connect/`), a transfer to her Express account and a
payout to her card or bank account; the fund's rules are the same for both.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from bot.infra.config import Settings
from bot.payouts_rail.interfaces import (
    PayoutOrder,
    PayoutProvider,
    RailAnswer,
    RailMovement,
    RailOutcome,
    RecipientAccount,
)
from bot.payouts_rail.stripe_connect.rail import StripeConnectPayouts

Sessions = Callable[[], AbstractContextManager[Session]]

METHOD_LABELS = {
    "cash": "cash pickup at the fund's office",
    "check": "check",
    "bank": "bank transfer",
    "card": "card",
}


class ManualPayouts:
    """A fund officer pays by hand; nothing leaves until the officer records it."""

    name = "manual"

    def start(self, order: PayoutOrder) -> RailAnswer:
        """Nothing moves by itself: the payout waits for the officer's record."""
        return RailAnswer(RailOutcome.WAITING)

    def lookup(self, key: str) -> RailAnswer:
        """Manual payouts keep no record outside the fund: the officer's record is the answer."""
        return RailAnswer(RailOutcome.WAITING)

    def recipient(self, worker_id: int, method: str | None) -> RecipientAccount:
        """Her chosen method as a label; manual needs no account to be ready."""
        if method is None:
            return RecipientAccount(True, "no method chosen: ask her, or pay by check")
        return RecipientAccount(True, METHOD_LABELS.get(method, method))

    def account_link(self, session: Session, worker_id: int) -> str | None:
        """An officer pays her by hand: there is no account to set up."""
        return None

    def needs_account(self, session: Session, worker_id: int) -> bool:
        """An officer pays her by hand: there is no account to set up."""
        return False

    def movements(self) -> list[RailMovement]:
        """The officer's records are the only record."""
        return []


PROVIDERS = ("manual", "stripe")


def payout_provider(settings: Settings, sessions: Sessions | None = None) -> PayoutProvider:
    """The rail `PAYOUT_PROVIDER` names (settings refuse any other value at start); Stripe
    Connect reads her account from the database, so it needs the sessions."""
    if settings.payout_provider == "manual":
        return ManualPayouts()
    if settings.payout_provider == "stripe" and sessions is not None:
        return StripeConnectPayouts(settings, sessions)
    raise ValueError(f"payout provider {settings.payout_provider!r} needs the database")
