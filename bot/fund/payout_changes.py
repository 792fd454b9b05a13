"""How she is paid, changed by her by text, and hard to steal.

A change asked for by text (PAYMENT, then a method) gets a one-time code of six digits, sent
to her number in a text of its own; the code is kept only as an HMAC-SHA256 keyed with a salt
of the change's own and the app's SECRET_KEY (when set), and works for ten minutes. The right
code in time makes the change: the method is hers at once, and her payouts wait
`PAYOUT_CHANGE_HOLD` hours (`Worker.payouts_held_until`), by hand and by the rail, so that a
change she did not make can be stopped before any money follows it. Five wrong codes within a
day lock changes for a day. Every change is kept with the channel and the MessageSid that
asked for it and that confirmed it, for staff. Functions take the session first and never
commit; her person row is locked by the inbox, so her messages never race each other.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.infra.orm import as_utc, utcnow
from bot.models import (
    Channel,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    PayoutChangeState,
    PayoutMethodChange,
    Worker,
)
from conversations.payout_ports import PayoutChangeStatus, PayoutCodeStatus

CODE_MINUTES = 10
CODE_DIGITS = 6
MAX_WRONG_CODES = 5  # within WRONG_CODE_WINDOW, over every change she asked for
WRONG_CODE_WINDOW = timedelta(hours=24)
LOCK = timedelta(hours=24)
CODE_NOTICE = "payout_code"  # the outbox kind of the text that carries a code
SHOWN_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
HIDDEN_CODE = "******"


@dataclass(frozen=True)
class Asked:
    """What became of a change asked for, and the code to send her (only when CODE_SENT)."""

    status: PayoutChangeStatus
    code: str | None = None


@dataclass(frozen=True)
class Answered:
    """What became of a code she texted; for a confirmed change, the change."""

    status: PayoutCodeStatus
    change: PayoutMethodChange | None = None
    tries_left: int = 0


def code_hash(code: str, salt: str, secret: str | None) -> str:
    """The only form of a code that is kept."""
    key = f"{secret or ''}:{salt}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def hide_code(body: str) -> str:
    """A code text as staff and the outbox keep it once it went out: without the code."""
    return SHOWN_CODE.sub(HIDDEN_CODE, body)


def shown_body(kind: str, body: str) -> str:
    """A notice's text as staff and operators see it: a code text never shows its code."""
    return hide_code(body) if kind == CODE_NOTICE else body


def locked_until(session: Session, worker_id: int, now: datetime) -> datetime | None:
    """Until when her changes are locked after too many wrong codes, if they are."""
    until = session.scalar(
        select(func.max(PayoutMethodChange.locked_until)).where(
            PayoutMethodChange.worker_id == worker_id
        )
    )
    return as_utc(until) if until is not None and as_utc(until) > now else None


def request(
    session: Session,
    worker: Worker,
    method: str,
    *,
    offered: tuple[str, ...],
    channel: str,
    message_sid: str,
    secret: str | None,
) -> Asked:
    """Start a change to `method`: a pending change (any earlier one is replaced) and the
    code to send her; SAME, LOCKED or UNKNOWN change nothing but the pending one."""
    now = utcnow()
    if method not in offered:
        return Asked(PayoutChangeStatus.UNKNOWN)
    if locked_until(session, worker.id, now) is not None:
        return Asked(PayoutChangeStatus.LOCKED)
    waiting = pending(session, worker.id)
    if waiting is not None:
        close(session, worker.person_id, waiting, PayoutChangeState.REPLACED, now)
    if method == worker.payout_method:
        return Asked(PayoutChangeStatus.SAME)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    change = PayoutMethodChange(
        worker_id=worker.id,
        old_method=worker.payout_method,
        new_method=method,
        status=PayoutChangeState.PENDING,
        code_salt=secrets.token_hex(16),
        code_expires_at=now + timedelta(minutes=CODE_MINUTES),
        wrong_codes=0,
        channel=channel,
        request_sid=message_sid,
        requested_at=now,
    )
    change.code_hash = code_hash(code, change.code_salt, secret)
    session.add(change)
    session.flush()
    return Asked(PayoutChangeStatus.CODE_SENT, code)


def enter(
    session: Session,
    worker: Worker,
    code: str,
    *,
    channel: str,
    message_sid: str,
    secret: str | None,
    hold_hours: int,
) -> Answered:
    """Check her code against the change waiting: make it (right, in time), count a wrong
    try (locking changes at the limit), or close it as expired."""
    now = utcnow()
    if locked_until(session, worker.id, now) is not None:
        return Answered(PayoutCodeStatus.LOCKED)
    change = pending(session, worker.id)
    if change is None:
        return Answered(PayoutCodeStatus.NONE)
    if now > as_utc(change.code_expires_at):
        close(session, worker.person_id, change, PayoutChangeState.EXPIRED, now)
        return Answered(PayoutCodeStatus.EXPIRED)
    if not hmac.compare_digest(code_hash(code, change.code_salt, secret), change.code_hash):
        return _wrong(session, worker, change, now)
    # Locked and read again: staff moving her number at this moment hold her payouts too.
    session.refresh(worker, ["payout_method", "payouts_held_until"], with_for_update=True)
    change.confirm_channel, change.confirm_sid = channel, message_sid
    change.confirmed_at = now
    change.effective_at = now + timedelta(hours=hold_hours)
    close(session, worker.person_id, change, PayoutChangeState.CONFIRMED, now)
    worker.payout_method = change.new_method
    held = worker.payouts_held_until
    if held is None or as_utc(held) < change.effective_at:  # a longer hold (a move) stays
        worker.payouts_held_until = change.effective_at
    return Answered(PayoutCodeStatus.CONFIRMED, change)


def _wrong(session: Session, worker: Worker, change: PayoutMethodChange, now: datetime) -> Answered:
    change.wrong_codes += 1
    session.flush()
    wrong = session.scalar(
        select(func.coalesce(func.sum(PayoutMethodChange.wrong_codes), 0)).where(
            PayoutMethodChange.worker_id == worker.id,
            PayoutMethodChange.requested_at > now - WRONG_CODE_WINDOW,
        )
    )
    if int(wrong or 0) < MAX_WRONG_CODES:
        return Answered(PayoutCodeStatus.WRONG, tries_left=MAX_WRONG_CODES - int(wrong or 0))
    change.locked_until = now + LOCK
    close(session, worker.person_id, change, PayoutChangeState.LOCKED, now)
    return Answered(PayoutCodeStatus.LOCKED)


def cancel(session: Session, worker: Worker) -> bool:
    """Drop the change waiting for its code; False if none was waiting."""
    change = pending(session, worker.id)
    if change is None:
        return False
    close(session, worker.person_id, change, PayoutChangeState.CANCELLED, utcnow())
    return True


def pending(session: Session, worker_id: int) -> PayoutMethodChange | None:
    """The change waiting for its code (at most one), locked for this transaction."""
    return session.scalar(
        select(PayoutMethodChange)
        .where(
            PayoutMethodChange.worker_id == worker_id,
            PayoutMethodChange.status == PayoutChangeState.PENDING,
        )
        .order_by(PayoutMethodChange.id.desc())
        .limit(1)
        .with_for_update()
    )


def close(
    session: Session,
    person_id: int,
    change: PayoutMethodChange,
    status: PayoutChangeState,
    now: datetime,
) -> None:
    """End a change; the code texts that went out lose their code (it no longer works)."""
    change.status = status
    change.closed_at = now
    sent = session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.person_id == person_id,
            OutboundMessage.kind == CODE_NOTICE,
            OutboundMessage.status.not_in((OutboundStatus.PENDING, OutboundStatus.SENDING)),
        )
    )
    for notice in sent:
        hidden = hide_code(notice.body)
        if hidden != notice.body:
            notice.body = hidden


def channels_used(session: Session, person_id: int) -> set[str]:
    """The channels she has texted the fund from."""
    found = session.scalars(
        select(InboundMessage.channel).where(InboundMessage.person_id == person_id).distinct()
    )
    return {str(channel.value if isinstance(channel, Channel) else channel) for channel in found}


def changes(session: Session, worker_id: int) -> list[PayoutMethodChange]:
    """Every change she asked for, newest first, for staff."""
    return list(
        session.scalars(
            select(PayoutMethodChange)
            .where(PayoutMethodChange.worker_id == worker_id)
            .order_by(PayoutMethodChange.id.desc())
        )
    )
