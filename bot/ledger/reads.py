"""Reading the ledger: a balance is one row, history is an indexed walk back from the newest."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_, select, union_all
from sqlalchemy.orm import Session

from bot.ledger import known_counters
from bot.ledger.driver_sql import fetch_optional
from bot.ledger.errors import UnknownAccount
from bot.ledger.models import Account, Phase, Transfer, TransferKind
from bot.ledger.transfers import check_id


@dataclass(frozen=True)
class Balance:
    """An account's money in cents, from the point of view of its owner."""

    account_id: int
    posted_cents: int  # money that is hers, collected or pledged, less what she spent
    pending_cents: int  # reserved for day-off payouts not paid yet
    available_cents: int  # what she can spend or reserve now
    uncollected_cents: int = 0  # of posted_cents, pledged by households and not collected yet

    @property
    def collected_cents(self) -> int:
        """Her balance less what households still owe her."""
        return self.posted_cents - self.uncollected_cents

    def days_off(self, day_off_cents: int, half_day_cents: int) -> float:
        """How many days off the available balance pays for, in half-day steps."""
        full, rest = divmod(max(self.available_cents, 0), day_off_cents)
        return full + (0.5 if rest >= half_day_cents else 0.0)


@dataclass(frozen=True)
class Movement:
    """One transfer as seen from one account: signed amount and who was on the other side."""

    transfer_id: int
    kind: TransferKind
    phase: Phase
    amount_cents: int  # positive: into this account; negative: out of it
    counterparty_account_id: int
    created_at: datetime
    memo: dict[str, Any]


def moved_money() -> ColumnElement[bool]:
    """Transfers that changed what an account holds, each once, when it happened: posted
    money, a pledge when it is confirmed (not again when collected), a day off when paid."""
    return or_(
        Transfer.phase == Phase.POSTED,
        and_(Transfer.phase == Phase.PENDING, Transfer.kind == TransferKind.CONTRIBUTION),
        and_(Transfer.phase == Phase.POST_PENDING, Transfer.kind != TransferKind.CONTRIBUTION),
    )


def moved(movement: "Movement") -> bool:
    """Whether a movement is one `moved_money` keeps."""
    if movement.kind is TransferKind.CONTRIBUTION:
        return movement.phase in (Phase.POSTED, Phase.PENDING)
    return movement.phase in (Phase.POSTED, Phase.POST_PENDING)


# Built once: building the statement per call costs more Python than PostgreSQL spends on it.
BALANCE = select(
    Account.debits_pending,
    Account.debits_posted,
    Account.credits_pending,
    Account.credits_posted,
).where(Account.id == bindparam("account_id"))
# The same read on PostgreSQL, handed straight to psycopg (driver_sql): every BALANCE text
# reads it, and SQLAlchemy's execution layer cost more Python than PostgreSQL spends on it.
POSTGRES_BALANCE = """
SELECT debits_pending, debits_posted, credits_pending, credits_posted
FROM ledger_accounts
WHERE id = %(account_id)s::bigint
"""


def balance(session: Session, account_id: int, advance_cents: int = 0) -> Balance:
    """Read an account's balance from its counters: one row, whatever the history length.

    Of her uncollected pledges, up to `advance_cents` count as available (the fund's advance).
    """
    row = _counters(session, check_id(account_id, UnknownAccount))
    if row is None:
        raise UnknownAccount(f"no ledger account {account_id}")
    debits_pending, debits_posted, credits_pending, credits_posted = row
    posted = credits_posted + credits_pending - debits_posted
    not_advanced = max(credits_pending - max(advance_cents, 0), 0)
    return Balance(
        account_id=account_id,
        posted_cents=posted,
        pending_cents=debits_pending,
        available_cents=posted - debits_pending - not_advanced,
        uncollected_cents=credits_pending,
    )


def _counters(session: Session, account_id: int) -> tuple[Any, ...] | None:
    known = known_counters.recall(session, account_id)
    if known is not None:
        return known  # read in this transaction, and the ledger has not written since
    session.flush()  # what executing BALANCE through the session would flush first
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return fetch_optional(connection, POSTGRES_BALANCE, {"account_id": str(account_id)})
    return session.execute(BALANCE, {"account_id": account_id}).one_or_none()


def history(session: Session, account_id: int, limit: int = 5) -> list[Movement]:
    """The account's most recent movements, newest first."""
    check_id(account_id, UnknownAccount)
    outgoing = (
        select(Transfer.id)
        .where(Transfer.debit_account_id == account_id)
        .order_by(Transfer.id.desc())
        .limit(limit)
    )
    incoming = (
        select(Transfer.id)
        .where(Transfer.credit_account_id == account_id)
        .order_by(Transfer.id.desc())
        .limit(limit)
    )
    # Two index walks, each bounded by the limit, instead of one OR that scans the history.
    recent = union_all(outgoing.subquery().select(), incoming.subquery().select()).subquery()
    transfers = session.scalars(
        select(Transfer)
        .where(Transfer.id.in_(select(recent.c.id)))
        .order_by(Transfer.id.desc())
        .limit(limit)
    ).all()
    return [_movement(transfer, account_id) for transfer in transfers]


def _movement(transfer: Transfer, account_id: int) -> Movement:
    incoming = transfer.credit_account_id == account_id
    return Movement(
        transfer_id=transfer.id,
        kind=TransferKind(transfer.kind),
        phase=Phase(transfer.phase),
        amount_cents=transfer.amount if incoming else -transfer.amount,
        counterparty_account_id=transfer.debit_account_id
        if incoming
        else transfer.credit_account_id,
        created_at=transfer.created_at,
        memo=dict(transfer.memo or {}),
    )
