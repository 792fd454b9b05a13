"""Her payout account on a rail that pays into one (Stripe Connect): texting her the link
where she sets it up, by staff's command or once when a day off waits for it; and when the
card or bank account her payouts go to changes at the rail, holding them and telling her."""

import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.fund import payouts
from bot.infra.orm import as_utc, utcnow
from bot.models import Worker
from bot.payouts_rail.interfaces import PayoutProvider
from bot.texting.notices import write_notice, write_notice_once
from conversations import messages as m
from conversations.talk import Money, Notice, Say

log = logging.getLogger(__name__)


def send_link(session: Session, provider: PayoutProvider, worker: Worker) -> int | None:
    """Text her the link where she sets up her payout account: the outbox id to hand over
    after commit, None when the rail needs no account (manual)."""
    link = provider.account_link(session, worker.id)
    if link is None:
        return None
    say = Say(m.PAYOUT_SETUP, {"link": link})
    row = write_notice(session, Notice(worker.person_id, "payout_setup", (say,)))
    session.flush()
    return row.id


def ask_once(session: Session, provider: PayoutProvider, transfer_id: int) -> tuple[int, ...]:
    """A day off waits because she has no payout account ready: text her the link, once
    per worker however many runs find it waiting (staff can send it again by command)."""
    reservation, worker = payouts.reservation_of(session, transfer_id)
    link = provider.account_link(session, worker.id)
    if link is None:
        return ()
    say = Say(m.PAYOUT_WAITS_FOR_ACCOUNT, {"amount": Money(reservation.amount), "link": link})
    row = write_notice_once(
        session, Notice(worker.person_id, "payout_waiting", (say,)), f"payout-setup:{worker.id}"
    )
    if row is None:
        return ()
    session.flush()
    return (row.id,)


def account_changed(
    session: Session, worker_id: int, last4: str | None, hold_hours: int
) -> tuple[int, ...]:
    """Her payouts now go to another card or bank account, changed at the rail (where the
    fund's code cannot guard it): they wait `hold_hours` so that she can stop a change she
    did not make, and she is told. The outbox id to hand over after commit."""
    worker = session.get(Worker, worker_id, with_for_update=True)
    if worker is None:
        return ()
    until = utcnow() + timedelta(hours=hold_hours)
    held = worker.payouts_held_until
    worker.payouts_held_until = max(until, as_utc(held)) if held is not None else until
    say = Say(m.PAYOUT_ACCOUNT_CHANGED, {"digits": last4 or "????", "hours": hold_hours})
    row = write_notice(session, Notice(worker.person_id, "payout_account_changed", (say,)))
    session.flush()
    log.warning("worker #%s: her payout account changed at the rail; payouts wait", worker_id)
    return (row.id,)
