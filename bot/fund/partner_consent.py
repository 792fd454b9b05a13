"""A member's answer to a partner that asked to pay into her fund."""

import logging

from sqlalchemy.orm import Session

from bot.infra.orm import utcnow
from bot.models import PartnerConsent, PartnerWorker

log = logging.getLogger(__name__)


def answer(session: Session, worker_id: int, partner_id: int, accept: bool) -> None:
    """Her YES links the partner to her; her NO is kept, so that it cannot ask her again."""
    consent = session.get(PartnerConsent, (partner_id, worker_id))
    if consent is None or consent.declined_at is not None:
        return  # answered before (a repeated text)
    if not accept:
        consent.declined_at = utcnow()
        return
    session.delete(consent)
    if session.get(PartnerWorker, (partner_id, worker_id)) is None:
        session.add(PartnerWorker(partner_id=partner_id, worker_id=worker_id))
    log.info("worker #%d accepted partner %d", worker_id, partner_id)
