"""A payout rail for tests, standing where a vendor (Stripe Connect) will: it keeps what it
was asked per idempotency key, as a real rail does, and can lose its answer (a timeout after
the order arrived) or fail a payout later, as a real one can."""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.payouts_rail.interfaces import (
    PayoutOrder,
    RailAnswer,
    RailMovement,
    RailOutcome,
    RailTimeout,
    RecipientAccount,
)


@dataclass
class FakePayoutRail:
    """Pays every order it gets (SENT), once per key; `lose_next_answer` makes the next
    `start` keep the order and then time out."""

    name: str = "fake"
    orders: dict[str, PayoutOrder] = field(default_factory=dict)
    starts: list[str] = field(default_factory=list)  # every start call's key, repeats too
    lose_next_answer: bool = False

    def start(self, order: PayoutOrder) -> RailAnswer:
        """Take the order (once per key); its answer may be lost on the way back."""
        self.starts.append(order.key)
        self.orders.setdefault(order.key, order)
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise RailTimeout(order.key)
        return self.lookup(order.key)

    def lookup(self, key: str) -> RailAnswer:
        """What the rail holds for that key."""
        if key not in self.orders:
            return RailAnswer(RailOutcome.UNKNOWN)
        return RailAnswer(RailOutcome.SENT, provider_ref=f"po_{key.split(':')[1]}")

    def recipient(self, worker_id: int, method: str | None) -> RecipientAccount:
        """Every worker has an account here."""
        return RecipientAccount(True, f"fake account of worker {worker_id}")

    def account_link(self, session: Session, worker_id: int) -> str | None:
        """Nothing to set up here."""
        return None

    def needs_account(self, session: Session, worker_id: int) -> bool:
        """Nothing to set up here."""
        return False

    def movements(self) -> list[RailMovement]:
        """What it holds: each order it took, sent."""
        return [
            RailMovement(key, order.amount_cents, RailOutcome.SENT, f"po_{key.split(':')[1]}")
            for key, order in self.orders.items()
        ]
