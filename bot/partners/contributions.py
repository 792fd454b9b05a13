"""A partner's money into workers' accounts: per job, a one-time bonus, and reading it back.

Each payment is a ledger transfer from the partner's contributor account, keyed by the partner
and its own reference (a contribution) or by the worker (the bonus), so the ledger itself keeps
a job from being paid twice and a second, different bonus from being granted: either raises
`ReferenceReused`, and the caller rolls back. A partner reads back only its own rows of
`partner_contributions`; another partner's are not there for it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.infra.orm import as_utc
from bot.models import (
    Partner,
    PartnerContribution,
    PartnerMoneyKind,
    PartnerWorker,
    Person,
    Worker,
)


@dataclass(frozen=True)
class Payment:
    """What the partner asks to pay one worker."""

    worker_phone: str  # E.164
    amount_cents: int
    reference: str | None


@dataclass(frozen=True)
class Paid:
    """A payment as the partner reads it back."""

    id: int
    kind: PartnerMoneyKind
    worker_phone: str
    amount_cents: int
    reference: str | None
    created_at: datetime


class ReferenceReused(ValueError):
    """The payment at `index` reuses a reference (or asks a second bonus) for something else."""

    def __init__(self, index: int) -> None:
        super().__init__(f"payment {index}: its reference was used for a different payment")
        self.index = index


class NotEnrolled(LookupError):
    """The payment at `index` names a worker this partner has not enrolled."""

    def __init__(self, index: int) -> None:
        super().__init__(f"payment {index}: not a worker this partner enrolled")
        self.index = index


def contribute(
    session: Session, partner: Partner, payments: Sequence[Payment]
) -> tuple[list[Paid], bool]:
    """Record the contributions, all or none; also return whether any of them is new."""
    workers = _workers(session, partner, payments)
    paid, new = [], False
    for index, (payment, worker) in enumerate(zip(payments, workers, strict=True)):

        def move(payment: Payment = payment, worker: Worker = worker) -> ledger.TransferResult:
            return ledger.contribute(
                session,
                key=f"partner:{partner.id}:contribution:{payment.reference}",
                contributor_account_id=partner.contributor.account_id,
                worker_account_id=worker.account_id,
                amount_cents=payment.amount_cents,
                reference=payment.reference,
            )

        row, created = _pay(session, partner, worker, payment, move, index=index)
        paid.append(_paid(row, payment.worker_phone))
        new = new or created
    return paid, new


def grant_bonus(session: Session, partner: Partner, payment: Payment) -> tuple[Paid, bool]:
    """Grant the worker's one-time jump-start bonus; also return whether it is new."""
    (worker,) = _workers(session, partner, [payment])

    def move() -> ledger.TransferResult:
        # Keyed by the worker alone: a second bonus, of any other amount, is a conflict.
        return ledger.grant_bonus(
            session,
            key=f"partner:{partner.id}:bonus:{worker.id}",
            partner_account_id=partner.contributor.account_id,
            worker_account_id=worker.account_id,
            amount_cents=payment.amount_cents,
            reference=payment.reference,
        )

    row, created = _pay(session, partner, worker, payment, move, bonus=True)
    return _paid(row, payment.worker_phone), created


def paid_list(
    session: Session,
    partner: Partner,
    *,
    worker_phone: str | None = None,
    reference: str | None = None,
    after: int | None = None,
    limit: int = 50,
) -> tuple[list[Paid], int | None]:
    """A page of the partner's payments, oldest first, and the id to continue after."""
    query = (
        select(PartnerContribution, Person.phone)
        .join(Worker, Worker.id == PartnerContribution.worker_id)
        .join(Person, Person.id == Worker.person_id)
        .where(PartnerContribution.partner_id == partner.id)
        .order_by(PartnerContribution.id)
        .limit(limit + 1)
    )
    if worker_phone is not None:
        query = query.where(Person.phone == worker_phone)
    if reference is not None:
        query = query.where(PartnerContribution.reference == reference)
    if after is not None:
        query = query.where(PartnerContribution.id > after)
    rows = [_paid(row, phone) for row, phone in session.execute(query)]
    more = len(rows) > limit
    return rows[:limit], rows[limit - 1].id if more else None


def paid_one(session: Session, partner: Partner, payment_id: int) -> Paid | None:
    """One of the partner's payments; None for another partner's or for no payment at all."""
    found = session.execute(
        select(PartnerContribution, Person.phone)
        .join(Worker, Worker.id == PartnerContribution.worker_id)
        .join(Person, Person.id == Worker.person_id)
        .where(PartnerContribution.id == payment_id, PartnerContribution.partner_id == partner.id)
    ).one_or_none()
    return None if found is None else _paid(found[0], found[1])


def _workers(session: Session, partner: Partner, payments: Sequence[Payment]) -> list[Worker]:
    """The workers paid, each one this partner enrolled; checked before any money moves."""
    phones = {payment.worker_phone for payment in payments}
    rows = session.execute(
        select(Person.phone, Worker)
        .join(Worker, Worker.person_id == Person.id)
        .join(PartnerWorker, PartnerWorker.worker_id == Worker.id)
        .where(Person.phone.in_(phones), PartnerWorker.partner_id == partner.id)
    ).all()
    enrolled = {phone: worker for phone, worker in rows}
    for index, payment in enumerate(payments):
        if payment.worker_phone not in enrolled:
            raise NotEnrolled(index)
    return [enrolled[payment.worker_phone] for payment in payments]


def _pay(
    session: Session,
    partner: Partner,
    worker: Worker,
    payment: Payment,
    move: Callable[[], ledger.TransferResult],
    *,
    index: int = 0,
    bonus: bool = False,
) -> tuple[PartnerContribution, bool]:
    """Move the money once per key; a repeat of the same payment finds the first one."""
    try:
        result = move()
    except ledger.IdempotencyConflict as conflict:
        raise ReferenceReused(index) from conflict
    if result.replayed:
        earlier = session.scalar(
            select(PartnerContribution).where(PartnerContribution.transfer_id == result.transfer_id)
        )
        if earlier is not None:
            return earlier, False
    row = PartnerContribution(
        partner_id=partner.id,
        worker_id=worker.id,
        kind=PartnerMoneyKind.BONUS if bonus else PartnerMoneyKind.CONTRIBUTION,
        amount_cents=payment.amount_cents,
        reference=payment.reference,
        transfer_id=result.transfer_id,
    )
    session.add(row)
    session.flush()
    return row, True


def _paid(row: PartnerContribution, phone: str) -> Paid:
    return Paid(
        id=row.id,
        kind=PartnerMoneyKind(row.kind),
        worker_phone=phone,
        amount_cents=row.amount_cents,
        reference=row.reference,
        created_at=as_utc(row.created_at),
    )
