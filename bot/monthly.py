"""Scheduled work: premiums, warnings before they lapse, statements, visit prompts, stale visits.

Each runs worker by worker, one transaction each, and is idempotent per period: premiums go
through the ledger under a key per worker, product and month, and each notice has a dedupe
key per worker and month, so a second run of the same month changes nothing.
"""

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import ledger, membership, outbox
from bot.db import run_in_transaction
from bot.fund_port import DatabaseFund
from bot.ledger import Transfer
from bot.models import (
    Channel,
    Contributor,
    CoverStatus,
    Employment,
    EmploymentStatus,
    InsuranceCover,
    Person,
    Visit,
    VisitReporter,
    VisitStatus,
    Worker,
    WorkerStatus,
)
from bot.notices import write_notice_once
from bot.orm import utcnow
from bot.runtime import Runtime
from conversations import messages as m
from conversations.flows.visits import prompt
from conversations.talk import Choices, Money, Month, Notice, Say

log = logging.getLogger(__name__)
PRODUCT_NAMES = {"life": m.LIFE_INSURANCE, "disability": m.DISABILITY_INSURANCE}


def period_of(moment: date | datetime) -> str:
    """The period key of a moment: '2026-12'."""
    return f"{moment.year:04d}-{moment.month:02d}"


def previous_period(period: str) -> str:
    """The month before: '2026-12' -> '2026-11', '2027-01' -> '2026-12'."""
    year, month = (int(part) for part in period.split("-"))
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def charge_premiums(runtime: Runtime, period: str) -> int:
    """Charge every active worker this month's premiums; return how many were charged now."""
    return _each_worker(runtime, lambda session, worker: _charge(session, runtime, worker, period))


def warn_low_balances(runtime: Runtime, period: str) -> int:
    """Warn workers whose available money cannot pay next month's premiums."""
    return _each_worker(runtime, lambda session, worker: _warn(session, runtime, worker, period))


def send_statements(runtime: Runtime, period: str) -> int:
    """Send every active worker her statement for the month."""
    return _each_worker(runtime, lambda session, worker: _statement(session, worker, period))


def _each_worker(runtime: Runtime, work: Callable[[Session, Worker], list[int]]) -> int:
    with runtime.sessions() as session:
        worker_ids = list(
            session.scalars(
                select(Worker.id).where(Worker.status == WorkerStatus.ACTIVE).order_by(Worker.id)
            )
        )
    done = 0
    for worker_id in worker_ids:

        def one(session: Session, worker_id: int = worker_id) -> list[int]:
            worker = session.get(Worker, worker_id)
            return work(session, worker) if worker is not None else []

        outbox_ids = run_in_transaction(runtime.sessions, one)
        outbox.hand_over(runtime, outbox_ids)
        done += bool(outbox_ids)
    return done


def _charge(session: Session, runtime: Runtime, worker: Worker, period: str) -> list[int]:
    covered, lapsed, paid = [], [], 0
    for product, cents in runtime.settings.insurance_premiums.items():
        if session.scalar(
            select(InsuranceCover.id).where(
                InsuranceCover.worker_id == worker.id,
                InsuranceCover.product == product,
                InsuranceCover.period == period,
            )
        ):
            continue
        result = ledger.charge_premium(
            session,
            key=f"premium:{product}:{worker.id}:{period}",
            worker_account_id=worker.account_id,
            insurer_account_id=membership.insurer_account_id(session, product),
            amount_cents=cents,
            period=period,
            advance_cents=runtime.settings.advance_uncollected_cents,
        )
        status = CoverStatus.COVERED if result.applied else CoverStatus.LAPSED
        session.add(
            InsuranceCover(
                worker_id=worker.id,
                product=product,
                period=period,
                status=status,
                transfer_id=result.transfer_id,
            )
        )
        (covered if result.applied else lapsed).append(product)
        paid += cents if result.applied else 0
    notices = []
    month = Month.of(period)
    if covered:
        say = Say(
            m.PREMIUM_PAID, {"month": month, "amount": Money(paid), "products": _products(covered)}
        )
        notices.append(
            write_notice_once(
                session,
                Notice(worker.person_id, "premium_paid", (say,)),
                f"premium:{worker.id}:{period}",
            )
        )
    if lapsed:
        say = Say(m.INSURANCE_LAPSED, {"month": month, "products": _products(lapsed)})
        notices.append(
            write_notice_once(
                session,
                Notice(worker.person_id, "insurance_lapsed", (say,)),
                f"lapsed:{worker.id}:{period}",
            )
        )
    session.flush()
    return [row.id for row in notices if row is not None]


def _warn(session: Session, runtime: Runtime, worker: Worker, period: str) -> list[int]:
    needed = sum(runtime.settings.insurance_premiums.values())
    advance = runtime.settings.advance_uncollected_cents
    available = ledger.balance(session, worker.account_id, advance).available_cents
    if not needed or available >= needed:
        return []
    say = Say(m.INSURANCE_LOW, {"available": Money(available), "amount": Money(needed)})
    row = write_notice_once(
        session, Notice(worker.person_id, "insurance_low", (say,)), f"low:{worker.id}:{period}"
    )
    session.flush()
    return [row.id] if row else []


def _statement(session: Session, worker: Worker, period: str) -> list[int]:
    if period_of(worker.created_at) > period:
        return []  # she joined after that month
    added, used = _month_totals(session, worker.account_id, period)
    money = ledger.balance(session, worker.account_id)
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
    row = write_notice_once(
        session, Notice(worker.person_id, "statement", (say,)), f"statement:{worker.id}:{period}"
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


def _products(products: list[str]) -> Choices:
    return Choices(tuple(PRODUCT_NAMES[p] for p in products), numbered=False)


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
