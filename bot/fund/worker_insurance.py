"""A worker's insurance, and a household's giving, as the conversation sees them.

Part of `bot.fund.database_fund.DatabaseFund`, which provides the session, the person and the
helpers declared here. Every consent is recorded with the inbound message (its MessageSid) that gave
or stopped it.
"""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.fund import insurance
from bot.fund.worker_money import local_today
from bot.infra.config import Settings
from bot.ledger import AccountKind, Transfer, TransferKind, moved_money
from bot.models import Contributor, Person, Worker
from conversations.ports import GivenView, InsuranceProduct, InsuranceView


class WorkerInsurance:
    """The insurance side of the Fund port, and a household's year of giving."""

    session: Session
    settings: Settings
    person: Person
    message_key: str

    def _require_worker(self) -> Worker:
        raise NotImplementedError  # DatabaseFund's

    def _household(self) -> Contributor | None:
        raise NotImplementedError  # DatabaseFund's

    def insurance(self) -> InsuranceView:
        worker = self._require_worker()
        held = insurance.held(self.session, worker.id)
        products = tuple(
            InsuranceProduct(
                number=number,
                product=product,
                price_cents=cents,
                held=product in held,
                first_charge=insurance.first_charge_day(held[product]) if product in held else None,
            )
            for number, (product, cents) in enumerate(self.settings.insurance_premiums.items(), 1)
        )
        today = local_today(self.person.time_zone)
        return InsuranceView(
            products=products,
            offer_open=insurance.offer_open(self.session, worker.id),
            offer_fresh=insurance.offer_is_last_question(
                self.session, worker.id, self.person.id, self.message_key
            ),
            next_charge_day=insurance.next_charge_day(today),
            next_charge_cents=sum(p.price_cents for p in products if p.held),
        )

    def offer_insurance(self) -> None:
        insurance.offer(self.session, self._require_worker().id)

    def decline_insurance(self) -> None:
        insurance.close_offer(self.session, self._require_worker().id)

    def choose_insurance(self, product: str) -> bool:
        if product not in self.settings.insurance_premiums:
            return False
        return insurance.give(self.session, self._require_worker().id, product, self.message_key)

    def stop_insurance(self, product: str) -> bool:
        return insurance.stop(self.session, self._require_worker().id, product, self.message_key)

    def given_this_year(self) -> list[GivenView]:
        household = self._household()
        if household is None:
            return []
        year = local_today(self.person.time_zone).year
        return given_in_year(self.session, household.account_id, year)


def given_in_year(session: Session, account_id: int, year: int) -> list[GivenView]:
    """What a contributor's account added to each worker's account in a year, net of
    corrections, largest first."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    rows = session.execute(
        select(Person.name, func.sum(Transfer.amount))
        .join(Worker, Worker.account_id == Transfer.credit_account_id)
        .join(Person, Person.id == Worker.person_id)
        .where(
            Transfer.debit_account_id == account_id,
            Transfer.kind == TransferKind.CONTRIBUTION,
            moved_money(),  # a confirmed contribution, collected or still pledged, once
            Transfer.created_at >= start,
            Transfer.created_at < end,
        )
        .group_by(Person.name)
        .order_by(func.sum(Transfer.amount).desc())
    ).all()
    return [GivenView(name or "", int(total)) for name, total in rows if total]


def household_given(session: Session, household_id: int, year: int) -> list[GivenView]:
    """What the household added to each worker in the year (for the dashboard too)."""
    household = session.get(Contributor, household_id)
    return [] if household is None else given_in_year(session, household.account_id, year)


def household_name(session: Session, household_id: int) -> str | None:
    """A household's name, or None when there is no such household."""
    household = session.get(Contributor, household_id)
    if household is None or household.kind != AccountKind.HOUSEHOLD:
        return None
    return household.name
