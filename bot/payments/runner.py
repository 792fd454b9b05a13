"""Running collections: charge what is due, retry what was declined, text payment links.

A charge is written (and committed) before the provider is asked, and the provider's answer
is recorded in a transaction of its own: no database lock is held while the provider thinks,
and a crash in between leaves a charge whose idempotency key makes the next ask safe.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.channel import outbox
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.infra.runtime import Runtime
from bot.models import Contributor, Employment, EmploymentStatus
from bot.payments import collections, notices
from bot.payments.interfaces import Attempt, ChargeAnswer, CollectionsService
from bot.payments.models import ChargeStatus, CollectionCharge
from bot.payments.reconcile import Reconciliation, reconcile
from bot.payments.services import create_service
from conversations import messages as m
from conversations.talk import Say

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSummary:
    """What one collections run did."""

    charged: int  # new charges asked for
    retried: int  # declined charges tried again
    declined: int  # of those, declined at once


def service(runtime: Runtime) -> CollectionsService:
    """The process's collections service, built once from its settings."""
    if "collections" not in runtime.clients:
        runtime.clients["collections"] = create_service(runtime.settings)
    chosen: CollectionsService = runtime.clients["collections"]
    return chosen


def reconcile_recent(runtime: Runtime, days: int) -> Reconciliation:
    """The provider's money of the last `days` days against the ledger (raises
    `ProviderUnavailable` when the provider cannot be asked)."""
    provider = service(runtime)
    since = utcnow() - timedelta(days=days)
    lines = provider.movements(since)
    with runtime.sessions() as session:
        return reconcile(session, provider.name, lines, since)


def run(runtime: Runtime) -> RunSummary:
    """Charge every household due now and retry every declined charge due now."""
    provider = service(runtime)
    due = run_in_transaction(
        runtime.sessions,
        lambda session: [h.id for h in collections.due(session, runtime.settings, provider)],
    )
    new_charges = [charge_id for charge_id in (_open(runtime, h) for h in due) if charge_id]
    retries = run_in_transaction(runtime.sessions, collections.retries_due)
    claimed = [charge_id for charge_id in retries if _claim(runtime, charge_id)]
    declined = sum(not ask(runtime, charge_id) for charge_id in (*new_charges, *claimed))
    return RunSummary(len(new_charges), len(claimed), declined)


def ask(runtime: Runtime, charge_id: int) -> bool:
    """Ask the provider for one charge attempt and record its answer; False if declined."""
    provider = service(runtime)
    with runtime.sessions() as session:
        charge = session.get_one(CollectionCharge, charge_id)
        answer = provider.charge(session, charge)
        attempt = charge.attempts
    outbox_ids = run_in_transaction(
        runtime.sessions, lambda session: _record(session, runtime, charge_id, attempt, answer)
    )
    outbox.hand_over(runtime, outbox_ids)
    return answer.attempt is Attempt.PROCESSING


def send_links(runtime: Runtime) -> int:
    """Text a link to save a payment method to each household that accepted a worker and has
    none yet, once; answer how many were sent."""
    provider = service(runtime)
    if not provider.charges_automatically():
        return 0
    outbox_ids = run_in_transaction(runtime.sessions, lambda s: _links(s, runtime, provider))
    outbox.hand_over(runtime, outbox_ids)
    return len(outbox_ids)


def _households_asked_to_pay(session: Session) -> list[Contributor]:
    """Households a worker works for, and those she removed that still owe for her visits."""
    live = (EmploymentStatus.ACTIVE, EmploymentStatus.ENDED)
    households = session.scalars(
        select(Contributor)
        .join(Employment, Employment.household_id == Contributor.id)
        .where(Employment.status.in_(live), Contributor.person_id.is_not(None))
        .distinct()
    ).all()
    active = set(
        session.scalars(
            select(Employment.household_id).where(Employment.status == EmploymentStatus.ACTIVE)
        )
    )
    return [h for h in households if h.id in active or ledger.open_pledges(session, h.account_id)]


def _links(session: Session, runtime: Runtime, provider: CollectionsService) -> list[int]:
    households = _households_asked_to_pay(session)
    fees = (
        m.PAYMENT_FEES_HOUSEHOLD
        if runtime.settings.fees_paid_by == "household"
        else (m.PAYMENT_FEES_FUND)
    )
    ids: list[int] = []
    for household in households:
        if provider.can_charge(session, household) or provider.method_type(session, household):
            continue
        if notices.link_sent(session, household):
            continue
        link = provider.setup_link(session, household)
        if link:
            says = (Say(m.PAYMENT_SETUP, {"link": link}), Say(fees))
            ids += notices.tell_household(session, household, "payment_setup", *says)
    return ids


def _open(runtime: Runtime, household_id: int) -> int | None:
    def opened(session: Session) -> int | None:
        household = session.get_one(Contributor, household_id)
        charge = collections.open_charge(session, runtime.settings, service(runtime), household)
        return charge.id if charge else None

    return run_in_transaction(runtime.sessions, opened)


def _claim(runtime: Runtime, charge_id: int) -> bool:
    def claimed(session: Session) -> bool:
        charge = session.get_one(CollectionCharge, charge_id, with_for_update=True)
        return collections.claim_retry(session, charge)

    return run_in_transaction(runtime.sessions, claimed)


def _record(
    session: Session, runtime: Runtime, charge_id: int, attempt: int, answer: ChargeAnswer
) -> list[int]:
    charge = session.get_one(CollectionCharge, charge_id, with_for_update=True)
    if charge.attempts != attempt or charge.status != ChargeStatus.PROCESSING:
        return []  # the provider's event got here first
    if answer.reference:
        charge.reference = answer.reference
    if answer.attempt is Attempt.PROCESSING:
        return []
    household = session.get_one(Contributor, charge.household_id)
    link = service(runtime).setup_link(session, household)
    log.info("charge %s attempt %s declined: %s", charge.id, attempt, answer.failure_code)
    return list(
        collections.charge_failed(
            session, runtime.settings, charge, answer.failure_code or "declined", link
        )
    )
