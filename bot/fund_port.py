"""The `conversations.ports.Fund` interface on the database: one person, one transaction."""

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import consent, days_off, ledger, membership
from bot.config import Settings
from bot.ledger import Phase, TransferKind
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
from bot.orm import utcnow
from bot.phone import InvalidPhoneNumber, normalize_phone
from conversations.ports import (
    BalanceView,
    Confirmation,
    DayOff,
    DayOffStatus,
    HistoryLine,
    HouseholdView,
    InvitationView,
    Invite,
    InviteStatus,
    Profile,
    Rates,
    Role,
    VisitView,
)

WHAT = {
    TransferKind.DAY_OFF: "day_off",
    TransferKind.PREMIUM: "insurance",
    TransferKind.REVERSAL: "correction",
}


class DatabaseFund:
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

    # -- a worker's money ------------------------------------------------------------------

    def balance(self) -> BalanceView:
        worker = self._require_worker()
        money = ledger.balance(self.session, worker.account_id)
        full, rest = divmod(max(money.available_cents, 0), self.settings.day_off_cents)
        return BalanceView(
            posted_cents=money.posted_cents,
            pending_cents=money.pending_cents,
            available_cents=money.available_cents,
            pending_days_off=(
                len(days_off.waiting(self.session, worker.account_id)) if money.pending_cents else 0
            ),
            full_days=full,
            half_day=rest >= self.settings.half_day_off_cents,
            day_off_cents=self.settings.day_off_cents,
            half_day_cents=self.settings.half_day_off_cents,
            insured=self._insured(worker),
        )

    def history(self, limit: int) -> list[HistoryLine]:
        worker = self._require_worker()
        # Reservations and voids move no money; read a few more and keep what moved.
        movements = ledger.history(self.session, worker.account_id, limit=limit * 3)
        moved = [m for m in movements if m.phase in (Phase.POSTED, Phase.POST_PENDING)][:limit]
        names = self._account_names({m.counterparty_account_id for m in moved}, worker)
        return [
            HistoryLine(
                day=_local_day(m.created_at, self.person.time_zone),
                amount_cents=m.amount_cents,
                who=names.get(m.counterparty_account_id)
                if m.kind in (TransferKind.CONTRIBUTION, TransferKind.BONUS)
                else None,
                what=WHAT.get(m.kind),
            )
            for m in moved
        ]

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
        household = membership.enrol_household(self.session, phone, time_zone=self.person.time_zone)
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
        result = ledger.contribute(
            self.session,
            key=f"visit:{visit.id}",
            contributor_account_id=employment.household.account_id,
            worker_account_id=employment.worker.account_id,
            amount_cents=amount_cents,
            reference=f"visit {visit.id} on {visit.visit_date.isoformat()}",
        )
        visit.status = VisitStatus.CONFIRMED
        visit.amount_cents = amount_cents
        visit.transfer_id = result.transfer_id
        visit.decided_at = utcnow()
        after = ledger.balance(self.session, employment.worker.account_id)
        return Confirmation(amount_cents, after.posted_cents)

    def decline_visit(self, visit_id: int) -> None:
        visit = self._own_visit(visit_id)
        visit.status = VisitStatus.DECLINED
        visit.decided_at = utcnow()

    # -- days off ----------------------------------------------------------------------------

    def day_off_quote(self, day: date, half: bool) -> DayOff:
        worker = self._require_worker()
        amount = self.settings.half_day_off_cents if half else self.settings.day_off_cents
        available = ledger.balance(self.session, worker.account_id).available_cents
        if any(r.day == day for r in days_off.waiting(self.session, worker.account_id)):
            return DayOff(DayOffStatus.ALREADY, day, amount, available)
        status = DayOffStatus.BOOKED if available >= amount else DayOffStatus.SHORT
        return DayOff(status, day, amount, available)

    def book_day_off(self, day: date, half: bool) -> DayOff:
        quote = self.day_off_quote(day, half)
        if quote.status is not DayOffStatus.BOOKED:
            return quote
        worker = self._require_worker()
        result = ledger.reserve_day_off(
            self.session,
            key=f"day-off:{self.message_key}",
            worker_account_id=worker.account_id,
            payouts_account_id=membership.payouts_account_id(self.session),
            amount_cents=quote.amount_cents,
            day=day,
            portion="half" if half else "full",
        )
        if not result.applied:
            return DayOff(DayOffStatus.SHORT, day, quote.amount_cents, quote.available_cents)
        return DayOff(
            DayOffStatus.BOOKED, day, quote.amount_cents, quote.available_cents, result.transfer_id
        )

    def days_off(self) -> list[DayOff]:
        worker = self._require_worker()
        available = ledger.balance(self.session, worker.account_id).available_cents
        return [
            DayOff(DayOffStatus.BOOKED, r.day, r.amount_cents, available, r.transfer_id)
            for r in days_off.waiting(self.session, worker.account_id)
        ]

    def undo_day_off(self, pending_id: int) -> DayOff:
        worker = self._require_worker()
        reservation = next(
            (
                r
                for r in days_off.waiting(self.session, worker.account_id)
                if r.transfer_id == pending_id
            ),
            None,
        )
        if reservation is None:
            return DayOff(DayOffStatus.GONE, utcnow().date(), 0, 0)
        voided = ledger.void_day_off(
            self.session,
            key=f"undo:{pending_id}",
            pending_transfer_id=pending_id,
            reason="called back by the worker",
        )
        if not voided.applied:  # paid (or called back) a moment ago, by someone else
            return DayOff(DayOffStatus.GONE, reservation.day, reservation.amount_cents, 0)
        available = ledger.balance(self.session, worker.account_id).available_cents
        return DayOff(
            DayOffStatus.CALLED_BACK,
            reservation.day,
            reservation.amount_cents,
            available,
            pending_id,
        )

    def _insured(self, worker: Worker) -> tuple[str, ...]:
        """The products her premiums pay for this month."""
        today = utcnow().astimezone(ZoneInfo(self.person.time_zone)).date()
        period = f"{today.year:04d}-{today.month:02d}"
        return tuple(
            self.session.scalars(
                select(InsuranceCover.product)
                .where(
                    InsuranceCover.worker_id == worker.id,
                    InsuranceCover.period == period,
                    InsuranceCover.status == CoverStatus.COVERED,
                )
                .order_by(InsuranceCover.product.desc())
            )
        )

    # -- helpers -------------------------------------------------------------------------------

    def _worker(self) -> Worker | None:
        return self._load_roles()[0]

    def _load_roles(self) -> tuple[Worker | None, Contributor | None]:
        # Who she is does not change within a message, except by joining (which resets this).
        if self._roles is None:
            worker = self.session.scalar(select(Worker).where(Worker.person_id == self.person.id))
            household = None
            if worker is None or worker.status != WorkerStatus.ACTIVE:
                household = self.session.scalar(
                    select(Contributor).where(Contributor.person_id == self.person.id)
                )
            self._roles = (worker, household)
        return self._roles

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
        worker, household = self._load_roles()
        if household is None and worker is not None:
            household = self.session.scalar(
                select(Contributor).where(Contributor.person_id == self.person.id)
            )
        return household

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

    def _account_names(self, account_ids: set[int], worker: Worker) -> dict[int, str]:
        names: dict[int, str] = {}
        for contributor in self.session.scalars(
            select(Contributor).where(Contributor.account_id.in_(account_ids))
        ):
            employment = self.session.scalar(
                select(Employment).where(
                    Employment.worker_id == worker.id, Employment.household_id == contributor.id
                )
            )
            names[contributor.account_id] = (
                self._label(employment) if employment else contributor.name
            )
        return names


def _masked(phone: str) -> str:
    """How a household without a name appears: '(...0199)'."""
    return f"(...{phone[-4:]})"


def _local_day(moment: datetime, time_zone: str) -> date:
    """The day a stored (UTC) moment falls on where she lives."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone)).date()
