"""Staff approving a day off's payout (`PAYOUT_APPROVAL=staff`): who approved it and when.

An approval stands until the rail has the payout: a day off approved while she has no payout
account ready is sent by the hourly payout run once she has one, without a second click."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.fund import payouts
from bot.infra.orm import as_utc, utcnow
from bot.models import PayoutApproval, PayoutRecord, Worker


@dataclass(frozen=True)
class Approval:
    """Who approved sending a day off, and when."""

    staff_email: str
    approved_at: datetime


def approve(session: Session, transfer_id: int, staff_email: str) -> bool:
    """Record that this staff member approved sending it (False: it was approved before, and
    the first approval stands). Refuses a day off not reserved (LedgerError) or whose payouts
    are on hold (PayoutRefused)."""
    _reservation, worker = payouts.reservation_of(session, transfer_id)
    held = worker.payouts_held_until
    if held is not None and as_utc(held) > utcnow():
        raise payouts.PayoutRefused(
            f"her payouts are on hold until {as_utc(held):%Y-%m-%d %H:%M} UTC"
        )
    if session.get(PayoutApproval, transfer_id, with_for_update=True) is not None:
        return False
    session.add(PayoutApproval(transfer_id=transfer_id, staff_email=staff_email[:254]))
    session.flush()  # a second click at the same moment fails here and is retried
    return True


def approved(session: Session) -> list[int]:
    """Approved days off the rail does not have yet, not on hold, soonest first."""
    held = set(session.scalars(select(Worker.id).where(Worker.payouts_held_until > utcnow())))
    started = set(session.scalars(select(PayoutRecord.transfer_id)))
    chosen = set(session.scalars(select(PayoutApproval.transfer_id)))
    return [
        payout.transfer_id
        for payout in payouts.waiting(session)
        if payout.transfer_id in chosen
        and payout.worker_id not in held
        and payout.transfer_id not in started
    ]


def approvals(session: Session, transfer_ids: list[int]) -> dict[int, Approval]:
    """Who approved each of these days off, for staff to read."""
    if not transfer_ids:
        return {}
    rows = session.scalars(
        select(PayoutApproval).where(PayoutApproval.transfer_id.in_(transfer_ids))
    )
    return {row.transfer_id: Approval(row.staff_email, row.approved_at) for row in rows}
