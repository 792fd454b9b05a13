"""A worker's households, as the conversation sees them: inviting, listing, removing, and
reporting a visit; and the views of households and visits the other sides share.

Part of `bot.fund.database_fund.DatabaseFund`, which provides the session, the person and the
helpers declared here.
"""

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import ledger
from bot.fund import membership
from bot.infra.config import Settings
from bot.infra.orm import utcnow
from bot.infra.phone import InvalidPhoneNumber, normalize_phone
from bot.models import (
    Channel,
    ChannelConsent,
    Contributor,
    Employment,
    EmploymentStatus,
    Person,
    Visit,
    VisitReporter,
    VisitStatus,
    Worker,
    WorkerStatus,
)
from conversations.ports import HouseholdView, Invite, InviteStatus, VisitStanding, VisitView


class WorkerHouseholds:
    """The worker's households side of the Fund port."""

    session: Session
    settings: Settings
    person: Person

    def _require_worker(self) -> Worker:
        raise NotImplementedError  # DatabaseFund's

    def _household(self) -> Contributor | None:
        raise NotImplementedError  # DatabaseFund's: read with who she is

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

    def owed_by(self, employment_id: int) -> int:
        employment = self._own_employment(employment_id)
        worker_account = employment.worker.account_id
        pledges = ledger.open_pledges(self.session, employment.household.account_id)
        return sum(p.amount for p in pledges if p.credit_account_id == worker_account)

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
            amount_cents=visit.amount_cents or employment.amount_per_visit_cents,
            new=new,
            standing=self._standing(visit),
            household_stopped=self._stopped(employment.household.person),
        )

    def _stopped(self, person: Person | None) -> bool:
        """Whether a household texted STOP where its notices go (the channel it last used)."""
        if person is None:
            return False
        consent = self.session.get(ChannelConsent, (person.id, Channel(person.last_channel)))
        return bool(consent and consent.opted_out)

    def _standing(self, visit: Visit) -> VisitStanding:
        """Asked, confirmed, or confirmed and paid: its pledge collected against a payment."""
        if visit.status != VisitStatus.CONFIRMED:  # the column reads back a plain string
            return VisitStanding.ASKED
        collected = visit.transfer_id is not None and self.session.scalar(
            select(ledger.Transfer.id).where(
                ledger.Transfer.pending_id == visit.transfer_id,
                ledger.Transfer.phase == ledger.Phase.POST_PENDING,
            )
        )
        return VisitStanding.PAID if collected else VisitStanding.CONFIRMED


def _masked(phone: str) -> str:
    """How a household without a name appears: '(...0199)'."""
    return f"(...{phone[-4:]})"
