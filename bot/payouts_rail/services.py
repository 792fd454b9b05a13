"""The payout rails this fund can use, and the one its settings choose.

`PAYOUT_PROVIDER=manual` is the only value today: a fund officer pays by cash, check, bank
transfer or card and records how and where with `benefits-bot payouts pay ID --method M
--reference R` (or the dashboard's form). `stripe` (Stripe Connect) comes with the money-in
work's `bot/payments/` and is added here, next to Manual, without changing the fund's rules.
"""

from bot.infra.config import Settings
from bot.payouts_rail.interfaces import (
    PayoutOrder,
    PayoutProvider,
    RailAnswer,
    RailOutcome,
    RecipientAccount,
)

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


PROVIDERS = ("manual",)


def payout_provider(settings: Settings) -> PayoutProvider:
    """The rail `PAYOUT_PROVIDER` names (settings refuse any other value at start)."""
    if settings.payout_provider == "manual":
        return ManualPayouts()
    raise ValueError(f"unknown payout provider {settings.payout_provider!r}")
