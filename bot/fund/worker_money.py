"""A worker's money, as the conversation sees it: balance, history, days off, who pays in.

Part of `bot.fund.database_fund.DatabaseFund`, which provides the session, the person and
the helpers declared here.
"""

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.fund import days_off, membership, partner_consent
from bot.infra.config import Settings
from bot.infra.orm import as_utc, utcnow
from bot.ledger import TransferKind
from bot.models import (
    Contributor,
    Employment,
    Person,
    Visit,
    VisitStatus,
    Worker,
)
from conversations.ports import (
    BalanceView,
    DayOff,
    DayOffStatus,
    HistoryLine,
)

WHAT = {
    TransferKind.DAY_OFF: "day_off",
    TransferKind.PREMIUM: "insurance",
    TransferKind.REVERSAL: "correction",
}


class WorkerMoney:
    """The worker's money side of the Fund port."""

    session: Session
    settings: Settings
    person: Person
    message_key: str

    def _require_worker(self) -> Worker:
        raise NotImplementedError  # DatabaseFund's

    def _label(self, employment: Employment) -> str:
        raise NotImplementedError  # DatabaseFund's

    def _covered_products(self) -> tuple[str, ...]:
        raise NotImplementedError  # DatabaseFund's: read with who she is

    # -- a worker's money ------------------------------------------------------------------

    def balance(self) -> BalanceView:
        worker = self._require_worker()
        money = self._money(worker)
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
            insured=self._covered_products(),
            uncollected_cents=money.uncollected_cents,
        )

    def history(self, limit: int, offset: int = 0) -> list[HistoryLine]:
        """Her movements newest first by the day of the work (a visit's day, else the day it
        was posted), ties in posting order, skipping the `offset` newest."""
        worker = self._require_worker()
        wanted = limit + offset
        read = wanted * 3 + 20  # reservations and voids move no money: read more, keep what moved
        while True:
            movements = ledger.history(self.session, worker.account_id, limit=read)
            moved = [m for m in movements if ledger.moved(m)]
            worked = _visit_days([m.transfer_id for m in moved], self.session)
            day = {m.transfer_id: self._day(m, worked) for m in moved}
            ordered = sorted(moved, key=lambda m: (day[m.transfer_id], m.transfer_id), reverse=True)
            # What was not read was posted no later than the oldest read, so its day is no
            # later either: the page is right once its last line is on or after that day.
            oldest = self._day(movements[-1], {}) if movements else None
            if len(movements) < read or (
                len(ordered) >= wanted and day[ordered[wanted - 1].transfer_id] >= oldest
            ):
                break
            read *= 4
        page = ordered[offset:wanted]
        names = self._account_names({m.counterparty_account_id for m in page}, worker)
        return [
            HistoryLine(
                day=day[m.transfer_id],
                amount_cents=m.amount_cents,
                who=names.get(m.counterparty_account_id)
                if m.kind in (TransferKind.CONTRIBUTION, TransferKind.BONUS)
                else None,
                what=WHAT.get(m.kind),
            )
            for m in page
        ]

    def _worked(self, worker: Worker, day: date) -> bool:
        """Whether a household confirmed a visit of hers on that day."""
        return (
            self.session.scalar(
                select(Visit.id)
                .join(Visit.employment)
                .where(
                    Employment.worker_id == worker.id,
                    Visit.visit_date == day,
                    Visit.status == VisitStatus.CONFIRMED,
                )
                .limit(1)
            )
            is not None
        )

    def _day(self, movement: ledger.Movement, worked: dict[int, date]) -> date:
        """The day of the work a movement paid for, else the day it was posted, where she is."""
        return worked.get(movement.transfer_id) or _local_day(
            movement.created_at, self.person.time_zone
        )

    # -- days off ----------------------------------------------------------------------------

    def day_off_quote(self, day: date, half: bool) -> DayOff:
        worker = self._require_worker()
        amount = self.settings.half_day_off_cents if half else self.settings.day_off_cents
        available = self._money(worker).available_cents
        if days_off.claimed(self.session, worker.account_id, day):
            return DayOff(DayOffStatus.ALREADY, day, amount, available, half=half)
        if not half and self._worked(worker, day):
            return DayOff(DayOffStatus.WORKED, day, amount, available, half=half)
        status = DayOffStatus.BOOKED if available >= amount else DayOffStatus.SHORT
        return DayOff(status, day, amount, available, half=half)

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
            advance_cents=self.settings.advance_uncollected_cents,
        )
        if not result.applied:
            return replace(quote, status=DayOffStatus.SHORT)
        return replace(quote, pending_id=result.transfer_id)

    def days_off(self) -> list[DayOff]:
        worker = self._require_worker()
        available = self._money(worker).available_cents
        return [
            DayOff(DayOffStatus.BOOKED, r.day, r.amount_cents, available, r.transfer_id, r.half)
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
            gone = DayOffStatus.GONE
            return DayOff(gone, reservation.day, reservation.amount_cents, 0, half=reservation.half)
        available = self._money(worker).available_cents
        return DayOff(
            DayOffStatus.CALLED_BACK,
            reservation.day,
            reservation.amount_cents,
            available,
            pending_id,
            reservation.half,
        )

    def answer_partner(self, partner_id: int, accept: bool) -> None:
        worker = self._require_worker()
        partner_consent.answer(self.session, worker.id, partner_id, accept)

    def _money(self, worker: Worker) -> ledger.Balance:
        return her_balance(self.session, self.settings, worker.account_id)

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


def her_balance(session: Session, settings: Settings, account_id: int) -> ledger.Balance:
    """Her balance as every text tells it (BALANCE, her statement, the insurance warnings,
    `benefits-bot balance`): what the fund advances on uncollected pledges counts as
    available."""
    return ledger.balance(session, account_id, settings.advance_uncollected_cents)


def local_today(time_zone: str) -> date:
    """Today where she lives."""
    return _local_day(utcnow(), time_zone)


def _visit_days(transfer_ids: list[int], session: Session) -> dict[int, date]:
    """The day of the work each contribution paid for (the visit, not the posting)."""
    rows = session.execute(
        select(Visit.transfer_id, Visit.visit_date).where(Visit.transfer_id.in_(transfer_ids))
    ).all()
    return {transfer_id: day for transfer_id, day in rows if transfer_id is not None}


def cover_period(time_zone: str) -> str:
    """The month insurance cover is read for: this month where she lives (2026-12)."""
    today = _local_day(utcnow(), time_zone)
    return f"{today.year:04d}-{today.month:02d}"


def _local_day(moment: datetime, time_zone: str) -> date:
    """The day a stored (UTC) moment falls on where she lives."""
    return as_utc(moment).astimezone(ZoneInfo(time_zone)).date()
