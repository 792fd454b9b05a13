"""The `conversations.ports.Fund` interface on the database: one person, one transaction."""

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session

from bot import ledger
from bot.fund import membership
from bot.fund.household_answers import HouseholdAnswers
from bot.fund.payout_choice import WorkerPayoutChoice
from bot.fund.worker_households import WorkerHouseholds
from bot.fund.worker_insurance import WorkerInsurance
from bot.fund.worker_money import WorkerMoney, cover_period
from bot.infra.config import Settings
from bot.infra.orm import attach, columns_of
from bot.models import (
    Channel,
    Contributor,
    CoverStatus,
    Employment,
    EmploymentStatus,
    InsuranceCover,
    Person,
    Worker,
    WorkerStatus,
)
from bot.payouts_rail.interfaces import PayoutProvider
from bot.texting import consent
from conversations.ports import (
    Profile,
    Rates,
    Role,
)

WORKER_COLUMNS = columns_of(Worker)
HOUSEHOLD_COLUMNS = columns_of(Contributor)


def with_roles(statement: Select[Any]) -> Select[Any]:
    """The statement (FROM people, one person) with who she is as its last columns: her worker
    and household rows (`WORKER_COLUMNS`, `HOUSEHOLD_COLUMNS`: NULLs for a missing one) and an
    insurance product covered this month (a row each, or one of NULL); `:period` is
    `cover_period` of her time zone. `DatabaseFund.take_roles` reads them."""
    people, workers, households = Person.__table__, Worker.__table__, Contributor.__table__
    covers = InsuranceCover.__table__
    return (
        statement.add_columns(*WORKER_COLUMNS, *HOUSEHOLD_COLUMNS, covers.c.product)
        .outerjoin(workers, workers.c.person_id == people.c.id)
        .outerjoin(households, households.c.person_id == people.c.id)
        .outerjoin(
            covers,
            and_(
                covers.c.worker_id == workers.c.id,
                covers.c.period == bindparam("period"),
                covers.c.status == CoverStatus.COVERED,
            ),
        )
        .order_by(covers.c.product.desc())
    )


ROLE_COLUMNS = len(WORKER_COLUMNS) + len(HOUSEHOLD_COLUMNS) + 1
# Who she is, in one round trip whatever she texts (bot.channel.inbox reads it along with what
# it reads once she is locked, and hands the rows over: `take_roles`). Built once: a statement
# made per message costs more Python than the query costs PostgreSQL.
ROLES = with_roles(
    select().select_from(Person.__table__).where(Person.__table__.c.id == bindparam("person_id"))
)


class DatabaseFund(
    WorkerHouseholds, WorkerMoney, WorkerInsurance, WorkerPayoutChoice, HouseholdAnswers
):
    """The fund as the person texting sees it, read and written through one session."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        person: Person,
        channel: Channel,
        message_key: str,
        *,
        payout_rail: Callable[[], PayoutProvider] | None = None,
    ) -> None:
        self.session = session
        self.payout_rail = payout_rail  # built only when a change of method needs the rail
        self.settings = settings
        self.person = person
        self.channel = channel
        self.message_key = message_key  # makes ledger keys unique per inbound message
        self._roles: tuple[Worker | None, Contributor | None] | None = None
        self._covered: tuple[str, ...] = ()  # read with the roles

    # -- who -------------------------------------------------------------------------------

    def profile(self) -> Profile:
        worker = self._worker()
        if worker is not None and worker.status == WorkerStatus.ACTIVE:
            role = Role.WORKER
        elif self._is_live_household():
            role = Role.HOUSEHOLD
        else:
            role = Role.STRANGER
        return Profile(self.person.id, role, self.person.name)

    def rates(self) -> Rates:
        s = self.settings
        return Rates(
            s.contribution_default_cents,
            s.day_off_cents,
            s.half_day_off_cents,
            s.max_contribution_cents,
            s.past_day_off_days,
        )

    def set_language(self, language: str) -> None:
        self.person.language = language

    def set_opted_out(self, opted_out: bool) -> None:
        consent.record(self.session, self.person.id, self.channel, opted_out)

    def join(self, name: str) -> None:
        self.person.name = name
        worker = membership.enrol_worker(
            self.session, self.person.phone, time_zone=self.person.time_zone
        )
        worker.status = WorkerStatus.ACTIVE
        self._roles = None

    def rename(self, name: str) -> None:
        self.person.name = name

    # -- a worker's households -------------------------------------------------------------

    def _worker(self) -> Worker | None:
        return self._load_roles()[0]

    def take_roles(self, rows: Sequence[Sequence[Any]]) -> tuple[Worker | None, Contributor | None]:
        """Who she is, from the rows of a statement made by `with_roles` (read by the caller
        in this transaction, after her row was locked), so that it is not read again."""
        worker = household = None
        if rows:
            roles = rows[0][-ROLE_COLUMNS:]
            split = len(WORKER_COLUMNS)
            if roles[0] is not None:
                worker = attach(self.session, Worker, roles[:split])
            if roles[split] is not None:
                household = attach(self.session, Contributor, roles[split:-1])
        self._covered = tuple(row[-1] for row in rows if row[-1] is not None)
        self._roles = (worker, household)
        return self._roles

    def _load_roles(self) -> tuple[Worker | None, Contributor | None]:
        # Who she is does not change within a message, except by joining (which resets this).
        if self._roles is None:
            self.session.flush()  # a row just added is read, and `attach` finds it unchanged
            values = {"person_id": self.person.id, "period": cover_period(self.person.time_zone)}
            return self.take_roles(self.session.connection().execute(ROLES, values).all())
        return self._roles

    def _covered_products(self) -> tuple[str, ...]:
        self._load_roles()
        return self._covered

    def _is_live_household(self) -> bool:
        """A household with a worker who invited it or works for it, or that still owes for
        visits (a worker removed it: it is asked to pay all the same); one that declined
        everything (a mistyped number, a cleaner another worker added) may join as a worker."""
        household = self._household()
        if household is None:
            return False
        live = (EmploymentStatus.INVITED, EmploymentStatus.ACTIVE)
        return bool(
            self.session.scalar(
                select(Employment.id)
                .where(Employment.household_id == household.id, Employment.status.in_(live))
                .limit(1)
            )
        ) or bool(ledger.open_pledges(self.session, household.account_id))  # removed, still owes

    def _require_worker(self) -> Worker:
        worker = self._worker()
        if worker is None:
            raise LookupError("the person texting is not a worker")
        return worker

    def _household(self) -> Contributor | None:
        return self._load_roles()[1]
