"""Paying reserved days off. With the manual rail (`bot/payouts_rail/`) a fund officer pays the
worker (cash, check, bank transfer, card) and records how and where with `benefits-bot payouts
pay ID --method M --reference R`; each payout's record (`PayoutRecord`) keeps both for staff
and for `payouts reconcile`."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.fund import days_off
from bot.infra.orm import as_utc, utcnow
from bot.ledger import Rejection
from bot.models import PAYOUT_METHODS, PayoutRecord, PayoutStatus, Person, Worker
from bot.texting.notices import write_notice
from conversations import messages as m
from conversations.talk import Money, Notice, Say


@dataclass(frozen=True)
class Payout:
    """A day off waiting to be paid."""

    transfer_id: int
    worker_id: int
    worker_person_id: int
    phone: str
    name: str | None
    day: date
    amount_cents: int
    half: bool
    reserved_at: datetime


@dataclass(frozen=True)
class Settled:
    """What became of a pay or void request, and the outbox rows to hand over."""

    done: bool  # False: it was already paid or voided (the first answer stands)
    already: Rejection | None
    outbox_ids: tuple[int, ...]


def waiting(session: Session) -> list[Payout]:
    """Every reserved day off not yet paid or voided, soonest day first (one query)."""
    rows = session.execute(
        select(ledger.Transfer, Worker, Person)
        .join(Worker, Worker.account_id == ledger.Transfer.debit_account_id)
        .join(Person, Person.id == Worker.person_id)
        .where(days_off.unsettled())
    ).all()
    payouts = [
        Payout(
            transfer_id=transfer.id,
            worker_id=worker.id,
            worker_person_id=person.id,
            phone=person.phone,
            name=person.name,
            day=date.fromisoformat(transfer.memo["day"]),
            amount_cents=transfer.amount,
            half=transfer.memo.get("portion") == "half",
            reserved_at=transfer.created_at,
        )
        for transfer, worker, person in rows
    ]
    return sorted(payouts, key=lambda p: (p.day, p.transfer_id))


@dataclass(frozen=True)
class HowPaid:
    """How and where a fund officer paid a day off, and who recorded it."""

    method: str  # one of PAYOUT_METHODS
    reference: str  # check number, receipt, bank confirmation
    recorded_by: str  # a staff email, or "cli"

    def __post_init__(self) -> None:
        if self.method not in PAYOUT_METHODS:
            raise ValueError(f"method must be one of {', '.join(PAYOUT_METHODS)}")
        if not self.reference.strip() or len(self.reference) > MAX_REFERENCE:
            raise ValueError(f"reference must be 1 to {MAX_REFERENCE} characters")


MAX_REFERENCE = 80


def pay(session: Session, transfer_id: int, how: HowPaid) -> Settled:
    """Record how it was paid, post the reserved day off and tell the worker (once, however
    often run: a second run finds the first one's result and changes nothing)."""
    reservation, person, worker = _reservation(session, transfer_id)
    if (settled := _settled_before(session, transfer_id)) is not None:
        return settled
    _refuse_in_flight(session, transfer_id, how.recorded_by)
    held = worker.payouts_held_until
    # Money a rail already sent lands whatever happened since; a hold stops new payouts.
    if how.recorded_by != "rail" and held is not None and as_utc(held) > utcnow():
        raise PayoutRefused(f"her payouts are on hold until {as_utc(held):%Y-%m-%d %H:%M} UTC")
    result = ledger.pay_day_off(
        session, key=f"payout:{transfer_id}", pending_transfer_id=transfer_id
    )
    if result.replayed or not result.applied:
        return Settled(False, result.rejection, ())
    _record_paid(session, reservation, worker, how)
    balance = ledger.balance(session, worker.account_id)
    day = date.fromisoformat(reservation.memo["day"])
    say = Say(
        m.HALF_DAY_PAID if reservation.memo.get("portion") == "half" else m.DAY_OFF_PAID,
        {"date": day, "amount": Money(reservation.amount), "balance": Money(balance.posted_cents)},
    )
    row = write_notice(session, Notice(person.id, "day_off_paid", (say,)))
    session.flush()
    return Settled(True, None, (row.id,))


def _record_paid(
    session: Session, reservation: ledger.Transfer, worker: Worker, how: HowPaid
) -> None:
    record = session.scalar(
        select(PayoutRecord).where(PayoutRecord.transfer_id == reservation.id)
    ) or PayoutRecord(
        transfer_id=reservation.id,
        worker_id=worker.id,
        amount_cents=reservation.amount,
        provider="manual",
    )
    record.status = PayoutStatus.PAID
    record.method, record.reference = how.method, how.reference.strip()
    record.paid_by, record.settled_at = how.recorded_by[:254], utcnow()
    session.add(record)


def void(session: Session, transfer_id: int, reason: str, by_rail: bool = False) -> Settled:
    """Cancel the reserved day off: the money is hers again, and she is told."""
    reservation, person, _worker = _reservation(session, transfer_id)
    if (settled := _settled_before(session, transfer_id)) is not None:
        return settled  # whatever the reason given this time (the first answer stands)
    if not by_rail:
        _refuse_in_flight(session, transfer_id, "staff")
    result = ledger.void_day_off(
        session,
        key=f"payout-void:{transfer_id}",
        pending_transfer_id=transfer_id,
        reason=reason[:200],
    )
    if result.replayed or not result.applied:
        return Settled(False, result.rejection, ())
    say = Say(
        m.HALF_DAY_VOIDED if reservation.memo.get("portion") == "half" else m.DAY_OFF_VOIDED,
        {"date": date.fromisoformat(reservation.memo["day"]), "amount": Money(reservation.amount)},
    )
    row = write_notice(session, Notice(person.id, "day_off_voided", (say,)))
    session.flush()
    return Settled(True, None, (row.id,))


def _settled_before(session: Session, transfer_id: int) -> Settled | None:
    """Already paid or voided: nothing changes, and the answer says which."""
    phase = days_off.resolution(session, transfer_id)
    if phase == ledger.Phase.POST_PENDING:
        return Settled(False, Rejection.PENDING_ALREADY_POSTED, ())
    if phase == ledger.Phase.VOID_PENDING:
        return Settled(False, Rejection.PENDING_ALREADY_VOIDED, ())
    return None


class PayoutRefused(Exception):
    """A person may not pay or void this day off now: a rail is paying it, or her payouts
    are on hold after a change of payout method or phone number."""


def _refuse_in_flight(session: Session, transfer_id: int, recorded_by: str) -> None:
    """A payout a rail is sending is settled by the rail's answer, never by hand (it would
    pay her twice, or give back money that already left)."""
    status = session.scalar(
        select(PayoutRecord.status).where(PayoutRecord.transfer_id == transfer_id)
    )
    if recorded_by != "rail" and status in (PayoutStatus.SENDING, PayoutStatus.SENT):
        raise PayoutRefused(f"day off #{transfer_id} is {status} through the payout rail")


def reservation_of(session: Session, transfer_id: int) -> tuple[ledger.Transfer, Worker]:
    """The reserved day off (still pending in the ledger's own row) and its worker."""
    transfer, _person, worker = _reservation(session, transfer_id)
    return transfer, worker


def _reservation(session: Session, transfer_id: int) -> tuple[ledger.Transfer, Person, Worker]:
    transfer = session.get(ledger.Transfer, transfer_id)
    if (
        transfer is None
        or transfer.kind != ledger.TransferKind.DAY_OFF
        or transfer.phase != ledger.Phase.PENDING
    ):
        raise ledger.UnknownTransfer(f"no reserved day off {transfer_id}")
    worker = session.scalar(select(Worker).where(Worker.account_id == transfer.debit_account_id))
    if worker is None:
        raise ledger.UnknownTransfer(f"reserved day off {transfer_id} has no worker")
    return transfer, worker.person, worker
