"""A partner enrols a worker by phone number: she is invited by text and agrees by text.

Someone new becomes a worker who is still joining, with her benefit account open, and her
conversation waits at the terms, so that her YES goes on to her name as if she had texted us
first. A member already in the fund is told that the partner now pays in. The notice is written
in the caller's transaction; hand its outbox id over (`bot.channel.outbox.hand_over`) after commit.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.fund import membership
from bot.infra.config import Settings
from bot.infra.orm import as_utc
from bot.infra.phone import mask_phone
from bot.models import ConversationRecord, Partner, PartnerWorker, Person, Worker, WorkerStatus
from bot.texting.notices import write_notice
from conversations import messages as m
from conversations.states import State
from conversations.talk import Notice, Say

log = logging.getLogger(__name__)

# States that mean "has not started joining": an invitation moves them on to the terms.
BEFORE_TERMS = frozenset({State.NEW, State.CHOOSING_LANGUAGE})


@dataclass(frozen=True)
class Enrolment:
    """A worker as the partner that enrolled her sees her."""

    phone: str
    language: str
    joined: bool  # she agreed to the terms: a member of the fund
    enrolled_at: datetime
    created: bool  # False: this partner had enrolled her before
    outbox_ids: tuple[int, ...] = ()


def enrol(
    session: Session, settings: Settings, partner: Partner, phone: str, language: str
) -> Enrolment:
    """Enrol the worker with this E.164 number for the partner (idempotent per partner)."""
    worker = membership.find_worker(session, phone)
    if worker is None:
        worker = membership.enrol_worker(
            session,
            phone,
            time_zone=settings.default_time_zone,
            language=language,
            status=WorkerStatus.JOINING,
        )
    person = _lock(session, worker.person_id)
    session.refresh(worker)  # she may have joined while we waited for her row
    link = session.get(PartnerWorker, (partner.id, worker.id))
    if link is not None:
        return _enrolment(person, worker, link, created=False)
    link = PartnerWorker(partner_id=partner.id, worker_id=worker.id)
    session.add(link)
    if worker.status == WorkerStatus.ACTIVE:
        kind, message = "partner_linked", m.PARTNER_LINKED
    else:
        _await_her_yes(session, person)
        kind, message = "partner_invitation", m.PARTNER_INVITATION
    row = write_notice(session, Notice(person.id, kind, (Say(message, {"partner": partner.name}),)))
    session.flush()
    log.info("partner %d enrolled %s", partner.id, mask_phone(phone))
    return _enrolment(person, worker, link, created=True, outbox_ids=(row.id,))


def _lock(session: Session, person_id: int) -> Person:
    """Her row, locked: her own messages (bot.channel.inbox locks it too) wait for this
    enrolment."""
    person = session.scalars(
        select(Person).where(Person.id == person_id).with_for_update(),
        execution_options={"populate_existing": True},
    ).one()
    return person


def _await_her_yes(session: Session, person: Person) -> None:
    """Put her conversation at the terms, unless she is already further along."""
    record = session.get(ConversationRecord, person.id)
    if record is None:
        session.add(ConversationRecord(person_id=person.id, state=State.READING_TERMS, data={}))
    elif State(record.state) in BEFORE_TERMS:
        record.state = State.READING_TERMS
        record.data = {}
        record.asked_at = None  # an invitation does not time out like a question


def _enrolment(
    person: Person,
    worker: Worker,
    link: PartnerWorker,
    created: bool,
    outbox_ids: tuple[int, ...] = (),
) -> Enrolment:
    return Enrolment(
        phone=person.phone,
        language=person.language,
        joined=worker.status == WorkerStatus.ACTIVE,
        enrolled_at=as_utc(link.enrolled_at),
        created=created,
        outbox_ids=outbox_ids,
    )
