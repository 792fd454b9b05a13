"""What households and workers are told about money in, written to the outbox in the
caller's transaction; each answers the outbox ids to hand over after commit."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.models import Contributor, Employment, OutboundMessage, Worker
from bot.payments.models import CollectionCharge
from bot.texting.notices import write_notice, write_notice_once
from conversations import messages as m
from conversations.talk import Money, Notice, Say


def tell_workers_late(
    session: Session, household: Contributor, charge: CollectionCharge
) -> tuple[int, ...]:
    """Each worker with pledges in the charge hears, once per charge, that it is late."""
    owed_to: dict[int, int] = {}
    for pledge in ledger.open_pledges(session, household.account_id):
        owed_to[pledge.credit_account_id] = owed_to.get(pledge.credit_account_id, 0) + pledge.amount
    ids = []
    rows = session.execute(
        select(Worker, Employment.label)
        .join(Employment, Employment.worker_id == Worker.id)
        .where(Worker.account_id.in_(owed_to), Employment.household_id == household.id)
    )
    for worker, label in rows:
        say = Say(
            m.PAYMENT_LATE,
            {"household": label or household.name, "amount": Money(owed_to[worker.account_id])},
        )
        row = write_notice_once(
            session,
            Notice(worker.person_id, "payment_late", (say,)),
            f"late:{charge.id}:{worker.id}",
        )
        if row is not None:
            session.flush()
            ids.append(row.id)
    return tuple(ids)


def link_sent(session: Session, household: Contributor) -> bool:
    """Whether the household was already texted a link to save a payment method."""
    return (
        session.scalar(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.person_id == household.person_id,
                OutboundMessage.kind == "payment_setup",
            )
            .limit(1)
        )
        is not None
    )


def tell_household(
    session: Session, household: Contributor, kind: str, *says: Say
) -> tuple[int, ...]:
    """Write a notice to the household; its outbox id (none if it has no phone)."""
    if household.person_id is None:
        return ()
    row = write_notice(session, Notice(household.person_id, kind, says))
    session.flush()
    return (row.id,)
