"""Days off as the ledger holds them: pending reservations not yet paid or voided."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session, aliased

from bot.ledger import Phase, Transfer, TransferKind


@dataclass(frozen=True)
class Reservation:
    """A day off reserved and waiting to be paid."""

    transfer_id: int
    day: date
    amount_cents: int
    half: bool


def unsettled() -> ColumnElement[bool]:
    """Day-off reservations neither paid nor voided (a condition on Transfer)."""
    resolution = aliased(Transfer)
    return and_(
        Transfer.kind == TransferKind.DAY_OFF,
        Transfer.phase == Phase.PENDING,
        ~exists().where(resolution.pending_id == Transfer.id),
    )


def waiting(session: Session, worker_account_id: int) -> list[Reservation]:
    """The worker's reservations that are neither paid nor voided, soonest day first."""
    rows = session.scalars(
        select(Transfer).where(Transfer.debit_account_id == worker_account_id, unsettled())
    ).all()
    reservations = [
        Reservation(
            transfer_id=row.id,
            day=date.fromisoformat(row.memo["day"]),
            amount_cents=row.amount,
            half=row.memo.get("portion") == "half",
        )
        for row in rows
    ]
    return sorted(reservations, key=lambda r: (r.day, r.transfer_id))


def claimed(session: Session, worker_account_id: int, day: date) -> bool:
    """Whether a day off for that day is waiting or was paid (a called-back one is free)."""
    if any(r.day == day for r in waiting(session, worker_account_id)):
        return True
    paid = session.scalars(
        select(Transfer.memo).where(
            Transfer.debit_account_id == worker_account_id,
            Transfer.kind == TransferKind.DAY_OFF,
            Transfer.phase == Phase.POST_PENDING,
        )
    )
    return any(memo.get("day") == day.isoformat() for memo in paid)


def resolution(session: Session, transfer_id: int) -> Phase | None:
    """How a reserved day off was settled (paid: POST_PENDING, voided: VOID_PENDING), or None."""
    return session.scalar(select(Transfer.phase).where(Transfer.pending_id == transfer_id))
