"""What the PAYMENT conversation needs from the fund: how she is paid, a change asked for
with a one-time code, and the answer to the code (part of `conversations.ports.Fund`)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True)
class PayoutMethodView:
    """How she is paid, what she may choose, and what holds her payouts."""

    current: str | None  # "cash", "check", "bank", "card"; None: not chosen yet
    offered: tuple[str, ...]  # the methods she may choose, in the order the list shows
    held_until: date | None  # her payouts wait until this day (after a change), if they do
    locked: bool  # too many wrong codes lately: no change until the lock ends


class PayoutChangeStatus(StrEnum):
    """What became of choosing a payout method."""

    CODE_SENT = "code_sent"  # a change waits for the code sent to her number
    SAME = "same"  # that is how she is paid already
    LOCKED = "locked"  # changes are locked after too many wrong codes
    UNKNOWN = "unknown"  # not a method the fund offers


@dataclass(frozen=True)
class PayoutChangeRequest:
    """A change asked for: the one-time code to send her (only when CODE_SENT)."""

    status: PayoutChangeStatus
    code: str | None = None
    minutes: int = 10  # how long the code works


class PayoutCodeStatus(StrEnum):
    """What became of a code she texted back."""

    CONFIRMED = "confirmed"  # the change is made; it takes effect after the hold
    WRONG = "wrong"  # not the code; `tries_left` more
    LOCKED = "locked"  # too many wrong codes (this one, or before): nothing changed
    EXPIRED = "expired"  # the code was right or not, but too late: nothing changed
    NONE = "none"  # no change is waiting for a code


@dataclass(frozen=True)
class PayoutCodeResult:
    """The answer to a code: for a confirmed change, what changed, until when payouts wait,
    the other channels she uses (each is told), and the link where she sets up the account
    a rail pays into (Stripe Connect), when she chose a card or bank and has none ready."""

    status: PayoutCodeStatus
    method: str | None = None
    tries_left: int = 0
    hold_hours: int = 0
    effective: date | None = None  # the day in her time zone the change takes effect
    other_channels: tuple[str, ...] = ()
    setup_link: str | None = None  # where she sets up her card or bank account, if needed
