"""An in-memory `conversations.ports.Fund` for transcript tests: no database, no Flask.

A `World` holds people, their households, visits, balances and days off; a `FakeFund` is the
fund as one person texting sees it, as `bot.fund.database_fund.DatabaseFund` is. The semantics
mirror the real one: balances are posted money minus days off waiting to be paid; open visits are
numbered with the smallest number free among that household's open visits; a day already
waiting is ALREADY, and a day the available money does not cover is SHORT.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum

from bot.infra.phone import InvalidPhoneNumber, normalize_phone
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
    VisitStanding,
    VisitView,
)
from tests.conversations.fake_insurance import FakeInsurance
from tests.conversations.fake_payout import FakePayoutChoice, PayoutChoice

RATES = Rates(
    contribution_cents=500,
    day_off_cents=12_000,
    half_day_cents=6_000,
    max_contribution_cents=10_000,
)
DEFAULT_REGION = "US"


class EmploymentStatus(StrEnum):
    """Where a worker and a household stand."""

    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


class VisitStatus(StrEnum):
    """What became of a reported visit."""

    REPORTED = "reported"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class ReservationStatus(StrEnum):
    """What became of a day off."""

    WAITING = "waiting"
    PAID = "paid"
    CALLED_BACK = "called_back"


@dataclass
class Person:
    """Anyone with a phone number."""

    person_id: int
    phone: str
    name: str | None = None
    language: str = "en"
    is_worker: bool = False
    is_household: bool = False
    opted_out: dict[str, bool] = field(default_factory=dict)  # per channel
    insured: tuple[str, ...] = ()


@dataclass
class Employment:
    """A worker and a household she works for."""

    employment_id: int
    worker_id: int  # person ids
    household_id: int
    label: str | None
    status: EmploymentStatus = EmploymentStatus.INVITED
    amount_per_visit_cents: int = RATES.contribution_cents
    schedule_weekday: int | None = None


@dataclass
class Visit:
    """A visit the worker reported."""

    visit_id: int
    employment_id: int
    day: date
    number: int
    status: VisitStatus = VisitStatus.REPORTED
    amount_cents: int | None = None
    paid: bool = False  # the household paid what it confirmed


@dataclass
class Reservation:
    """A day off reserved out of a worker's balance."""

    pending_id: int
    worker_id: int
    day: date
    amount_cents: int
    half: bool
    status: ReservationStatus = ReservationStatus.WAITING


@dataclass(frozen=True)
class Movement:
    """Money that moved in or out of a worker's balance."""

    worker_id: int
    day: date
    amount_cents: int
    who: str | None
    what: str | None = None


class World:
    """Everyone and everything, shared by the funds of the people texting."""

    def __init__(self, today: date, rates: Rates = RATES) -> None:
        self.today = today  # the day money moves on (history lines)
        self.rates = rates
        self.people: dict[int, Person] = {}
        self.employments: dict[int, Employment] = {}
        self.visits: dict[int, Visit] = {}
        self.reservations: dict[int, Reservation] = {}
        self.movements: list[Movement] = []
        self.partner_answers: list[tuple[int, int, bool]] = []  # (worker, partner, accepted)
        self.premiums = {"life": 500, "disability": 1000}  # the fund's products, in order
        self.consents: dict[tuple[int, str], date] = {}  # (worker, product): day of her YES
        self.offers: dict[int, bool] = {}  # worker: whether her last offer is still open
        self.offered_at: dict[int, datetime] = {}  # worker: when it was made (unset: just now)
        self.last_text: dict[int, datetime] = {}  # person: when her last text came in
        self.now = datetime.combine(today, time(15), UTC)  # the clock codes expire by
        self.payout_choices: dict[int, PayoutChoice] = {}  # worker: how she is paid
        self.channels: dict[int, set[str]] = {}  # person: the channels she has texted from
        self._ids = 0

    # -- building the world --------------------------------------------------------------

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def person(self, phone: str) -> Person:
        """The person with this number (any common form), created as a stranger if new."""
        e164 = normalize_phone(phone, DEFAULT_REGION)
        found = next((p for p in self.people.values() if p.phone == e164), None)
        if found is None:
            found = Person(self.next_id(), e164)
            self.people[found.person_id] = found
        return found

    def add_worker(
        self,
        phone: str,
        name: str,
        language: str = "en",
        posted_cents: int = 0,
        offered: bool = True,
    ) -> Person:
        """A worker who has joined, with money already posted; unless told otherwise, she
        has seen the insurance offer and let it pass."""
        person = self.person(phone)
        person.name, person.language, person.is_worker = name, language, True
        if offered:
            self.offers[person.person_id] = False
        if posted_cents:
            self.credit(person.person_id, posted_cents, who="Fund")
        return person

    def add_household(
        self,
        worker: Person,
        phone: str,
        label: str | None = None,
        status: EmploymentStatus = EmploymentStatus.ACTIVE,
    ) -> Employment:
        """A household of the worker's, accepted unless told otherwise."""
        household = self.person(phone)
        household.is_household = True
        employment = Employment(self.next_id(), worker.person_id, household.person_id, label)
        employment.status = status
        self.employments[employment.employment_id] = employment
        return employment

    def credit(self, worker_id: int, cents: int, who: str | None, day: date | None = None) -> None:
        """Money in (or out, if negative) for a worker."""
        self.movements.append(Movement(worker_id, day or self.today, cents, who))

    def pay_day_off(self, pending_id: int) -> None:
        """The fund pays a waiting day off: the money leaves the balance."""
        reservation = self.reservations[pending_id]
        assert reservation.status is ReservationStatus.WAITING
        reservation.status = ReservationStatus.PAID
        self.movements.append(
            Movement(reservation.worker_id, self.today, -reservation.amount_cents, None, "day_off")
        )

    def fund(self, person_id: int, channel: str = "sms") -> "FakeFund":
        return FakeFund(self, person_id, channel)

    # -- reading the world ---------------------------------------------------------------

    def posted_cents(self, worker_id: int) -> int:
        return sum(m.amount_cents for m in self.movements if m.worker_id == worker_id)

    def waiting(self, worker_id: int) -> list[Reservation]:
        """A worker's days off waiting to be paid, soonest first."""
        rows = [
            r
            for r in self.reservations.values()
            if r.worker_id == worker_id and r.status is ReservationStatus.WAITING
        ]
        return sorted(rows, key=lambda r: (r.day, r.pending_id))

    def pending_cents(self, worker_id: int) -> int:
        return sum(r.amount_cents for r in self.waiting(worker_id))

    def available_cents(self, worker_id: int) -> int:
        return self.posted_cents(worker_id) - self.pending_cents(worker_id)

    def employments_of(self, worker_id: int) -> list[Employment]:
        return [e for e in self.employments.values() if e.worker_id == worker_id]

    def open_visits_of(self, household_id: int) -> list[Visit]:
        return [
            v
            for v in self.visits.values()
            if v.status is VisitStatus.REPORTED
            and self.employments[v.employment_id].household_id == household_id
        ]

    def label(self, employment: Employment) -> str:
        """How the worker knows the household: her label, its name, or its masked number."""
        if employment.label:
            return employment.label
        household = self.people[employment.household_id]
        return household.name or masked(household.phone)


class FakeFund(FakeInsurance, FakePayoutChoice):
    """The fund as one person texting sees it."""

    def __init__(self, world: World, person_id: int, channel: str = "sms") -> None:
        self.world = world
        self.me = world.people[person_id]
        self.channel = channel
        world.channels.setdefault(person_id, set()).add(channel)

    # -- who -------------------------------------------------------------------------------

    def profile(self) -> Profile:
        if self.me.is_worker:
            role = Role.WORKER
        elif self.me.is_household and any(
            e.household_id == self.me.person_id
            and e.status in (EmploymentStatus.INVITED, EmploymentStatus.ACTIVE)
            for e in self.world.employments.values()
        ):
            # as in bot/fund/database_fund.py: a household that declined all may join
            role = Role.HOUSEHOLD
        else:
            role = Role.STRANGER
        return Profile(self.me.person_id, role, self.me.name)

    def rates(self) -> Rates:
        return self.world.rates

    def set_language(self, language: str) -> None:
        self.me.language = language

    def set_opted_out(self, opted_out: bool) -> None:
        self.me.opted_out[self.channel] = opted_out

    def join(self, name: str) -> None:
        self.me.name = name
        self.me.is_worker = True

    def rename(self, name: str) -> None:
        self.me.name = name

    # -- a worker's money ------------------------------------------------------------------

    def balance(self) -> BalanceView:
        worker_id = self._require_worker()
        rates = self.world.rates
        available = self.world.available_cents(worker_id)
        full, rest = divmod(max(available, 0), rates.day_off_cents)
        return BalanceView(
            posted_cents=self.world.posted_cents(worker_id),
            pending_cents=self.world.pending_cents(worker_id),
            available_cents=available,
            pending_days_off=len(self.world.waiting(worker_id)),
            full_days=full,
            half_day=rest >= rates.half_day_cents,
            day_off_cents=rates.day_off_cents,
            half_day_cents=rates.half_day_cents,
            insured=self.me.insured,
        )

    def history(self, limit: int, offset: int = 0) -> list[HistoryLine]:
        worker_id = self._require_worker()
        movements = enumerate(self.world.movements)
        mine = [(m.day, n, m) for n, m in movements if m.worker_id == worker_id]
        # Newest first by the day of the work, ties in posting order, as the real fund does.
        newest = [m for _, _, m in sorted(mine, key=lambda each: each[:2], reverse=True)]
        lines = [HistoryLine(m.day, m.amount_cents, m.who, m.what) for m in newest]
        return lines[offset : offset + limit]

    # -- a worker's households -------------------------------------------------------------

    def households(self) -> list[HouseholdView]:
        worker_id = self._require_worker()
        listed = (EmploymentStatus.INVITED, EmploymentStatus.ACTIVE)
        return [
            self._household_view(e)
            for e in sorted(self.world.employments_of(worker_id), key=lambda e: e.employment_id)
            if e.status in listed
        ]

    def invite(self, phone_text: str, label: str | None) -> Invite:
        worker_id = self._require_worker()
        try:
            phone = normalize_phone(phone_text, DEFAULT_REGION)
        except InvalidPhoneNumber:
            return Invite(InviteStatus.BAD_NUMBER)
        if phone == self.me.phone:
            return Invite(InviteStatus.SELF)
        e164 = normalize_phone(phone, DEFAULT_REGION)
        known = any(p.phone == e164 for p in self.world.people.values())
        household = self.world.person(phone)
        if not known:  # someone new starts in the worker's language, as in the real fund
            household.language = self.me.language
        if household.is_worker:
            return Invite(
                InviteStatus.IS_WORKER,
                HouseholdView(0, label or masked(phone), False, household.person_id),
            )
        household.is_household = True
        amount = self.world.rates.contribution_cents
        employment = next(
            (
                e
                for e in self.world.employments_of(worker_id)
                if e.household_id == household.person_id
            ),
            None,
        )
        if employment is not None and employment.status in (
            EmploymentStatus.INVITED,
            EmploymentStatus.ACTIVE,
        ):
            return Invite(InviteStatus.ALREADY, self._household_view(employment), amount)
        if employment is None:
            employment = Employment(
                self.world.next_id(),
                worker_id,
                household.person_id,
                None,
                amount_per_visit_cents=amount,
            )
            self.world.employments[employment.employment_id] = employment
        employment.status = EmploymentStatus.INVITED
        employment.label = label or employment.label
        return Invite(
            InviteStatus.INVITED,
            self._household_view(employment),
            employment.amount_per_visit_cents,
        )

    def remove_household(self, employment_id: int) -> None:
        self._own_employment(employment_id).status = EmploymentStatus.ENDED

    def owed_by(self, employment_id: int) -> int:
        self._own_employment(employment_id)
        return sum(
            v.amount_cents or 0
            for v in self.world.visits.values()
            if v.employment_id == employment_id
            and v.status is VisitStatus.CONFIRMED
            and not v.paid
        )

    def report_visit(self, employment_id: int, day: date) -> VisitView:
        employment = self._own_employment(employment_id)
        known = (VisitStatus.REPORTED, VisitStatus.CONFIRMED)
        earlier = next(
            (
                v
                for v in self.world.visits.values()
                if v.employment_id == employment_id and v.day == day and v.status in known
            ),
            None,
        )
        if earlier is not None:
            return self._visit_view(earlier, new=False)
        taken = {v.number for v in self.world.open_visits_of(employment.household_id)}
        number = next(n for n in range(1, len(taken) + 2) if n not in taken)
        visit = Visit(self.world.next_id(), employment_id, day, number)
        self.world.visits[visit.visit_id] = visit
        view = self._visit_view(visit, new=True)
        return replace(view, others_open=bool(taken))

    # -- a household's answers -------------------------------------------------------------

    def invitations(self) -> list[InvitationView]:
        if not self.me.is_household:
            return []
        rows = sorted(
            (
                e
                for e in self.world.employments.values()
                if e.household_id == self.me.person_id and e.status is EmploymentStatus.INVITED
            ),
            key=lambda e: e.employment_id,
        )
        return [
            InvitationView(
                employment_id=e.employment_id,
                worker_name=self.world.people[e.worker_id].name or "",
                worker_person_id=e.worker_id,
                household_label=self.world.label(e),
                amount_cents=e.amount_per_visit_cents,
            )
            for e in rows
        ]

    def answer_invitation(self, employment_id: int, accept: bool) -> None:
        employment = self.world.employments.get(employment_id)
        if employment is None or employment.household_id != self.me.person_id:
            raise LookupError("no such invitation for this household")
        employment.status = EmploymentStatus.ACTIVE if accept else EmploymentStatus.DECLINED

    def open_visits(self) -> list[VisitView]:
        if not self.me.is_household:
            return []
        rows = sorted(
            self.world.open_visits_of(self.me.person_id), key=lambda v: (v.number, v.visit_id)
        )
        return [self._visit_view(v, new=False) for v in rows]

    def set_schedule(self, weekday: int | None) -> list[InvitationView]:
        rows = [
            e
            for e in sorted(self.world.employments.values(), key=lambda e: e.employment_id)
            if e.household_id == self.me.person_id and e.status is EmploymentStatus.ACTIVE
        ]
        views = []
        for row in rows:
            row.schedule_weekday = weekday
            worker = self.world.people[row.worker_id]
            views.append(
                InvitationView(
                    row.employment_id,
                    worker.name or "",
                    worker.person_id,
                    row.label or "",
                    row.amount_per_visit_cents,
                )
            )
        return views

    def confirm_visit(self, visit_id: int, amount_cents: int) -> Confirmation:
        visit = self._own_visit(visit_id)
        employment = self.world.employments[visit.employment_id]
        self.world.credit(employment.worker_id, amount_cents, who=self.world.label(employment))
        visit.status = VisitStatus.CONFIRMED
        visit.amount_cents = amount_cents
        return Confirmation(amount_cents, self.world.posted_cents(employment.worker_id))

    def decline_visit(self, visit_id: int) -> None:
        self._own_visit(visit_id).status = VisitStatus.DECLINED

    # -- days off ----------------------------------------------------------------------------

    def day_off_quote(self, day: date, half: bool) -> DayOff:
        worker_id = self._require_worker()
        rates = self.world.rates
        amount = rates.half_day_cents if half else rates.day_off_cents
        available = self.world.available_cents(worker_id)
        taken = (ReservationStatus.WAITING, ReservationStatus.PAID)
        if any(
            r.day == day and r.worker_id == worker_id and r.status in taken
            for r in self.world.reservations.values()
        ):
            return DayOff(DayOffStatus.ALREADY, day, amount, available, half=half)
        if not half and any(
            v.day == day
            and v.status is VisitStatus.CONFIRMED
            and self.world.employments[v.employment_id].worker_id == worker_id
            for v in self.world.visits.values()
        ):
            return DayOff(DayOffStatus.WORKED, day, amount, available, half=half)
        status = DayOffStatus.BOOKED if available >= amount else DayOffStatus.SHORT
        return DayOff(status, day, amount, available, half=half)

    def book_day_off(self, day: date, half: bool) -> DayOff:
        quote = self.day_off_quote(day, half)
        if quote.status is not DayOffStatus.BOOKED:
            return quote
        reservation = Reservation(
            self.world.next_id(), self._require_worker(), day, quote.amount_cents, half
        )
        self.world.reservations[reservation.pending_id] = reservation
        return DayOff(
            DayOffStatus.BOOKED,
            day,
            quote.amount_cents,
            quote.available_cents,
            reservation.pending_id,
            half,
        )

    def days_off(self) -> list[DayOff]:
        worker_id = self._require_worker()
        available = self.world.available_cents(worker_id)
        return [
            DayOff(DayOffStatus.BOOKED, r.day, r.amount_cents, available, r.pending_id, r.half)
            for r in self.world.waiting(worker_id)
        ]

    def undo_day_off(self, pending_id: int) -> DayOff:
        worker_id = self._require_worker()
        reservation = next(
            (r for r in self.world.waiting(worker_id) if r.pending_id == pending_id), None
        )
        if reservation is None:
            return DayOff(DayOffStatus.GONE, self.world.today, 0, 0)
        reservation.status = ReservationStatus.CALLED_BACK
        return DayOff(
            DayOffStatus.CALLED_BACK,
            reservation.day,
            reservation.amount_cents,
            self.world.available_cents(worker_id),
            pending_id,
            reservation.half,
        )

    def answer_partner(self, partner_id: int, accept: bool) -> None:
        self.world.partner_answers.append((self._require_worker(), partner_id, accept))

    # -- helpers -----------------------------------------------------------------------------

    def _require_worker(self) -> int:
        if not self.me.is_worker:
            raise LookupError("the person texting is not a worker")
        return self.me.person_id

    def _own_employment(self, employment_id: int) -> Employment:
        employment = self.world.employments.get(employment_id)
        if employment is None or employment.worker_id != self._require_worker():
            raise LookupError("no such household for this worker")
        return employment

    def _own_visit(self, visit_id: int) -> Visit:
        visit = self.world.visits.get(visit_id)
        if (
            visit is None
            or self.world.employments[visit.employment_id].household_id != self.me.person_id
        ):
            raise LookupError("no such visit for this household")
        return visit

    def _household_view(self, employment: Employment) -> HouseholdView:
        return HouseholdView(
            employment_id=employment.employment_id,
            label=self.world.label(employment),
            active=employment.status is EmploymentStatus.ACTIVE,
            person_id=employment.household_id,
        )

    def _visit_view(self, visit: Visit, new: bool) -> VisitView:
        employment = self.world.employments[visit.employment_id]
        return VisitView(
            visit_id=visit.visit_id,
            number=visit.number,
            worker_name=self.world.people[employment.worker_id].name or "",
            worker_person_id=employment.worker_id,
            household_label=self.world.label(employment),
            household_person_id=employment.household_id,
            day=visit.day,
            amount_cents=visit.amount_cents or employment.amount_per_visit_cents,
            new=new,
            standing=_standing(visit),
            household_stopped=any(self.world.people[employment.household_id].opted_out.values()),
        )


def _standing(visit: Visit) -> VisitStanding:
    if visit.status is not VisitStatus.CONFIRMED:
        return VisitStanding.ASKED
    return VisitStanding.PAID if visit.paid else VisitStanding.CONFIRMED


def masked(phone: str) -> str:
    """How a household without a name appears: '(...0199)'."""
    return f"(...{phone[-4:]})"
