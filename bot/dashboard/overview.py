"""The numbers on the overview page: who is in the fund, money in, days off paid, by week."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from bot.fund import days_off
from bot.ledger import AccountKind, Phase, Transfer, TransferKind
from bot.models import Contributor, OutboundMessage, OutboundStatus, Worker, WorkerStatus

MONEY_IN = (TransferKind.CONTRIBUTION, TransferKind.BONUS)
# A contribution counts when it is confirmed: posted at once (partners, and households before
# collections), or pledged (pending) until the household's money arrives.
CONFIRMED = (Phase.POSTED, Phase.PENDING)
WEEKS = 12


@dataclass(frozen=True)
class Totals:
    """Money in cents and a count, this month and all time."""

    month: int
    all_time: int


@dataclass(frozen=True)
class Overview:
    """Everything the overview page shows."""

    active_workers: int
    workers: int
    households: int
    partners: int  # platforms and programs
    money_in: Totals  # contributions and bonuses, less their reversals
    days_off_paid: Totals
    paid_out: Totals  # cents paid for days off
    payouts_waiting: int
    notices_failed: int
    weeks: list[tuple[date, int]]  # (Monday, cents contributed that week), oldest first


def overview(session: Session, time_zone: str, now: datetime | None = None) -> Overview:
    """The fund at a glance, with months and weeks as the fund's time zone counts them."""
    now = now or datetime.now(UTC)
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    workers = dict(
        session.execute(select(Worker.status, func.count()).group_by(Worker.status)).all()
    )
    kinds = dict(
        session.execute(select(Contributor.kind, func.count()).group_by(Contributor.kind)).all()
    )
    days_off_count, paid_cents = _days_off_paid(session, month_start)
    return Overview(
        active_workers=workers.get(WorkerStatus.ACTIVE, 0),
        workers=sum(workers.values()),
        households=kinds.get(AccountKind.HOUSEHOLD, 0),
        partners=kinds.get(AccountKind.PLATFORM, 0) + kinds.get(AccountKind.PROGRAM, 0),
        money_in=_money_in(session, month_start),
        days_off_paid=days_off_count,
        paid_out=paid_cents,
        payouts_waiting=_payouts_waiting(session),
        notices_failed=session.scalar(
            select(func.count()).where(
                OutboundMessage.status.in_((OutboundStatus.FAILED, OutboundStatus.UNDELIVERED))
            )
        )
        or 0,
        weeks=weekly_contributions(session, local),
    )


def _money_in(session: Session, month_start: datetime) -> Totals:
    in_month = Transfer.created_at >= month_start
    gross = session.execute(
        select(
            func.coalesce(func.sum(case((in_month, Transfer.amount), else_=0)), 0),
            func.coalesce(func.sum(Transfer.amount), 0),
        ).where(Transfer.kind.in_(MONEY_IN), Transfer.phase.in_(CONFIRMED))
    ).one()
    original = aliased(Transfer)
    reversed_ = session.execute(
        select(
            func.coalesce(func.sum(case((in_month, Transfer.amount), else_=0)), 0),
            func.coalesce(func.sum(Transfer.amount), 0),
        )
        .join(original, Transfer.reverses_id == original.id)
        .where(original.kind.in_(MONEY_IN))
    ).one()
    return Totals(gross[0] - reversed_[0], gross[1] - reversed_[1])


def _days_off_paid(session: Session, month_start: datetime) -> tuple[Totals, Totals]:
    in_month = Transfer.created_at >= month_start
    row = session.execute(
        select(
            func.count(case((in_month, Transfer.id))),
            func.count(Transfer.id),
            func.coalesce(func.sum(case((in_month, Transfer.amount), else_=0)), 0),
            func.coalesce(func.sum(Transfer.amount), 0),
        ).where(Transfer.kind == TransferKind.DAY_OFF, Transfer.phase == Phase.POST_PENDING)
    ).one()
    return Totals(row[0], row[1]), Totals(row[2], row[3])


def _payouts_waiting(session: Session) -> int:
    return session.scalar(select(func.count()).where(days_off.unsettled())) or 0


def weekly_contributions(session: Session, local_now: datetime) -> list[tuple[date, int]]:
    """Cents contributed (contributions and bonuses) in each of the last weeks, Monday first."""
    this_monday = local_now.date() - timedelta(days=local_now.weekday())
    mondays = [this_monday - timedelta(weeks=WEEKS - 1 - n) for n in range(WEEKS)]
    zone = local_now.tzinfo
    starts = [
        datetime.combine(monday, datetime.min.time(), zone).astimezone(UTC) for monday in mondays
    ]
    # One CASE buckets each transfer by week; the first matching branch (the latest) wins.
    latest_first = reversed(list(enumerate(starts)))
    bucket = case(*((Transfer.created_at >= start, index) for index, start in latest_first))
    rows = session.execute(
        select(bucket, func.sum(Transfer.amount))
        .where(
            Transfer.kind.in_(MONEY_IN),
            Transfer.phase.in_(CONFIRMED),
            Transfer.created_at >= starts[0],
        )
        .group_by(bucket)
    ).all()
    totals = {index: int(cents) for index, cents in rows if index is not None}
    return [(monday, totals.get(index, 0)) for index, monday in enumerate(mondays)]
