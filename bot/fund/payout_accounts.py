"""Her payout account on a rail that pays into one (Stripe Connect): texting her the link
where she sets it up, by staff's command or once when a day off waits for it."""

from sqlalchemy.orm import Session

from bot.fund import payouts
from bot.models import Worker
from bot.payouts_rail.interfaces import PayoutProvider
from bot.texting.notices import write_notice, write_notice_once
from conversations import messages as m
from conversations.talk import Money, Notice, Say


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
