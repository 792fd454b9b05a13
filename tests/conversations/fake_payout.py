"""How she is paid, on the in-memory fund (see fake_fund.py).

As in `bot.fund.payout_changes`: a change waits for a six-digit code that works for ten
minutes; a new choice replaces the change waiting; five wrong codes within a day lock changes
for a day; the right code makes the change, and her payouts wait the hold. The world's clock
(`World.now`) says what "in time" is; codes come from a counter, so a test reads the one that
was sent from the notice that carried it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from conversations.payout_ports import (
    PayoutChangeRequest,
    PayoutChangeStatus,
    PayoutCodeResult,
    PayoutCodeStatus,
    PayoutMethodView,
)

if TYPE_CHECKING:
    from tests.conversations.fake_fund import Person, World

METHODS = ("cash", "check", "bank", "card")
CODE_LIFE = timedelta(minutes=10)
MAX_WRONG = 5
LOCK = timedelta(hours=24)
HOLD_HOURS = 48


@dataclass
class Change:
    """A change she asked for."""

    method: str
    code: str
    requested_at: datetime
    status: str = "pending"
    wrong: int = 0


@dataclass
class PayoutChoice:
    """How one worker is paid, and her changes."""

    method: str | None = None
    held_until: datetime | None = None
    locked_until: datetime | None = None
    changes: list[Change] = field(default_factory=list)


class FakePayoutChoice:
    """Mixed into FakeFund."""

    world: "World"
    me: "Person"
    channel: str

    def _require_worker(self) -> int:
        raise NotImplementedError  # FakeFund's

    def _choice(self) -> PayoutChoice:
        return self.world.payout_choices.setdefault(self._require_worker(), PayoutChoice())

    def _locked(self, choice: PayoutChoice) -> bool:
        return choice.locked_until is not None and choice.locked_until > self.world.now

    def _pending(self, choice: PayoutChoice) -> Change | None:
        return next((c for c in choice.changes if c.status == "pending"), None)

    def payout_method(self) -> PayoutMethodView:
        choice = self._choice()
        held = choice.held_until
        return PayoutMethodView(
            current=choice.method,
            offered=METHODS,
            held_until=held.date() if held is not None and held > self.world.now else None,
            locked=self._locked(choice),
        )

    def request_payout_change(self, method: str) -> PayoutChangeRequest:
        choice = self._choice()
        if method not in METHODS:
            return PayoutChangeRequest(PayoutChangeStatus.UNKNOWN)
        if self._locked(choice):
            return PayoutChangeRequest(PayoutChangeStatus.LOCKED)
        waiting = self._pending(choice)
        if waiting is not None:
            waiting.status = "replaced"
        if method == choice.method:
            return PayoutChangeRequest(PayoutChangeStatus.SAME)
        code = f"{(self.world.next_id() * 7919 + 104_729) % 1_000_000:06d}"
        choice.changes.append(Change(method, code, self.world.now))
        return PayoutChangeRequest(PayoutChangeStatus.CODE_SENT, code, 10)

    def enter_payout_code(self, code: str) -> PayoutCodeResult:
        choice = self._choice()
        now = self.world.now
        if self._locked(choice):
            return PayoutCodeResult(PayoutCodeStatus.LOCKED)
        change = self._pending(choice)
        if change is None:
            return PayoutCodeResult(PayoutCodeStatus.NONE)
        if now > change.requested_at + CODE_LIFE:
            change.status = "expired"
            return PayoutCodeResult(PayoutCodeStatus.EXPIRED)
        if code != change.code:
            change.wrong += 1
            wrong = sum(c.wrong for c in choice.changes if c.requested_at > now - LOCK)
            if wrong < MAX_WRONG:
                return PayoutCodeResult(PayoutCodeStatus.WRONG, tries_left=MAX_WRONG - wrong)
            change.status, choice.locked_until = "locked", now + LOCK
            return PayoutCodeResult(PayoutCodeStatus.LOCKED)
        change.status, choice.method = "confirmed", change.method
        choice.held_until = now + timedelta(hours=HOLD_HOURS)
        others = self.world.channels.get(self.me.person_id, set()) - {self.channel}
        return PayoutCodeResult(
            PayoutCodeStatus.CONFIRMED,
            method=change.method,
            hold_hours=HOLD_HOURS,
            effective=date.fromordinal(choice.held_until.toordinal()),
            other_channels=tuple(sorted(others)),
        )

    def cancel_payout_change(self) -> bool:
        change = self._pending(self._choice())
        if change is None:
            return False
        change.status = "cancelled"
        return True
