"""The `conversations.ports.Fund` interface on the database: one person, one transaction."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from bot.fund import membership
from bot.fund.household_answers import HouseholdAnswers
from bot.fund.worker_insurance import WorkerInsurance
from bot.fund.worker_money import WorkerMoney, cover_period
from bot.infra.config import Settings
from bot.infra.orm import utcnow
from bot.infra.phone import InvalidPhoneNumber, normalize_phone
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
from bot.texting import consent
from conversations.ports import (
    HouseholdView,
    Invite,
    InviteStatus,
    Profile,
    Rates,
    Role,
    VisitView,
)


def with_roles(statement: Select[Any]) -> Select[Any]:
    """The statement (FROM people, one person) with who she is as its last three columns: her
    worker and household rows (either may be missing) and the insurance products covered this
    month (a row each, or one of NULL); `:period` is `cover_period` of her time zone."""
    return (
        statement.add_columns(Worker, Contributor, InsuranceCover.product)
        .outerjoin(Worker, Worker.person_id == Person.id)
        .outerjoin(Contributor, Contributor.person_id == Person.id)
        .outerjoin(
            InsuranceCover,
            and_(
                InsuranceCover.worker_id == Worker.id,
                InsuranceCover.period == bindparam("period"),
                InsuranceCover.status == CoverStatus.COVERED,
            ),
        )
        .order_by(InsuranceCover.product.desc())
    )


# Who she is, in one round trip whatever she texts (bot.channel.inbox reads it along with what
# it reads once she is locked, and hands the rows over: `take_roles`). Built once: a statement
# made per message costs more Python than the query costs PostgreSQL.
ROLES = with_roles(select().select_from(Person).where(Person.id == bindparam("person_id")))


class DatabaseFund(WorkerMoney, WorkerInsurance, HouseholdAnswers):
    """The fund as the person texting sees it, read and written through one session."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        person: Person,
        channel: Channel,
        message_key: str,
    ) -> None:
        self.session = session
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

    # -- a worker's households -------------------------------------------------------------

    def households(self) -> list[HouseholdView]:
        worker = self._require_worker()
        rows = self.session.scalars(
            select(Employment)
            .where(
                Employment.worker_id == worker.id,
                Employment.status.in_([EmploymentStatus.INVITED, EmploymentStatus.ACTIVE]),
            )
            .order_by(Employment.id)
        ).all()
        return [self._household_view(row) for row in rows]

    def invite(self, phone_text: str, label: str | None) -> Invite:
        worker = self._require_worker()
        try:
            phone = normalize_phone(phone_text, self.settings.default_region)
        except InvalidPhoneNumber:
            return Invite(InviteStatus.BAD_NUMBER)
        if phone == self.person.phone:
            return Invite(InviteStatus.SELF)
        other = membership.find_worker(self.session, phone)
        if other is not None and other.status == WorkerStatus.ACTIVE:
            return Invite(
                InviteStatus.IS_WORKER,
                HouseholdView(0, label or _masked(phone), False, other.person_id),
            )
        # Someone new starts in the worker's language (the invitation says how to pick another,
        # and a household that answers in another language is answered in it from then on).
        household = membership.enrol_household(
            self.session, phone, time_zone=self.person.time_zone, language=self.person.language
        )
        employment = self.session.scalar(
            select(Employment).where(
                Employment.worker_id == worker.id, Employment.household_id == household.id
            )
        )
        amount = self.settings.contribution_default_cents
        if employment is not None and employment.status in (
            EmploymentStatus.INVITED,
            EmploymentStatus.ACTIVE,
        ):
            return Invite(InviteStatus.ALREADY, self._household_view(employment), amount)
        if employment is None:
            employment = Employment(
                worker_id=worker.id, household_id=household.id, amount_per_visit_cents=amount
            )
            self.session.add(employment)
        employment.status = EmploymentStatus.INVITED
        employment.label = label or employment.label
        self.session.flush()
        return Invite(
            InviteStatus.INVITED,
            self._household_view(employment),
            employment.amount_per_visit_cents,
        )

    def remove_household(self, employment_id: int) -> None:
        employment = self._own_employment(employment_id)
        employment.status = EmploymentStatus.ENDED
        employment.ended_at = utcnow()

    def report_visit(
        self, employment_id: int, day: date, reporter: VisitReporter = VisitReporter.WORKER
    ) -> VisitView:
        employment = self._own_employment(employment_id)
        visit = self.session.scalar(
            select(Visit).where(
                Visit.employment_id == employment.id,
                Visit.visit_date == day,
                Visit.status.in_([VisitStatus.REPORTED, VisitStatus.CONFIRMED]),
            )
        )
        if visit is not None:
            return self._visit_view(visit, new=False)
        visit = Visit(
            employment_id=employment.id,
            visit_date=day,
            reported_by=reporter,
            prompt_number=self._free_prompt_number(employment.household_id),
        )
        self.session.add(visit)
        self.session.flush()
        others = self._open_visit_count(employment.household_id) > 1
        return replace(self._visit_view(visit, new=True), others_open=others)

    # -- helpers -------------------------------------------------------------------------------

    def _worker(self) -> Worker | None:
        return self._load_roles()[0]

    def take_roles(self, rows: Sequence[Row[Any]]) -> tuple[Worker | None, Contributor | None]:
        """Who she is, from the rows of a statement made by `with_roles` (read by the caller
        in this transaction, after her row was locked), so that it is not read again."""
        worker, household = (rows[0][-3], rows[0][-2]) if rows else (None, None)
        self._covered = tuple(row[-1] for row in rows if row[-1] is not None)
        self._roles = (worker, household)
        return self._roles

    def _load_roles(self) -> tuple[Worker | None, Contributor | None]:
        # Who she is does not change within a message, except by joining (which resets this).
        if self._roles is None:
            return self.take_roles(
                self.session.execute(
                    ROLES,
                    {"person_id": self.person.id, "period": cover_period(self.person.time_zone)},
                ).all()
            )
        return self._roles

    def _covered_products(self) -> tuple[str, ...]:
        self._load_roles()
        return self._covered

    def _is_live_household(self) -> bool:
        """A household with a worker who invited it or works for it; one that declined
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
        )

    def _require_worker(self) -> Worker:
        worker = self._worker()
        if worker is None:
            raise LookupError("the person texting is not a worker")
        return worker

    def _household(self) -> Contributor | None:
        return self._load_roles()[1]

    def _own_employment(self, employment_id: int) -> Employment:
        employment = self.session.get(Employment, employment_id)
        if employment is None or employment.worker_id != self._require_worker().id:
            raise LookupError("no such household for this worker")
        return employment

    def _own_visit(self, visit_id: int) -> Visit:
        household = self._household()
        visit = self.session.get(Visit, visit_id)
        if household is None or visit is None or visit.employment.household_id != household.id:
            raise LookupError("no such visit for this household")
        return visit

    def _open_visit_count(self, household_id: int) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(Visit)
                .join(Visit.employment)
                .where(
                    Employment.household_id == household_id, Visit.status == VisitStatus.REPORTED
                )
            )
            or 0
        )

    def _free_prompt_number(self, household_id: int) -> int:
        # Two workers of one household reporting at once must not get the same number.
        self.session.execute(
            select(Contributor.id).where(Contributor.id == household_id).with_for_update()
        )
        taken = set(
            self.session.scalars(
                select(Visit.prompt_number)
                .join(Visit.employment)
                .where(
                    Employment.household_id == household_id, Visit.status == VisitStatus.REPORTED
                )
            )
        )
        return next(n for n in range(1, len(taken) + 2) if n not in taken)

    def _label(self, employment: Employment) -> str:
        household = employment.household
        if employment.label:
            return employment.label
        if household.person is not None:
            return household.person.name or _masked(household.person.phone)
        return household.name

    def _household_view(self, employment: Employment) -> HouseholdView:
        return HouseholdView(
            employment_id=employment.id,
            label=self._label(employment),
            active=employment.status == EmploymentStatus.ACTIVE,
            person_id=employment.household.person_id or 0,
        )

    def _visit_view(self, visit: Visit, new: bool) -> VisitView:
        employment = visit.employment
        return VisitView(
            visit_id=visit.id,
            number=visit.prompt_number,
            worker_name=employment.worker.person.name or "",
            worker_person_id=employment.worker.person_id,
            household_label=self._label(employment),
            household_person_id=employment.household.person_id or 0,
            day=visit.visit_date,
            amount_cents=employment.amount_per_visit_cents,
            new=new,
        )


def _masked(phone: str) -> str:
    """How a household without a name appears: '(...0199)'."""
    return f"(...{phone[-4:]})"
