"""A worker as staff see her: the list, her money, households, days off and conversation."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from bot import ledger
from bot.channel import media
from bot.channel.media import UNKNOWN_MEDIA
from bot.dashboard.consents import ConsentRow, consents
from bot.fund.payout_changes import shown_body
from bot.infra.orm import as_utc
from bot.infra.phone import InvalidPhoneNumber, normalize_address
from bot.ledger import Account, Phase, Transfer, TransferKind
from bot.models import (
    Contributor,
    Employment,
    InboundMessage,
    OutboundMessage,
    Person,
    Worker,
    known_as,
)

PAGE_SIZE = 50
HISTORY = 100
CONVERSATION = 100


@dataclass(frozen=True)
class WorkerRow:
    """One line of the workers list."""

    id: int
    name: str | None
    phone: str
    status: str
    language: str
    balance_cents: int
    available_cents: int
    joined_at: datetime


@dataclass(frozen=True)
class Line:
    """One movement of her account, with who was on the other side."""

    transfer_id: int
    kind: str
    phase: str
    amount_cents: int
    counterparty: str  # a contributor's name, or the kind of account
    counterparty_kind: str
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class HouseholdRow:
    """A household she works for."""

    household_id: int
    name: str
    phone: str | None
    status: str
    amount_per_visit_cents: int
    weekday: int | None


@dataclass(frozen=True)
class DayOffRow:
    """A day off she asked for, and what became of it."""

    transfer_id: int
    day: date
    portion: str
    amount_cents: int
    state: str  # pending, paid or voided
    requested_at: datetime
    settled_at: datetime | None
    reason: str | None


@dataclass(frozen=True)
class Exchange:
    """One text in her conversation: from her, the bot's reply to it, or a notice."""

    at: datetime
    direction: str  # "in", "reply" or "notice"
    body: str
    status: str | None
    kind: str | None
    media: str = ""  # what she attached: photo, voice, video, file (bot.channel.media)


@dataclass(frozen=True)
class WorkerPage:
    """Everything the worker's page shows."""

    worker: WorkerRow
    balance: ledger.Balance
    lines: list[Line]
    households: list[HouseholdRow]
    days_off: list[DayOffRow]
    conversation: list[Exchange]
    consents: list[ConsentRow]


def _rows() -> Any:
    return (
        select(Worker, Person, Account)
        .join(Person, Person.id == Worker.person_id)
        .join(Account, Account.id == Worker.account_id)
    )


def _row(worker: Worker, person: Person, account: Account) -> WorkerRow:
    # Pledged money is hers (in the balance) but not spendable until collected: the list
    # shows what she could spend without the fund's advance.
    posted = account.credits_posted + account.credits_pending - account.debits_posted
    return WorkerRow(
        id=worker.id,
        name=person.name,
        phone=person.phone,
        status=worker.status,
        language=person.language,
        balance_cents=posted,
        available_cents=posted - account.debits_pending - account.credits_pending,
        joined_at=worker.created_at,
    )


def listing(session: Session, query: str, page: int, region: str) -> tuple[list[WorkerRow], bool]:
    """A page of workers, newest first, matching a name, a whole number or its last digits;
    and whether there is a next page."""
    statement = _rows()
    query = query.strip()[:80]
    if query:
        digits = "".join(c for c in query if c.isdigit())
        try:
            statement = statement.where(known_as(normalize_address(query, region)))
        except InvalidPhoneNumber:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            matches = [Person.name.ilike(f"%{escaped}%", escape="\\")]
            if len(digits) >= 4:
                matches.append(Person.phone.endswith(digits))
            statement = statement.where(or_(*matches))
    rows = session.execute(
        statement.order_by(Worker.id.desc()).offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    return [_row(*row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def worker_page(session: Session, worker_id: int) -> WorkerPage | None:
    """Her page, or None when there is no such worker."""
    found = session.execute(_rows().where(Worker.id == worker_id)).first()
    if found is None:
        return None
    worker, person, account = found
    return WorkerPage(
        worker=_row(worker, person, account),
        balance=ledger.balance(session, account.id),
        lines=_lines(session, account.id),
        households=_households(session, worker.id),
        days_off=_days_off(session, account.id),
        conversation=_conversation(session, person.id),
        consents=consents(session, worker.id),
    )


def _lines(session: Session, account_id: int) -> list[Line]:
    movements = ledger.history(session, account_id, limit=HISTORY)
    others = {m.counterparty_account_id for m in movements}
    accounts = dict(
        session.execute(select(Account.id, Account.kind).where(Account.id.in_(others))).all()
    )
    names = dict(
        session.execute(
            select(Contributor.account_id, Contributor.name).where(
                Contributor.account_id.in_(others)
            )
        ).all()
    )
    return [
        Line(
            transfer_id=m.transfer_id,
            kind=m.kind,
            phase=m.phase,
            amount_cents=m.amount_cents,
            counterparty=names.get(m.counterparty_account_id) or "",
            counterparty_kind=accounts.get(m.counterparty_account_id, ""),
            at=m.created_at,
            reason=m.memo.get("reason"),
        )
        for m in movements
    ]


def _households(session: Session, worker_id: int) -> list[HouseholdRow]:
    rows = session.execute(
        select(Employment, Contributor, Person.phone)
        .join(Contributor, Contributor.id == Employment.household_id)
        .outerjoin(Person, Person.id == Contributor.person_id)
        .where(Employment.worker_id == worker_id)
        .order_by(Employment.id)
    ).all()
    return [
        HouseholdRow(
            household_id=household.id,
            name=employment.label or household.name,
            phone=phone,
            status=employment.status,
            amount_per_visit_cents=employment.amount_per_visit_cents,
            weekday=employment.schedule_weekday,
        )
        for employment, household, phone in rows
    ]


def _days_off(session: Session, account_id: int) -> list[DayOffRow]:
    resolution = aliased(Transfer)
    rows = session.execute(
        select(Transfer, resolution)
        .outerjoin(resolution, resolution.pending_id == Transfer.id)
        .where(
            Transfer.debit_account_id == account_id,
            Transfer.kind == TransferKind.DAY_OFF,
            Transfer.phase == Phase.PENDING,
        )
        .order_by(Transfer.id.desc())
    ).all()
    states = {Phase.POST_PENDING: "paid", Phase.VOID_PENDING: "voided"}
    return [
        DayOffRow(
            transfer_id=request.id,
            day=date.fromisoformat(request.memo["day"]),
            portion=request.memo.get("portion", "full"),
            amount_cents=request.amount,
            state=states[Phase(settled.phase)] if settled is not None else "pending",
            requested_at=request.created_at,
            settled_at=settled.created_at if settled is not None else None,
            reason=(settled.memo or {}).get("reason") if settled is not None else None,
        )
        for request, settled in rows
    ]


def _conversation(session: Session, person_id: int) -> list[Exchange]:
    """Her latest texts, the bot's replies and the notices it sent her, newest first."""
    exchanges: list[Exchange] = []
    inbound = session.scalars(
        select(InboundMessage)
        .where(InboundMessage.person_id == person_id)
        .order_by(InboundMessage.id.desc())
        .limit(CONVERSATION)
    ).all()
    for message in inbound:
        if message.reply:
            exchanges.append(Exchange(message.received_at, "reply", message.reply, None, None))
        # Messages from before media types were kept show as a file.
        attached = media.kind_of(message.media_type or UNKNOWN_MEDIA) if message.num_media else ""
        exchanges.append(Exchange(message.received_at, "in", message.body, None, None, attached))
    notices = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.person_id == person_id)
        .order_by(OutboundMessage.id.desc())
        .limit(CONVERSATION)
    ).all()
    exchanges.extend(
        Exchange(n.created_at, "notice", shown_body(n.kind, n.body), n.status, n.kind)
        for n in notices
    )
    # Stable sort: a reply stays just above the message it answered.
    return sorted(exchanges, key=lambda e: as_utc(e.at), reverse=True)[: CONVERSATION * 2]
