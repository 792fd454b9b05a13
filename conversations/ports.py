"""What a conversation needs from the fund, as a Protocol that `bot` implements.

Each method acts for the person texting; writes happen in the caller's transaction.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from conversations.payout_ports import (
    PayoutChangeRequest,
    PayoutCodeResult,
    PayoutMethodView,
)


class Role(StrEnum):
    """What the person texting is to the fund."""

    STRANGER = "stranger"  # unknown, or has not finished joining
    WORKER = "worker"
    HOUSEHOLD = "household"


@dataclass(frozen=True)
class Profile:
    """Who is texting."""

    person_id: int
    role: Role
    name: str | None


@dataclass(frozen=True)
class Rates:
    """What the fund pays and suggests, in cents."""

    contribution_cents: int  # suggested per visit
    day_off_cents: int
    half_day_cents: int
    max_contribution_cents: int  # the most one visit may add
    past_day_off_days: int = 7  # how far back a missed day may be claimed


@dataclass(frozen=True)
class BalanceView:
    """A worker's money, in cents."""

    posted_cents: int
    pending_cents: int
    available_cents: int
    pending_days_off: int
    full_days: int  # full days off the available money pays for
    half_day: bool  # and a half day on top
    day_off_cents: int
    half_day_cents: int
    insured: tuple[str, ...]  # insurance products in force: "life", "disability"
    uncollected_cents: int = 0  # of posted_cents, confirmed by households and not paid yet


@dataclass(frozen=True)
class HistoryLine:
    """One movement: signed amount, day, and who paid or what it paid for."""

    day: date
    amount_cents: int
    who: str | None  # who paid, for money in
    what: str | None = None  # for money out or back: "day_off", "insurance", "correction"


@dataclass(frozen=True)
class InsuranceProduct:
    """One insurance product the fund sells, and whether she chose it."""

    number: int  # its place in the fund's list, the same in every text ("YES 2")
    product: str  # "life", "disability"
    price_cents: int  # a month
    held: bool  # she said YES and has not stopped it
    first_charge: date | None = None  # held: the day its first premium is (or was) taken


@dataclass(frozen=True)
class InsuranceView:
    """Her insurance: every product, whether an offer is open, and the next charge."""

    products: tuple[InsuranceProduct, ...]
    offer_open: bool
    next_charge_day: date
    next_charge_cents: int  # what the products she holds take on that day
    # The open offer is recent (an hour) or the last thing she was asked: a bare YES, NO or
    # "ok" may answer it. Later only YES and a product's number does ("YES 2").
    offer_fresh: bool = False


@dataclass(frozen=True)
class GivenView:
    """What a household added to one worker's benefits in a year."""

    worker_name: str
    amount_cents: int


@dataclass(frozen=True)
class HouseholdView:
    """One of a worker's households."""

    employment_id: int
    label: str  # her name for it, or its masked number
    active: bool  # accepted (else invited, waiting)
    person_id: int


class InviteStatus(StrEnum):
    """What became of ADD and a number."""

    INVITED = "invited"
    ALREADY = "already"
    SELF = "self"
    IS_WORKER = "is_worker"
    BAD_NUMBER = "bad_number"


@dataclass(frozen=True)
class Invite:
    """The outcome of inviting a household."""

    status: InviteStatus
    household: HouseholdView | None = None
    amount_cents: int = 0


@dataclass(frozen=True)
class InvitationView:
    """An invitation a household has not answered yet."""

    employment_id: int
    worker_name: str
    worker_person_id: int
    household_label: str  # how the worker knows this household
    amount_cents: int


class VisitStanding(StrEnum):
    """Where a reported visit's contribution stands."""

    ASKED = "asked"  # the household has not answered yet
    CONFIRMED = "confirmed"  # it confirmed; the money is not paid in yet
    PAID = "paid"  # it confirmed and paid


@dataclass(frozen=True)
class VisitView:
    """A visit waiting for a household's confirmation."""

    visit_id: int
    number: int  # how the household tells open visits apart ("YES 2")
    worker_name: str
    worker_person_id: int
    household_label: str  # how the worker knows this household
    household_person_id: int
    day: date
    amount_cents: int  # suggested; once confirmed, the amount confirmed
    new: bool = True  # False: this visit had already been reported
    standing: VisitStanding = VisitStanding.ASKED
    others_open: bool = False  # the household has other visits to answer too
    household_stopped: bool = False  # the household texted STOP: it cannot be asked


@dataclass(frozen=True)
class Match:
    """What a program added to match a household's contribution."""

    program: str
    amount_cents: int


@dataclass(frozen=True)
class Confirmation:
    """A confirmed contribution, any programs' matches of it, and the worker's balance after."""

    amount_cents: int
    worker_balance_cents: int
    matches: tuple[Match, ...] = ()


class DayOffStatus(StrEnum):
    """What became of a day-off request."""

    BOOKED = "booked"
    SHORT = "short"  # not enough available
    ALREADY = "already"  # a request for that day is already waiting
    CALLED_BACK = "called_back"  # was waiting, and she called it back
    GONE = "gone"  # no longer waiting (paid or called back before)
    WORKED = "worked"  # a household confirmed she worked that day: not a missed whole day


@dataclass(frozen=True)
class DayOff:
    """A day off, booked or not, and what it pays."""

    status: DayOffStatus
    day: date
    amount_cents: int
    available_cents: int
    pending_id: int | None = None
    half: bool = False  # a half day off


class Fund(Protocol):
    """The fund, as seen by the person texting."""

    def profile(self) -> Profile:
        """Who is texting."""
        ...

    def rates(self) -> Rates:
        """The fund's rates."""
        ...

    def set_language(self, language: str) -> None:
        """Remember her language."""
        ...

    def set_opted_out(self, opted_out: bool) -> None:
        """Record STOP or START on the channel she texted from."""
        ...

    def join(self, name: str) -> None:
        """Make her a worker with a benefit account."""
        ...

    def rename(self, name: str) -> None:
        """Change the first name households see in our texts."""
        ...

    def balance(self) -> BalanceView:
        """Her balance."""
        ...

    def history(self, limit: int, offset: int = 0) -> list[HistoryLine]:
        """Her movements, newest first, skipping the `offset` newest."""
        ...

    def insurance(self) -> InsuranceView:
        """Her insurance products, chosen or not."""
        ...

    def offer_insurance(self) -> None:
        """Record that she was offered insurance now: a YES may answer it."""
        ...

    def decline_insurance(self) -> None:
        """She said NO to the offer: a later YES answers nothing."""
        ...

    def choose_insurance(self, product: str) -> bool:
        """Record her YES to a product with this message; False if she has it already."""
        ...

    def stop_insurance(self, product: str) -> bool:
        """Stop a product she holds, with this message; False if she does not hold it."""
        ...

    def given_this_year(self) -> list[GivenView]:
        """What this household added to each worker's benefits this year."""
        ...

    def households(self) -> list[HouseholdView]:
        """Her households, invited or active, oldest first."""
        ...

    def invite(self, phone_text: str, label: str | None) -> Invite:
        """Invite a household by a number written any common way."""
        ...

    def remove_household(self, employment_id: int) -> None:
        """End her relationship with a household; what it owes stays owed."""
        ...

    def owed_by(self, employment_id: int) -> int:
        """What one of her households confirmed for her visits and has not paid, in cents."""
        ...

    def report_visit(self, employment_id: int, day: date) -> VisitView:
        """Record a visit and ask the household to confirm it."""
        ...

    def invitations(self) -> list[InvitationView]:
        """Invitations this household has not answered, oldest first."""
        ...

    def answer_invitation(self, employment_id: int, accept: bool) -> None:
        """Accept or decline an invitation."""
        ...

    def open_visits(self) -> list[VisitView]:
        """Visits this household has not confirmed or declined, by number."""
        ...

    def set_schedule(self, weekday: int | None) -> list[InvitationView]:
        """Ask this household about visits every week on that day (None: stop); return the
        workers it applies to (its active employments)."""
        ...

    def confirm_visit(self, visit_id: int, amount_cents: int) -> Confirmation:
        """Confirm a visit's contribution: the money moves to the worker."""
        ...

    def decline_visit(self, visit_id: int) -> None:
        """Decline a visit's contribution."""
        ...

    def day_off_quote(self, day: date, half: bool) -> DayOff:
        """What a day off would pay and whether she can afford it; nothing is booked."""
        ...

    def book_day_off(self, day: date, half: bool) -> DayOff:
        """Reserve a day off (pending payout)."""
        ...

    def days_off(self) -> list[DayOff]:
        """Her days off waiting to be paid, soonest first."""
        ...

    def undo_day_off(self, pending_id: int) -> DayOff:
        """Call back a day off that is not paid yet."""
        ...

    def answer_partner(self, partner_id: int, accept: bool) -> None:
        """Her answer to a partner that asked to pay into her account."""
        ...

    def payout_method(self) -> PayoutMethodView:
        """How she is paid and what she may change it to."""
        ...

    def request_payout_change(self, method: str) -> PayoutChangeRequest:
        """Start a change to this method: a one-time code for her number, kept hashed."""
        ...

    def enter_payout_code(self, code: str) -> PayoutCodeResult:
        """Her code for the change waiting: right and in time makes the change."""
        ...

    def cancel_payout_change(self) -> bool:
        """Drop the change waiting for a code; False if none was waiting."""
        ...
