"""How she is paid, as the conversation sees it: PAYMENT, a change with its code, the code.

Part of `bot.fund.database_fund.DatabaseFund`, which provides the session, the person, the
channel and MessageSid of the message being answered, and the helpers declared here. The
rules are `bot.fund.payout_changes`.
"""

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.fund import payout_changes
from bot.infra.config import Settings
from bot.infra.orm import as_utc, utcnow
from bot.models import PAYOUT_METHODS, Channel, Person, Worker
from bot.payouts_rail.interfaces import PayoutProvider
from conversations.payout_ports import (
    PayoutChangeRequest,
    PayoutCodeResult,
    PayoutCodeStatus,
    PayoutMethodView,
)

# The methods a rail such as Stripe Connect pays into an account she sets up herself.
ACCOUNT_METHODS = frozenset({"card", "bank"})


class WorkerPayoutChoice:
    """The payout-method side of the Fund port."""

    session: Session
    settings: Settings
    person: Person
    channel: Channel
    message_key: str
    payout_rail: Callable[[], PayoutProvider] | None

    def _require_worker(self) -> Worker:
        raise NotImplementedError  # DatabaseFund's

    def payout_method(self) -> PayoutMethodView:
        worker = self._require_worker()
        now = utcnow()
        held = worker.payouts_held_until
        return PayoutMethodView(
            current=worker.payout_method,
            offered=PAYOUT_METHODS,
            held_until=self._local_day(held) if held and as_utc(held) > now else None,
            locked=payout_changes.locked_until(self.session, worker.id, now) is not None,
        )

    def request_payout_change(self, method: str) -> PayoutChangeRequest:
        asked = payout_changes.request(
            self.session,
            self._require_worker(),
            method,
            offered=PAYOUT_METHODS,
            channel=self.channel.value,
            message_sid=self.message_key,
            secret=self.settings.secret_key,
        )
        return PayoutChangeRequest(asked.status, asked.code, payout_changes.CODE_MINUTES)

    def enter_payout_code(self, code: str) -> PayoutCodeResult:
        answered = payout_changes.enter(
            self.session,
            self._require_worker(),
            code,
            channel=self.channel.value,
            message_sid=self.message_key,
            secret=self.settings.secret_key,
            hold_hours=self.settings.payout_change_hold_hours,
        )
        change = answered.change
        if answered.status is not PayoutCodeStatus.CONFIRMED or change is None:
            return PayoutCodeResult(answered.status, tries_left=answered.tries_left)
        assert change.effective_at is not None
        others = payout_changes.channels_used(self.session, self.person.id) - {self.channel.value}
        return PayoutCodeResult(
            PayoutCodeStatus.CONFIRMED,
            method=change.new_method,
            hold_hours=self.settings.payout_change_hold_hours,
            effective=self._local_day(change.effective_at),
            other_channels=tuple(sorted(others)),
            setup_link=self._setup_link(change.new_method),
        )

    def _setup_link(self, method: str) -> str | None:
        """The link to set up the account her new method needs on a rail that pays into one
        (Stripe Connect: her debit card or bank account), unless it is ready already."""
        if self.payout_rail is None or method not in ACCOUNT_METHODS:
            return None
        rail = self.payout_rail()
        worker = self._require_worker()
        if not rail.needs_account(self.session, worker.id):
            return None
        return rail.account_link(self.session, worker.id)

    def cancel_payout_change(self) -> bool:
        return payout_changes.cancel(self.session, self._require_worker())

    def _local_day(self, moment: datetime) -> date:
        return as_utc(moment).astimezone(ZoneInfo(self.person.time_zone)).date()
