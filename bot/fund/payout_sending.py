"""Sending a day off's payout through the rail, once, whatever fails on the way.

The payout is written "sending" and committed before the rail is called, with the rail's
idempotency key `payout:<transfer id>`. If the answer is lost (a timeout, a crash), the row
stays "sending", and the next attempt asks the rail about that key before anything else: a
rail that already has it is never asked again, so no day off is sent twice (as the sender
does with Twilio). Sent: she is told the money left; paid: the ledger posts it and she is
told it landed; failed: the ledger's void path gives the money back to her available
balance, she is told, and staff see it on the payouts page and in the log.
"""

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.fund import payout_accounts, payouts
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.models import PayoutRecord, PayoutStatus, Worker
from bot.payouts_rail.interfaces import (
    PayoutOrder,
    PayoutProvider,
    RailAnswer,
    RailOutcome,
    RailTimeout,
)
from bot.texting.notices import write_notice
from conversations import messages as m
from conversations.talk import Money, Notice, Say

log = logging.getLogger(__name__)
Sessions = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Sent:
    """What one attempt did: the payout's status after it (None: nothing to send) and the
    outbox rows to hand over after commit."""

    status: PayoutStatus | None
    outbox_ids: tuple[int, ...] = ()


def rail_key(transfer_id: int) -> str:
    """The rail's idempotency key for a day off: the same on every attempt."""
    return f"payout:{transfer_id}"


def due(session: Session, today: date) -> list[int]:
    """Reserved days off whose day has come, not yet sent or held, soonest first."""
    held = set(session.scalars(select(Worker.id).where(Worker.payouts_held_until > utcnow())))
    started = set(session.scalars(select(PayoutRecord.transfer_id)))
    return [
        payout.transfer_id
        for payout in payouts.waiting(session)
        if payout.day <= today
        and payout.worker_id not in held
        and payout.transfer_id not in started
    ]


def send(sessions: Sessions, provider: PayoutProvider, transfer_id: int, currency: str) -> Sent:
    """Send one day off through the rail (or ask about it first if an answer was lost)."""
    claimed = _claim(sessions, provider, transfer_id, currency)
    if claimed is None:
        return Sent(None)
    order, resumed = claimed
    try:
        answer = provider.lookup(order.key) if resumed else None
        if answer is None or answer.outcome is RailOutcome.UNKNOWN:
            answer = provider.start(order)
    except RailTimeout:
        log.warning("payout #%s: %s did not answer; it stays sending", transfer_id, provider.name)
        return Sent(PayoutStatus.SENDING)

    def work(session: Session) -> Sent:
        sent = settle(session, transfer_id, answer)
        if not answer.needs_account:
            return sent
        asked = payout_accounts.ask_once(session, provider, transfer_id)
        return Sent(sent.status, sent.outbox_ids + asked)

    return run_in_transaction(sessions, work)


def ask_about(sessions: Sessions, provider: PayoutProvider, transfer_id: int) -> Sent:
    """A payout sent a while ago whose news never came: ask the rail, and settle it if the
    rail says it landed or failed (nothing is sent)."""
    try:
        answer = provider.lookup(rail_key(transfer_id))
    except RailTimeout:
        return Sent(PayoutStatus.SENT)
    if answer.outcome not in (RailOutcome.PAID, RailOutcome.FAILED):
        return Sent(PayoutStatus.SENT)
    log.warning(
        "payout #%s: its news never came; %s says %s", transfer_id, provider.name, answer.outcome
    )
    return run_in_transaction(sessions, lambda session: settle(session, transfer_id, answer))


def _claim(
    sessions: Sessions, provider: PayoutProvider, transfer_id: int, currency: str
) -> tuple[PayoutOrder, bool] | None:
    """Write the payout "sending" (committed) and return its order, and whether it had
    been sending before; None when it was already sent, paid or failed."""

    def work(session: Session) -> tuple[PayoutOrder, bool] | None:
        reservation, worker = payouts.reservation_of(session, transfer_id)
        record = session.scalar(select(PayoutRecord).where(PayoutRecord.transfer_id == transfer_id))
        if record is not None and PayoutStatus(record.status) is not PayoutStatus.SENDING:
            return None
        if record is None:
            session.add(
                PayoutRecord(
                    transfer_id=transfer_id,
                    worker_id=worker.id,
                    amount_cents=reservation.amount,
                    provider=provider.name,
                    status=PayoutStatus.SENDING,
                    method=worker.payout_method,
                )
            )
            session.flush()
        order = PayoutOrder(
            rail_key(transfer_id), worker.id, reservation.amount, currency, worker.payout_method
        )
        return order, record is not None

    try:
        return run_in_transaction(sessions, work)
    except IntegrityError:  # another process claimed it a moment ago: it sends it
        return None


def settle(session: Session, transfer_id: int, answer: RailAnswer) -> Sent:
    """Apply the rail's answer (from a call or an event) to the payout, once per outcome."""
    record = session.scalar(
        select(PayoutRecord).where(PayoutRecord.transfer_id == transfer_id).with_for_update()
    )
    if record is None:
        log.info("payout event for unknown day off #%s ignored", transfer_id)
        return Sent(None)
    status = PayoutStatus(record.status)
    if status in (PayoutStatus.PAID, PayoutStatus.FAILED):
        return Sent(status)  # the first final answer stands
    record.provider_ref = answer.provider_ref or record.provider_ref
    return _apply(session, record, status, answer)


def _apply(
    session: Session, record: PayoutRecord, status: PayoutStatus, answer: RailAnswer
) -> Sent:
    if answer.outcome is RailOutcome.WAITING:
        session.delete(record)  # nothing moved: the day off waits for an officer's record
        return Sent(None)
    if answer.outcome is RailOutcome.SENT and status is PayoutStatus.SENDING:
        record.status = PayoutStatus.SENT
        return Sent(PayoutStatus.SENT, (_tell_sent(session, record.transfer_id),))
    if answer.outcome is RailOutcome.PAID:
        method = answer.method or record.method or "bank"
        how = payouts.HowPaid(method, record.provider_ref or record.provider, "rail")
        return Sent(PayoutStatus.PAID, payouts.pay(session, record.transfer_id, how).outbox_ids)
    if answer.outcome is RailOutcome.FAILED:
        return _failed(session, record, answer.failure or "the payout rail refused it")
    return Sent(status)


def _failed(session: Session, record: PayoutRecord, failure: str) -> Sent:
    record.status, record.failure, record.settled_at = PayoutStatus.FAILED, failure[:200], utcnow()
    settled = payouts.void(session, record.transfer_id, f"payout failed: {failure}", by_rail=True)
    log.warning(
        "payout #%s failed (%s); the money is back in her balance", record.transfer_id, failure[:80]
    )
    return Sent(PayoutStatus.FAILED, settled.outbox_ids)


def _tell_sent(session: Session, transfer_id: int) -> int:
    reservation, worker = payouts.reservation_of(session, transfer_id)
    half = reservation.memo.get("portion") == "half"
    say = Say(
        m.HALF_DAY_SENT if half else m.DAY_OFF_SENT,
        {"date": date.fromisoformat(reservation.memo["day"]), "amount": Money(reservation.amount)},
    )
    row = write_notice(session, Notice(worker.person_id, "day_off_sent", (say,)))
    session.flush()
    return row.id
