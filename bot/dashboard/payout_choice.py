"""How a worker is paid, as staff see it on her page: her method, whether her payouts wait,
and every change she asked for by text, with its time, channel, messages and what became of
it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.fund import payout_changes
from bot.infra.orm import as_utc, utcnow
from bot.models import PayoutChangeState, PayoutMethodChange, Worker


@dataclass(frozen=True)
class ChangeRow:
    """One change she asked for."""

    requested_at: datetime
    old_method: str | None
    new_method: str
    channel: str
    status: str  # a PayoutChangeState; "in_effect" once a confirmed change's hold is over
    confirmed_at: datetime | None
    confirm_channel: str | None
    effective_at: datetime | None
    wrong_codes: int
    locked_until: datetime | None
    request_sid: str
    confirm_sid: str | None


@dataclass(frozen=True)
class PayoutChoice:
    """Her method, the hold on her payouts and the lock on changes (None: none now)."""

    method: str | None
    held_until: datetime | None
    locked_until: datetime | None
    changes: list[ChangeRow]


def payout_choice(session: Session, worker_id: int) -> PayoutChoice | None:
    """What her page shows of how she is paid; None when there is no such worker."""
    worker = session.get(Worker, worker_id)
    if worker is None:
        return None
    now = utcnow()
    held = as_utc(worker.payouts_held_until) if worker.payouts_held_until else None
    return PayoutChoice(
        method=worker.payout_method,
        held_until=held if held is not None and held > now else None,
        locked_until=payout_changes.locked_until(session, worker.id, now),
        changes=[_row(change, now) for change in payout_changes.changes(session, worker.id)],
    )


def _row(change: PayoutMethodChange, now: datetime) -> ChangeRow:
    effective = as_utc(change.effective_at) if change.effective_at else None
    status = str(change.status)
    if status == PayoutChangeState.CONFIRMED and effective is not None and effective <= now:
        status = "in_effect"
    elif status == PayoutChangeState.PENDING and as_utc(change.code_expires_at) <= now:
        status = PayoutChangeState.EXPIRED.value  # closed as such when she next texts a code
    return ChangeRow(
        requested_at=change.requested_at,
        old_method=change.old_method,
        new_method=change.new_method,
        channel=change.channel,
        status=status,
        confirmed_at=change.confirmed_at,
        confirm_channel=change.confirm_channel,
        effective_at=effective,
        wrong_codes=change.wrong_codes,
        locked_until=change.locked_until,
        request_sid=change.request_sid,
        confirm_sid=change.confirm_sid,
    )
