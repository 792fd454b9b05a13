"""`benefits-bot demo`: a believable fund, built through the fund's own operations.

Nothing here writes money by hand: workers and households are enrolled by `bot.fund.membership`,
invitations, visits, answers and days off go through the conversation's Fund port
(`bot.fund.database_fund.DatabaseFund`), money through the ledger's keyed operations, the
partner through `bot.partners`, and the workers' last texts through `bot.channel.inbox`, as if
they had texted. Each step runs at the moment it stands for (`bot.infra.orm.replaying_at`), so
the dashboard shows three months of history. The notices it writes are settled (delivered, or
one failed) and never sent.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import ledger
from bot.channel import inbox
from bot.channel.notice_status import set_status
from bot.fund import membership, payouts
from bot.fund.database_fund import DatabaseFund
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.infra.orm import as_utc, replaying_at, utcnow
from bot.infra.runtime import Runtime
from bot.models import Channel, ConversationRecord, OutboundMessage, OutboundStatus, Person
from bot.ops import demo_cast as cast
from bot.partners import contributions, enrolment, registry
from bot.texting.notices import write_notice
from conversations import messages as m
from conversations.flows import visits
from conversations.states import State
from conversations.talk import Money, Notice, Say

UNREACHABLE = 30003  # Twilio: the handset was off or out of reach
RECEIPT_DAYS = 14  # receipts are written for the last two weeks of contributions


@dataclass
class Summary:
    """What the demo fund holds, for the closing lines of the command."""

    area_code: str
    workers: int = 0
    languages: tuple[str, ...] = ()
    households: int = 0
    contributions: int = 0
    contributed_cents: int = 0
    bonuses: int = 0
    bonus_cents: int = 0
    partner: str = cast.PARTNER
    day_off_paid: int | None = None
    day_off_waiting: int | None = None
    failed_notice: int | None = None
    try_phone: str = ""
    try_name: str = ""
    try_household_phone: str = ""  # a household with a visit of hers to confirm
    try_household: str = ""


def people_in(session: Session) -> int:
    """How many people the database knows (a fund already in use has some)."""
    return session.scalar(select(func.count()).select_from(Person)) or 0


def free_area_code(session: Session) -> str | None:
    """The first area code whose demo numbers nobody has, if any is left."""
    numbers = [*cast.WORKER_NUMBERS, *cast.HOUSEHOLD_NUMBERS]
    for area_code in cast.AREA_CODES:
        phones = [cast.phone(area_code, n) for n in numbers]
        if not session.scalar(select(func.count()).where(Person.phone.in_(phones))):
            return area_code
    return None


def build(runtime: Runtime, area_code: str) -> Summary:
    """Write the demo fund on the numbers of the area code; return what it holds."""
    now = utcnow()
    summary = run_in_transaction(
        runtime.sessions, lambda session: Story(session, runtime.settings, area_code, now).tell()
    )
    _last_texts(runtime, area_code, now)
    return summary


@dataclass
class Story:
    """Three months of one fund, told in order, in one transaction."""

    session: Session
    settings: Settings
    area_code: str
    now: datetime
    rng: random.Random = field(default_factory=cast.story_random)
    workers: list[Person] = field(default_factory=list)
    households: dict[int, Person] = field(default_factory=dict)  # by index in HOUSEHOLDS
    employments: dict[tuple[int, int], int] = field(default_factory=dict)
    notices: list[OutboundMessage] = field(default_factory=list)  # settled at the end

    def __post_init__(self) -> None:
        self.summary = Summary(self.area_code)
        self.zone = ZoneInfo(self.settings.default_time_zone)
        self.today = self.now.astimezone(self.zone).date()

    def tell(self) -> Summary:
        """Everything that happened, oldest first."""
        start = self.today - timedelta(days=cast.DAYS)
        jobs = cast.jobs(self.rng)
        self._enrol(jobs, start)
        plans = cast.visits(self.rng, jobs, start, self.today - timedelta(days=1))
        milestones = {
            start + timedelta(days=20): self._partner,
            self.today - timedelta(days=45): self._paid_day_off,
            self.today - timedelta(days=2): self._waiting_day_off,
        }
        for plan in plans:  # a milestone happens once its day's visits are done
            for day in sorted(d for d in milestones if d < plan.day):
                milestones.pop(day)(day)
            self._visit(plan)
        for day, milestone in sorted(milestones.items()):
            milestone(day)
        self._visit_waiting(next(job for job in jobs if job.worker == 0))
        self._settle_notices()
        return self.summary

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A moment of a day, where the fund is."""
        return datetime.combine(day, time(hour, minute), self.zone)

    def fund(self, person: Person, key: str) -> DatabaseFund:
        """The fund as this person's texts see it (keys of her days off carry `key`)."""
        return DatabaseFund(self.session, self.settings, person, Channel.SMS, key)

    # -- who ---------------------------------------------------------------------------------

    def _enrol(self, jobs: list[cast.Job], start: date) -> None:
        """Households first (each named), then each worker joins and invites hers."""
        zone = self.settings.default_time_zone
        for index in sorted({job.household for job in jobs}):
            name, _label, language = cast.HOUSEHOLDS[index]
            with replaying_at(self.at(start - timedelta(days=70), 9)):
                number = cast.phone(self.area_code, cast.HOUSEHOLD_NUMBERS[index])
                person = membership.person_for(
                    self.session, number, language=language, time_zone=zone
                )
                person.name = name
                membership.enrol_household(self.session, number, time_zone=zone, name=name)
                self.households[index] = person
        for index, (name, language) in enumerate(cast.WORKERS):
            joined = start - timedelta(days=self.rng.randint(3, 60))
            with replaying_at(self.at(joined, 18, self.rng.randrange(60))):
                number = cast.phone(self.area_code, cast.WORKER_NUMBERS[index])
                worker = membership.enrol_worker(
                    self.session, number, time_zone=zone, language=language, name=name
                )
                self.workers.append(worker.person)
                self.session.add(ConversationRecord(person_id=worker.person_id, state=State.IDLE))
            self._invite([job for job in jobs if job.worker == index], joined)
        self.summary.workers = len(self.workers)
        self.summary.languages = tuple(dict.fromkeys(person.language for person in self.workers))
        self.summary.households = len(self.households)

    def _invite(self, jobs: list[cast.Job], joined: date) -> None:
        """She adds each household by its number; each accepts the next day."""
        for job in jobs:
            worker, household = self.workers[job.worker], self.households[job.household]
            with replaying_at(self.at(joined, 19)):
                invited = self.fund(worker, "demo").invite(
                    household.phone, cast.HOUSEHOLDS[job.household][1]
                )
            employment_id = invited.household.employment_id  # type: ignore[union-attr]
            with replaying_at(self.at(joined + timedelta(days=1), 8, self.rng.randrange(60))):
                self.fund(household, "demo").answer_invitation(employment_id, accept=True)
            self.employments[(job.worker, job.household)] = employment_id

    # -- what happened -----------------------------------------------------------------------

    def _visit(self, plan: cast.VisitPlan) -> None:
        """She reports the visit in the afternoon; the household answers in the evening."""
        worker = self.workers[plan.job.worker]
        household = self.households[plan.job.household]
        employment_id = self.employments[(plan.job.worker, plan.job.household)]
        with replaying_at(self.at(plan.day, 16, self.rng.randrange(60))):
            visit = self.fund(worker, "demo").report_visit(employment_id, plan.day)
        with replaying_at(self.at(plan.day, 19, self.rng.randrange(60))):
            answering = self.fund(household, "demo")
            if plan.cents is None:
                answering.decline_visit(visit.visit_id)
                return
            confirmed = answering.confirm_visit(visit.visit_id, plan.cents)
            self.summary.contributions += 1
            self.summary.contributed_cents += plan.cents
            if (self.today - plan.day).days <= RECEIPT_DAYS:
                receipt = Say(
                    m.RECEIPT,
                    {
                        "household": visit.household_label,
                        "amount": Money(plan.cents),
                        "balance": Money(confirmed.worker_balance_cents),
                    },
                )
                self._notice(write_notice(self.session, Notice(worker.id, "receipt", (receipt,))))

    def _visit_waiting(self, job: cast.Job) -> None:
        """The first worker reported today's visit an hour ago; the household has not
        answered yet (its YES, in `benefits-bot chat`, confirms it)."""
        worker, household = self.workers[job.worker], self.households[job.household]
        employment_id = self.employments[(job.worker, job.household)]
        with replaying_at(self.now - timedelta(hours=1)):
            visit = self.fund(worker, "demo").report_visit(employment_id, self.today)
            question = Notice(household.id, "visit_prompt", (visits.prompt(visit),))
            self._notice(write_notice(self.session, question))
        self.summary.try_phone, self.summary.try_name = worker.phone, cast.WORKERS[job.worker][0]
        self.summary.try_household_phone = household.phone
        self.summary.try_household = cast.HOUSEHOLDS[job.household][1]

    def _partner(self, day: date) -> None:
        """A cleaning platform joins and gives three of its workers a jump-start."""
        with replaying_at(self.at(day, 11)):
            partner = registry.find_partner(self.session, cast.PARTNER) or registry.create_partner(
                self.session, cast.PARTNER, ledger.AccountKind.PLATFORM
            )
        for minutes, worker in enumerate(self.rng.sample(self.workers, 3)):
            with replaying_at(self.at(day, 11, 5 + minutes)):
                enrolled = enrolment.enrol(
                    self.session, self.settings, partner, worker.phone, worker.language
                )
                for outbox_id in enrolled.outbox_ids:
                    self._notice(self.session.get_one(OutboundMessage, outbox_id))
            with replaying_at(self.at(day, 12, 5 + minutes)):
                self._accepts_partner(worker, partner.id)
                payment = contributions.Payment(worker.phone, cast.JUMP_START_CENTS, "jump-start")
                contributions.grant_bonus(self.session, partner, payment)
            self.summary.bonuses += 1
            self.summary.bonus_cents += cast.JUMP_START_CENTS

    def _accepts_partner(self, worker: Person, partner_id: int) -> None:
        """Her YES to the platform's question, as the conversation applies it."""
        self.fund(worker, "partner").answer_partner(partner_id, accept=True)
        record = self.session.get_one(ConversationRecord, worker.id)
        record.state, record.data, record.asked_at = State.IDLE, {}, None

    def _paid_day_off(self, day: date) -> None:
        """The worker with the most saved takes a day off the next week, paid the day after."""
        booked = self._book(day, day + timedelta(days=6), "paid")
        if booked is None:
            return
        self.summary.day_off_paid = booked
        with replaying_at(self.at(day + timedelta(days=7), 10)):
            how = payouts.HowPaid("check", f"demo check {booked}", "demo")
            settled = payouts.pay(self.session, booked, how)
            for outbox_id in settled.outbox_ids:
                self._notice(self.session.get_one(OutboundMessage, outbox_id))

    def _waiting_day_off(self, day: date) -> None:
        """Another asks for a day off next week: reserved, waiting for a fund officer."""
        self.summary.day_off_waiting = self._book(day, day + timedelta(days=6), "waiting")

    def _book(self, asked: date, off: date, name: str) -> int | None:
        """Reserve a day off (a half day if a full one is more than she has) for the worker
        with the most available; the transfer id, or None if nobody has enough."""
        with replaying_at(self.at(asked, 20)):
            worker = max(self.workers, key=self._available)
            full = self._available(worker) >= self.settings.day_off_cents
            key = f"demo:{self.area_code}:{name}"
            booked = self.fund(worker, key).book_day_off(off, half=not full)
        return booked.pending_id

    def _available(self, person: Person) -> int:
        worker = membership.find_worker(self.session, person.phone)
        assert worker is not None
        return ledger.balance(self.session, worker.account_id).available_cents

    # -- notices -----------------------------------------------------------------------------

    def _notice(self, row: OutboundMessage) -> None:
        """Keep a notice of the story to settle at the end (stamped now, as it was written)."""
        self.session.flush()
        self.notices.append(row)

    def _settle_notices(self) -> None:
        """Settle every notice as Twilio reported it, a minute after it was written: all
        delivered but the latest receipt, which her phone, switched off, never got (30003).
        So nothing of the story is left for a worker to send."""
        receipts = [row for row in self.notices if row.kind == "receipt"]
        failed = receipts[-1] if receipts else None
        for row in self.notices:
            with replaying_at(as_utc(row.created_at) + timedelta(minutes=1)):
                row.attempts, row.sent_at = 1, utcnow()
                set_status(self.session, row, OutboundStatus.SENT)
                if row is failed:
                    set_status(self.session, row, OutboundStatus.UNDELIVERED, UNREACHABLE)
                else:
                    set_status(self.session, row, OutboundStatus.DELIVERED)
                self.session.flush()
        self.summary.failed_notice = failed.id if failed else None


def _last_texts(runtime: Runtime, area_code: str, now: datetime) -> None:
    """Each worker checks her balance in her own words, through the same inbox as a webhook."""
    rng = cast.story_random()
    for index, (_name, language) in enumerate(cast.WORKERS):
        number = cast.phone(area_code, cast.WORKER_NUMBERS[index])
        sid = "SM" + hashlib.sha256(f"demo:{number}".encode()).hexdigest()[:32]
        text = inbox.InboundText(sid, Channel.SMS, number, cast.BALANCE_WORDS[language])
        with replaying_at(now - timedelta(hours=rng.randint(2, 60), minutes=rng.randrange(60))):
            inbox.handle(runtime, text)
