"""Handing committed notices over. Without Twilio (the laptop default) they are printed."""

import logging
import sys
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import run_in_transaction
from bot.models import OutboundMessage, OutboundStatus, Person
from bot.orm import utcnow
from bot.phone import mask_phone
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def hand_over(runtime: Runtime, outbox_ids: Iterable[int]) -> None:
    """Deliver each pending notice once; run after the transaction that wrote them commits."""
    for outbox_id in outbox_ids:
        run_in_transaction(
            runtime.sessions,
            lambda session, oid=outbox_id: _record(session, oid, runtime.print_notices),
        )


def _record(session: Session, outbox_id: int, show: bool) -> None:
    row = session.scalars(
        select(OutboundMessage).where(OutboundMessage.id == outbox_id).with_for_update()
    ).one_or_none()
    if row is None or row.status != OutboundStatus.PENDING:
        return  # already handed over (a second run of the same job) or suppressed
    person = session.get(Person, row.person_id)
    row.status = OutboundStatus.RECORDED
    row.sent_at = utcnow()
    to = mask_phone(person.phone) if person else "?"
    log.info(
        "notice %s (%s) recorded for %s via %s, not sent: no Twilio credentials",
        row.id,
        row.kind,
        to,
        row.channel,
    )
    # The laptop default prints what would have been sent, so a developer can read it.
    if show:
        print(f"[outbox #{row.id} -> {to} ({row.channel})] {row.body}", file=sys.stdout, flush=True)
