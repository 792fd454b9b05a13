"""A partner enrols a worker by phone number: she is invited by text and agrees by text.

Someone new becomes a worker who is still joining, with her benefit account open, and her
conversation waits at the terms, so that her YES goes on to her name as if she had texted us
first. A member already in the fund is asked, in her language, whether the partner may pay
in; it is linked to her only on her YES. Until then the partner is answered as for someone
new (the language it sent, not joined), so that it cannot learn who is a member, or her
language, by enrolling numbers. The notice is written in the caller's transaction; hand its
outbox id over (`bot.channel.outbox.hand_over`) after commit.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.fund import membership
from bot.infra.config import Settings
from bot.infra.orm import as_utc, utcnow
from bot.infra.phone import mask_phone
from bot.models import (
    ConversationRecord,
    Partner,
    PartnerConsent,
    PartnerWorker,
    Person,
    Worker,
    WorkerStatus,
)
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
    joined: bool  # she agreed by text: to the terms, or (a member) to this partner
    enrolled_at: datetime
    created: bool  # False: this partner had enrolled her (or asked her) before
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
        return _enrolment(person, worker, link, language, created=False)
    if worker.status == WorkerStatus.ACTIVE:
        return _ask_member(session, partner, person, worker, language)
    link = PartnerWorker(partner_id=partner.id, worker_id=worker.id)
    session.add(link)
    _await_her_yes(session, person)
    says = (Say(m.PARTNER_INVITATION, {"partner": partner.name}),)
    row = write_notice(session, Notice(person.id, "partner_invitation", says))
    session.flush()
    log.info("partner %d enrolled %s", partner.id, mask_phone(phone))
    return _enrolment(person, worker, link, language, created=True, outbox_ids=(row.id,))


def _ask_member(
    session: Session, partner: Partner, person: Person, worker: Worker, language: str
) -> Enrolment:
    """Ask a member whether the partner may pay in; answer the partner as for someone new."""
    consent = session.get(PartnerConsent, (partner.id, worker.id))
    if consent is not None:  # asked before: the same answer as a repeat for someone new
        return Enrolment(person.phone, language, False, as_utc(consent.asked_at), False)
    consent = PartnerConsent(partner_id=partner.id, worker_id=worker.id)
    session.add(consent)
    _ask_her(session, person, partner)
    says = (Say(m.PARTNER_CONSENT, {"partner": partner.name}),)
    row = write_notice(session, Notice(person.id, "partner_consent", says))
    session.flush()
    log.info("partner %d asked %s to accept it", partner.id, mask_phone(person.phone))
    return Enrolment(person.phone, language, False, as_utc(consent.asked_at), True, (row.id,))


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


def _ask_her(session: Session, person: Person, partner: Partner) -> None:
    """Her conversation waits for her YES or NO to the partner: the newest question wins, so
    that her YES cannot answer an older one (a day off) by mistake."""
    record = session.get(ConversationRecord, person.id)
    if record is None:
        record = ConversationRecord(person_id=person.id)
        session.add(record)
    record.state = State.CONFIRMING_PARTNER
    record.data = {"partner_id": partner.id, "partner": partner.name}
    record.asked_at = utcnow()


def _enrolment(
    person: Person,
    worker: Worker,
    link: PartnerWorker,
    language: str,
    *,
    created: bool,
    outbox_ids: tuple[int, ...] = (),
) -> Enrolment:
    """Her own language once she has joined (she agreed to this partner); until then the one
    the partner sent this time, as for a member it has only asked."""
    joined = worker.status == WorkerStatus.ACTIVE
    return Enrolment(
        phone=person.phone,
        language=person.language if joined else language,
        joined=joined,
        enrolled_at=as_utc(link.enrolled_at),
        created=created,
        outbox_ids=outbox_ids,
    )
