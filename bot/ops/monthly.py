"""Scheduled work: statements, visit prompts, stale visits; premiums live in bot.ops.premiums.

Each runs worker by worker, one transaction each, and is idempotent per period: each notice
has a dedupe key per worker and month, so a second run of the same month changes nothing.
"""

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import ledger
from bot.channel import outbox
from bot.fund.database_fund import DatabaseFund
from bot.fund.insurance import next_period
from bot.fund.worker_money import her_balance
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.infra.runtime import Runtime
from bot.ledger import Transfer
from bot.models import (
    Channel,
    Contributor,
    Employment,
    EmploymentStatus,
    Person,
    Visit,
    VisitReporter,
    VisitStatus,
    Worker,
)
from bot.ops.premiums import charge_premiums, premiums_taken, warn_low_balances
from bot.ops.worker_runs import each_worker
from bot.texting.notices import write_notice_once
from conversations import messages as m
from conversations.flows.visits import prompt
from conversations.talk import Money, Month, Notice, Say

log = logging.getLogger(__name__)
__all__ = [
    "charge_premiums",
    "expire_stale_visits",
    "next_period",
    "period_of",
    "previous_period",
    "prompt_scheduled_visits",
    "send_statements",
    "warn_low_balances",
]


def period_of(moment: date | datetime) -> str:
    """The period key of a moment: '2026-12'."""
    return f"{moment.year:04d}-{moment.month:02d}"


def previous_period(period: str) -> str:
    """The month before: '2026-12' -> '2026-11', '2027-01' -> '2026-12'."""
    year, month = (int(part) for part in period.split("-"))
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def send_statements(runtime: Runtime, period: str) -> int:
    """Send every active worker her statement for the month."""
    return each_worker(
        runtime, lambda session, worker: _statement(session, runtime, worker, period)
    )


def _what_it_pays(runtime: Runtime, money: ledger.Balance) -> tuple[Say, ...]:
    """What her available money still buys in days off."""
    full, rest = divmod(max(money.available_cents, 0), runtime.settings.day_off_cents)
    half = rest >= runtime.settings.half_day_off_cents
    if full and half:
        return (Say(m.DAYS_OFF_AND_HALF, {}, full),)
    if full:
        return (Say(m.DAYS_OFF, {}, full),)
    return (Say(m.HALF_DAY_ONLY),) if half else ()


def _statement(session: Session, runtime: Runtime, worker: Worker, period: str) -> list[int]:
    if period_of(worker.created_at) > period:
        return []  # she joined after that month
    added, used = _month_totals(session, worker.account_id, period)
    money = her_balance(session, runtime.settings, worker.account_id)  # as BALANCE says
    say = Say(
        m.MONTHLY_STATEMENT,
        {
            "month": Month.of(period),
            "added": Money(added),
            "used": Money(used),
            "balance": Money(money.posted_cents),
            "available": Money(money.available_cents),
        },
    )
    says = (say, *premiums_taken(session, worker, period), *_what_it_pays(runtime, money))
    row = write_notice_once(
        session, Notice(worker.person_id, "statement", says), f"statement:{worker.id}:{period}"
    )
    session.flush()
    return [row.id] if row else []


def _month_totals(session: Session, account_id: int, period: str) -> tuple[int, int]:
    """Money posted into and out of the account during the month, in cents."""
    month = Month.of(period)
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    moved = (
        Transfer.created_at >= start,
        Transfer.created_at < end,
        ledger.moved_money(),
    )
    added = session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0)).where(
            Transfer.credit_account_id == account_id, *moved
        )
    )
    used = session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0)).where(
            Transfer.debit_account_id == account_id, *moved
        )
    )
    return int(added or 0), int(used or 0)


VISIT_QUESTION_LIFETIME_DAYS = 7


def expire_stale_visits(runtime: Runtime, now: datetime | None = None) -> int:
    """Close visit questions a household left unanswered for a week: a late YES must not
    confirm a visit nobody remembers. Conversation questions expire by themselves (a day)."""
    cutoff = (now or utcnow()) - timedelta(days=VISIT_QUESTION_LIFETIME_DAYS)

    def work(session: Session) -> int:
        stale = session.scalars(
            select(Visit)
            .where(Visit.status == VisitStatus.REPORTED, Visit.created_at < cutoff)
            .with_for_update()
        ).all()
        for visit in stale:
            visit.status = VisitStatus.EXPIRED
            visit.decided_at = utcnow()
        return len(stale)

    return run_in_transaction(runtime.sessions, work)


PROMPT_FROM_HOUR = 18  # ask about the day's visit in the evening, where the household lives


def prompt_scheduled_visits(runtime: Runtime, now: datetime | None = None) -> int:
    """On each household's regular day, in its evening, ask about that day's visit (once)."""
    now = now or utcnow()
    with runtime.sessions() as session:
        scheduled = session.execute(
            select(Employment.id, Person.time_zone, Employment.schedule_weekday)
            .join(Employment.household)
            .join(Person, Person.id == Contributor.person_id)
            .where(
                Employment.status == EmploymentStatus.ACTIVE,
                Employment.schedule_weekday.is_not(None),
            )
        ).all()
    asked = 0
    for employment_id, time_zone, weekday in scheduled:
        local = now.astimezone(ZoneInfo(time_zone))
        if local.weekday() != weekday or local.hour < PROMPT_FROM_HOUR:
            continue
        local_day = local.date()

        def ask(
            session: Session, employment_id: int = employment_id, day: date = local_day
        ) -> list[int]:
            employment = session.get(Employment, employment_id)
            assert employment is not None
            worker_person = employment.worker.person
            fund = DatabaseFund(
                session,
                runtime.settings,
                worker_person,
                Channel(worker_person.last_channel),
                f"schedule:{employment_id}:{day}",
            )
            visit = fund.report_visit(employment_id, day, VisitReporter.SCHEDULE)
            if not visit.new:
                return []
            row = write_notice_once(
                session,
                Notice(visit.household_person_id, "visit_prompt", (prompt(visit),)),
                f"scheduled:{employment_id}:{day}",
            )
            session.flush()
            return [row.id] if row else []

        outbox_ids = run_in_transaction(runtime.sessions, ask)
        outbox.hand_over(runtime, outbox_ids)
        asked += bool(outbox_ids)
    return asked
