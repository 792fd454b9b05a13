"""Payouts as recorded (how and where each was paid) and their reconciliation with the ledger.

`reconcile` lists every difference between the payout records, what the rail says of them,
what the rail itself holds (a rail that moves money lists its transfers and payouts), and the
ledger's paid and voided days off: staff read it on the dashboard and with `benefits-bot
payouts reconcile`; an empty list means they agree.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot import ledger
from bot.models import PayoutApproval, PayoutRecord, PayoutStatus, Person, Worker
from bot.payouts_rail.interfaces import PayoutProvider, RailMovement, RailOutcome, RailTimeout


@dataclass(frozen=True)
class Recorded:
    """A payout with a record: its status, and how and where it was paid."""

    payout_id: int
    transfer_id: int
    phone: str
    name: str | None
    day: date
    amount_cents: int
    provider: str
    status: str
    method: str | None
    reference: str | None
    paid_by: str | None
    settled_at: datetime | None
    approved_by: str | None = None  # the staff member who approved sending it (staff mode)
    half: bool = False  # a half day off


@dataclass(frozen=True)
class Difference:
    """One thing the records, the rail and the ledger disagree on, for a day off."""

    transfer_id: int
    problem: str  # a short code: posted_without_record, paid_without_method...
    detail: str


def recorded(session: Session, limit: int = 200) -> list[Recorded]:
    """The latest payout records, newest first, with the worker they paid."""
    rows = session.execute(
        select(PayoutRecord, ledger.Transfer, Person, PayoutApproval.staff_email)
        .join(ledger.Transfer, ledger.Transfer.id == PayoutRecord.transfer_id)
        .join(Worker, Worker.id == PayoutRecord.worker_id)
        .join(Person, Person.id == Worker.person_id)
        .outerjoin(PayoutApproval, PayoutApproval.transfer_id == PayoutRecord.transfer_id)
        .order_by(PayoutRecord.id.desc())
        .limit(limit)
    ).all()
    return [
        Recorded(
            payout_id=record.id,
            transfer_id=record.transfer_id,
            phone=person.phone,
            name=person.name,
            day=date.fromisoformat(transfer.memo["day"]),
            amount_cents=record.amount_cents,
            provider=record.provider,
            status=record.status,
            method=record.method,
            reference=record.reference,
            paid_by=record.paid_by,
            settled_at=record.settled_at,
            approved_by=approved_by,
            half=transfer.memo.get("portion") == "half",
        )
        for record, transfer, person, approved_by in rows
    ]


@dataclass(frozen=True)
class Voided:
    """A day off voided by staff (it has no payout record: nothing was sent), and why."""

    transfer_id: int
    phone: str
    name: str | None
    day: date
    amount_cents: int
    half: bool
    reason: str | None
    voided_at: datetime


def voided(session: Session, limit: int = 200) -> list[Voided]:
    """The latest days off voided without a payout record, newest first (a payout the rail
    failed is voided too; it shows as its record, failed)."""
    void = aliased(ledger.Transfer)
    rows = session.execute(
        select(ledger.Transfer, void, Person)
        .join(void, void.pending_id == ledger.Transfer.id)
        .join(Worker, Worker.account_id == ledger.Transfer.debit_account_id)
        .join(Person, Person.id == Worker.person_id)
        .outerjoin(PayoutRecord, PayoutRecord.transfer_id == ledger.Transfer.id)
        .where(ledger.Transfer.kind == ledger.TransferKind.DAY_OFF)
        .where(void.phase == ledger.Phase.VOID_PENDING, PayoutRecord.id.is_(None))
        .order_by(void.id.desc())
        .limit(limit)
    ).all()
    return [
        Voided(
            transfer_id=reservation.id,
            phone=person.phone,
            name=person.name,
            day=date.fromisoformat(reservation.memo["day"]),
            amount_cents=reservation.amount,
            half=reservation.memo.get("portion") == "half",
            reason=resolution.memo.get("reason"),
            voided_at=resolution.created_at,
        )
        for reservation, resolution, person in rows
    ]


def in_flight(session: Session) -> dict[int, PayoutStatus]:
    """Days off a rail is paying (sending, or sent and not landed yet): by hand, nothing."""
    rows = session.execute(
        select(PayoutRecord.transfer_id, PayoutRecord.status).where(
            PayoutRecord.status.in_([PayoutStatus.SENDING, PayoutStatus.SENT])
        )
    )
    return {transfer_id: PayoutStatus(status) for transfer_id, status in rows}


def reconcile(session: Session, provider: PayoutProvider) -> list[Difference]:
    """Every difference between payout records, the rail's answers and the ledger."""
    resolution = aliased(ledger.Transfer)
    rows = session.execute(
        select(ledger.Transfer, resolution.phase, PayoutRecord)
        .outerjoin(resolution, resolution.pending_id == ledger.Transfer.id)
        .outerjoin(PayoutRecord, PayoutRecord.transfer_id == ledger.Transfer.id)
        .where(ledger.Transfer.kind == ledger.TransferKind.DAY_OFF)
        .where(ledger.Transfer.phase == ledger.Phase.PENDING)
        .order_by(ledger.Transfer.id)
    ).all()
    differences: list[Difference] = []
    for reservation, settled_as, record in rows:
        differences += _compare(reservation, settled_as, record, provider)
    return differences + _compare_movements(rows, provider)


def _compare(
    reservation: ledger.Transfer,
    settled_as: ledger.Phase | None,
    record: PayoutRecord | None,
    provider: PayoutProvider,
) -> list[Difference]:
    found = _Found(reservation.id)
    posted = settled_as == ledger.Phase.POST_PENDING
    voided = settled_as == ledger.Phase.VOID_PENDING
    if record is None:
        if posted:
            found.add("posted_without_record", "the ledger paid it; no payout record says how")
        return found.items
    status = PayoutStatus(record.status)
    if record.amount_cents != reservation.amount:
        found.add(
            "amount_differs",
            f"record {record.amount_cents} cents, ledger {reservation.amount} cents",
        )
    if status is PayoutStatus.PAID and not posted:
        found.add("paid_not_posted", f"recorded paid; the ledger has it {_phase(settled_as)}")
    if status is PayoutStatus.PAID and not (record.method and record.reference):
        found.add("paid_without_method", "recorded paid without a method and a reference")
    if status is PayoutStatus.FAILED and not voided:
        found.add("failed_not_returned", f"failed; the ledger has it {_phase(settled_as)}")
    if status in (PayoutStatus.SENDING, PayoutStatus.SENT) and settled_as is not None:
        found.add(
            "settled_while_sending", f"still {status}; the ledger has it {_phase(settled_as)}"
        )
    _compare_rail(found, record, status, provider)
    return found.items


def _compare_rail(
    found: "_Found", record: PayoutRecord, status: PayoutStatus, provider: PayoutProvider
) -> None:
    """A payout a rail holds: what the rail says of it (asked only of the rail in use)."""
    if status is PayoutStatus.SENDING:
        said = _said(provider, record) if record.provider == provider.name else None
        found.add("still_sending", f"its answer was lost; {record.provider} says {said or '?'}")
    elif record.provider == provider.name and status is not PayoutStatus.PAID:
        said = _said(provider, record)
        if said != status.value:
            found.add("rail_disagrees", f"recorded {status}; {provider.name} says {said}")


def _said(provider: PayoutProvider, record: PayoutRecord) -> str:
    try:
        return provider.lookup(_key(record)).outcome.value
    except RailTimeout:
        return "nothing (it did not answer)"


Row = tuple[ledger.Transfer, ledger.Phase | None, PayoutRecord | None]


def _compare_movements(rows: list[Row], provider: PayoutProvider) -> list[Difference]:
    """What the rail itself holds against the ledger: money it sent for a day off the ledger
    gave back, a failure the ledger paid, twice for one day off, a key the fund never used."""
    try:
        moved = provider.movements()
    except RailTimeout:
        return [Difference(0, "rail_unreachable", f"{provider.name} did not answer; try again")]
    by_key: dict[str, list[RailMovement]] = {}
    for movement in moved:
        by_key.setdefault(movement.key, []).append(movement)
    days = {
        _key_of(reservation.id): (reservation, phase, record) for reservation, phase, record in rows
    }
    found: list[Difference] = []
    for key, movements in sorted(by_key.items()):
        if key not in days:
            found.append(
                Difference(_id_of(key), "rail_unknown_payout", f"{provider.name} sent {key}")
            )
            continue
        found += _compare_movement(days[key], movements, provider.name)
    for key, (reservation, phase, record) in days.items():
        paid_by_rail = (  # a rail that moves money keeps its own id for it; manual has none
            record is not None
            and record.provider == provider.name
            and record.provider_ref is not None
        )
        if paid_by_rail and phase == ledger.Phase.POST_PENDING and key not in by_key:
            found.append(
                Difference(reservation.id, "paid_not_on_rail", f"{provider.name} has no payout")
            )
    return found


def _compare_movement(day: Row, movements: list[RailMovement], rail: str) -> list[Difference]:
    reservation, phase, record = day
    found = _Found(reservation.id)
    if len(movements) > 1:
        found.add("sent_twice", f"{rail} holds {len(movements)} payouts for it")
    movement = movements[0]
    if record is None:
        found.add("rail_without_record", f"{rail} sent it; no payout record says so")
    if movement.amount_cents != reservation.amount:
        found.add(
            "amount_differs",
            f"{rail} sent {movement.amount_cents} cents, ledger {reservation.amount} cents",
        )
    out = movement.outcome is not RailOutcome.FAILED
    if out and phase == ledger.Phase.VOID_PENDING:
        found.add("voided_but_sent", f"the ledger gave it back; {rail} says {movement.outcome}")
    if not out and phase == ledger.Phase.POST_PENDING:
        found.add("failed_but_posted", f"the ledger paid it; {rail} says it failed")
    if not out and movement.returned_cents < movement.amount_cents:
        found.add(
            "failed_not_returned_by_rail",
            f"{rail} has {movement.amount_cents - movement.returned_cents} cents not returned",
        )
    return found.items


def _key_of(transfer_id: int) -> str:
    return f"payout:{transfer_id}"


def _id_of(key: str) -> int:
    number = key.removeprefix("payout:")
    return int(number) if number.isdigit() else 0


def _key(record: PayoutRecord) -> str:
    return _key_of(record.transfer_id)


def _phase(phase: ledger.Phase | None) -> str:
    return {
        ledger.Phase.POST_PENDING: "paid",
        ledger.Phase.VOID_PENDING: "voided",
        None: "still reserved",
    }.get(phase, str(phase))


class _Found:
    def __init__(self, transfer_id: int) -> None:
        self.transfer_id = transfer_id
        self.items: list[Difference] = []

    def add(self, problem: str, detail: str) -> None:
        self.items.append(Difference(self.transfer_id, problem, detail))
