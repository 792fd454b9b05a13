"""What Stripe's Transfers and Payouts mean for a day off's payout."""

from typing import Any

from bot.payouts_rail.interfaces import RailAnswer, RailMovement, RailOutcome


def answer_of(payout: dict[str, Any]) -> RailAnswer:
    """What a Payout's status means for the day off."""
    method = "card" if payout.get("type") == "card" else "bank"
    status = payout.get("status")
    if status == "paid":
        return RailAnswer(RailOutcome.PAID, payout["id"], method=method)
    if status in ("failed", "canceled"):
        failure = str(payout.get("failure_code") or status)
        return RailAnswer(RailOutcome.FAILED, payout["id"], failure, method=method)
    return RailAnswer(RailOutcome.SENT, payout["id"], method=method)


def movement(transfer: dict[str, Any], payout: dict[str, Any] | None) -> RailMovement:
    """A Transfer and its Payout as one movement for reconciliation."""
    outcome = answer_of(payout).outcome if payout else RailOutcome.SENT
    if is_reversed(transfer):
        outcome = RailOutcome.FAILED
    return RailMovement(
        key=str(transfer["transfer_group"]),
        amount_cents=int(transfer["amount"]),
        outcome=outcome,
        reference=str(transfer["id"]),
        returned_cents=int(transfer.get("amount_reversed") or 0),
    )


def is_reversed(transfer: dict[str, Any]) -> bool:
    """Whether the whole transfer came back to the fund."""
    return bool(transfer.get("reversed")) or int(transfer.get("amount_reversed") or 0) >= int(
        transfer["amount"]
    )
