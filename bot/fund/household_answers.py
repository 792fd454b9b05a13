"""A household's answers, as the conversation sees them: invitations, visits, its regular day.

Part of `bot.fund.database_fund.DatabaseFund`, which provides the session and the helpers
declared here.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.fund.matching import apply_matches
from bot.infra.config import Settings
from bot.infra.orm import utcnow
from bot.models import (
    Contributor,
    Employment,
    EmploymentStatus,
    Visit,
    VisitStatus,
)
from conversations.ports import (
    Confirmation,
    InvitationView,
    VisitView,
)


class HouseholdAnswers:
    """The household side of the Fund port."""

    session: Session
    settings: Settings

    def _household(self) -> Contributor | None:
        raise NotImplementedError  # DatabaseFund's

    def _own_visit(self, visit_id: int) -> Visit:
        raise NotImplementedError  # DatabaseFund's

    def _label(self, employment: Employment) -> str:
        raise NotImplementedError  # DatabaseFund's

    def _visit_view(self, visit: Visit, new: bool) -> VisitView:
        raise NotImplementedError  # DatabaseFund's

    # -- a household's answers -------------------------------------------------------------

    def invitations(self) -> list[InvitationView]:
        return [self._worker_of(row) for row in self._my_employments(EmploymentStatus.INVITED)]

    def answer_invitation(self, employment_id: int, accept: bool) -> None:
        household = self._household()
        employment = self.session.get(Employment, employment_id)
        if household is None or employment is None or employment.household_id != household.id:
            raise LookupError("no such invitation for this household")
        employment.status = EmploymentStatus.ACTIVE if accept else EmploymentStatus.DECLINED
        employment.responded_at = utcnow()

    def open_visits(self) -> list[VisitView]:
        household = self._household()
        if household is None:
            return []
        rows = self.session.scalars(
            select(Visit)
            .join(Visit.employment)
            .where(Employment.household_id == household.id, Visit.status == VisitStatus.REPORTED)
            .order_by(Visit.prompt_number, Visit.id)
        ).all()
        return [self._visit_view(row, new=False) for row in rows]

    def set_schedule(self, weekday: int | None) -> list[InvitationView]:
        rows = self._my_employments(EmploymentStatus.ACTIVE)
        for row in rows:
            row.schedule_weekday = weekday
        return [self._worker_of(row) for row in rows]

    def _my_employments(self, status: EmploymentStatus) -> list[Employment]:
        """This household's employments in one status, oldest first."""
        household = self._household()
        if household is None:
            return []
        return list(
            self.session.scalars(
                select(Employment)
                .where(Employment.household_id == household.id, Employment.status == status)
                .order_by(Employment.id)
            )
        )

    def _worker_of(self, employment: Employment) -> InvitationView:
        """The worker of one of this household's employments, as the conversation sees her."""
        return InvitationView(
            employment_id=employment.id,
            worker_name=employment.worker.person.name or "",
            worker_person_id=employment.worker.person_id,
            household_label=self._label(employment),
            amount_cents=employment.amount_per_visit_cents,
        )

    def confirm_visit(self, visit_id: int, amount_cents: int) -> Confirmation:
        visit = self._own_visit(visit_id)
        employment = visit.employment
        # Owed by the household until its money arrives (bot.payments collects it).
        result = ledger.pledge(
            self.session,
            key=f"visit:{visit.id}",
            household_account_id=employment.household.account_id,
            worker_account_id=employment.worker.account_id,
            amount_cents=amount_cents,
            reference=f"visit {visit.id} on {visit.visit_date.isoformat()}",
        )
        # Programs that enrolled her match it in this transaction, under her account's lock.
        matches = apply_matches(self.session, employment.worker, result, amount_cents)
        visit.status = VisitStatus.CONFIRMED
        visit.amount_cents = amount_cents
        visit.transfer_id = result.transfer_id
        visit.decided_at = utcnow()
        after = ledger.balance(self.session, employment.worker.account_id)
        return Confirmation(amount_cents, after.posted_cents, matches)

    def decline_visit(self, visit_id: int) -> None:
        visit = self._own_visit(visit_id)
        visit.status = VisitStatus.DECLINED
        visit.decided_at = utcnow()
