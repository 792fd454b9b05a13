"""Notices that failed or were not delivered, and sending one again, once.

A resend is a new outbox row with the same text, keyed `resend:<id of the failed one>`: the
key is unique in the database, so a double click, two staff members at once, or a retried
request all end with one new row, and the delivery job's own claim sends it at most once.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import (
    Channel,
    DeliveryEvent,
    OutboundMessage,
    OutboundStatus,
    Person,
    Worker,
)
from bot.texting.consent import opted_out

FAILED = (OutboundStatus.FAILED, OutboundStatus.UNDELIVERED)
LIMIT = 200


@dataclass(frozen=True)
class FailedNotice:
    """One notice that did not reach its person."""

    id: int
    phone: str
    name: str | None
    worker_id: int | None  # her page, when the person is a worker
    kind: str
    channel: str
    status: str
    error_code: int | None
    attempts: int
    created_at: datetime
    last_event_at: datetime | None
    resent_as: int | None  # the new notice, once it was sent again


class Resend(StrEnum):
    """What asking to send a notice again did."""

    QUEUED = "queued"  # a new notice is on its way
    ALREADY = "already"  # it was sent again before (a double click): nothing more
    OPTED_OUT = "opted_out"  # she said STOP on her channel: recorded, not sent
    NOT_FAILED = "not_failed"  # only failed or undelivered notices are sent again


@dataclass(frozen=True)
class Resent:
    """The answer, and the outbox row to hand over after commit (if any)."""

    outcome: Resend
    notice_id: int | None


def resend_key(notice_id: int) -> str:
    """The dedupe key of the one resend a failed notice may have."""
    return f"resend:{notice_id}"


def failed_notices(session: Session, limit: int = LIMIT) -> list[FailedNotice]:
    """The newest failed or undelivered notices, with whether each was sent again."""
    last_event = (
        select(DeliveryEvent.outbound_id, func.max(DeliveryEvent.at).label("at"))
        .group_by(DeliveryEvent.outbound_id)
        .subquery()
    )
    rows = session.execute(
        select(OutboundMessage, Person.phone, Person.name, Worker.id, last_event.c.at)
        .join(Person, Person.id == OutboundMessage.person_id)
        .outerjoin(Worker, Worker.person_id == Person.id)
        .outerjoin(last_event, last_event.c.outbound_id == OutboundMessage.id)
        .where(OutboundMessage.status.in_(FAILED))
        .order_by(OutboundMessage.id.desc())
        .limit(limit)
    ).all()
    keys = [resend_key(row[0].id) for row in rows]
    resent = dict(
        session.execute(
            select(OutboundMessage.dedupe_key, OutboundMessage.id).where(
                OutboundMessage.dedupe_key.in_(keys)
            )
        ).all()
    )
    return [
        FailedNotice(
            id=notice.id,
            phone=phone,
            name=name,
            worker_id=worker_id,
            kind=notice.kind,
            channel=notice.channel,
            status=notice.status,
            error_code=notice.error_code,
            attempts=notice.attempts,
            created_at=notice.created_at,
            last_event_at=event_at,
            resent_as=resent.get(resend_key(notice.id)),
        )
        for notice, phone, name, worker_id, event_at in rows
    ]


def resend(session: Session, notice_id: int) -> Resent:
    """A new notice with the failed one's text, on her current channel; at most once."""
    original = session.scalars(
        select(OutboundMessage).where(OutboundMessage.id == notice_id).with_for_update()
    ).one_or_none()
    if original is None:
        raise LookupError(f"no notice {notice_id}")
    if original.status not in FAILED:
        return Resent(Resend.NOT_FAILED, None)
    key = resend_key(original.id)
    earlier = session.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == key))
    if earlier is not None:
        return Resent(Resend.ALREADY, earlier)
    person = session.get(Person, original.person_id)
    assert person is not None
    channel = Channel(person.last_channel)
    stopped = opted_out(session, person.id, channel)
    row = OutboundMessage(
        person_id=person.id,
        channel=channel,
        kind=original.kind,
        language=original.language,
        body=original.body,
        dedupe_key=key,
        status=OutboundStatus.SUPPRESSED if stopped else OutboundStatus.PENDING,
    )
    session.add(row)
    session.flush()
    return Resent(Resend.OPTED_OUT if stopped else Resend.QUEUED, row.id)
