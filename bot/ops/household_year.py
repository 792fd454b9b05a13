"""A household's year of giving: in January each household gets, for its records, what it
added to each worker's benefits the year before, in its own language; staff can print it."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel import outbox
from bot.fund.worker_insurance import given_in_year
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.ledger import AccountKind
from bot.models import Contributor
from bot.texting.notices import write_notice_once
from conversations import messages as m
from conversations.talk import Money, Notice, Say


def year_to_total(month_period: str) -> str | None:
    """In January ('2027-01'), the year just ended ('2026'); any other month, None."""
    year, month = month_period.split("-")
    return str(int(year) - 1) if month == "01" else None


def send_yearly_totals(runtime: Runtime, year: str) -> int:
    """Tell each household what it added to each worker in the year; once per worker."""
    with runtime.sessions() as session:
        households = list(
            session.scalars(
                select(Contributor.id).where(
                    Contributor.kind == AccountKind.HOUSEHOLD,
                    Contributor.person_id.is_not(None),
                )
            )
        )
    told = 0
    for household_id in households:

        def tell(session: Session, household_id: int = household_id) -> list[int]:
            return _tell(session, household_id, int(year))

        outbox_ids = run_in_transaction(runtime.sessions, tell)
        outbox.hand_over(runtime, outbox_ids)
        told += bool(outbox_ids)
    return told


def _tell(session: Session, household_id: int, year: int) -> list[int]:
    household = session.get(Contributor, household_id)
    if household is None or household.person_id is None:
        return []
    rows = []
    for worker in given_in_year(session, household.account_id, year):
        say = Say(
            m.HOUSEHOLD_YEARLY_TOTAL,
            {"year": str(year), "amount": Money(worker.amount_cents), "worker": worker.worker_name},
        )
        rows.append(
            write_notice_once(
                session,
                Notice(household.person_id, "yearly_total", (say,)),
                f"yearly:{household_id}:{year}:{worker.worker_name}"[:96],
            )
        )
    session.flush()
    return [row.id for row in rows if row is not None]
