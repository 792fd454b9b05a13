"""Moving a worker to a new phone number: her account, history, balance, households and
consents follow (they belong to her, not to the number), the old number is told, and her
payouts wait for `PAYOUT_CHANGE_HOLD` hours so that a move she did not ask for cannot pay a
stranger. Staff do it from her dashboard page after checking who she is; every move is kept
with its reason and how she was checked."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.orm import utcnow
from bot.models import NumberMove, OutboundMessage, Person, Worker
from bot.texting.notices import write_notice
from conversations import messages as m
from conversations.talk import Notice, Say

MAX_TEXT = 200


class MoveRefused(Exception):
    """The move cannot be made (the new number is someone else's, or the same one)."""


@dataclass(frozen=True)
class Move:
    """The recorded move and the outbox rows to hand over after commit."""

    move_id: int
    outbox_ids: tuple[int, ...]


def move_number(
    session: Session,
    worker_id: int,
    new_phone: str,
    *,
    reason: str,
    identity_check: str,
    staff_email: str,
    hold_hours: int,
) -> Move:
    """Give the worker the new number (already E.164), tell both numbers, hold payouts."""
    worker = session.get(Worker, worker_id, with_for_update=True)
    if worker is None:
        raise LookupError(f"no worker {worker_id}")
    person = worker.person
    old_phone = person.phone
    if new_phone == old_phone:
        raise MoveRefused("that is already her number")
    if session.scalar(select(Person.id).where(Person.phone == new_phone)) is not None:
        raise MoveRefused("the new number belongs to someone else the fund knows")
    held_until = utcnow() + timedelta(hours=hold_hours)
    person.phone = new_phone
    worker.payouts_held_until = held_until
    move = NumberMove(
        worker_id=worker.id,
        old_phone=old_phone,
        new_phone=new_phone,
        reason=reason[:MAX_TEXT],
        identity_check=identity_check[:MAX_TEXT],
        staff_email=staff_email,
        payouts_held_until=held_until,
    )
    session.add(move)
    session.flush()  # the old number is free before it gets a person of its own
    moved = Say(m.NUMBER_MOVED, {"hours": hold_hours})
    told_new = write_notice(session, Notice(person.id, "number_moved", (moved,)))
    told_old = _tell_old_number(session, person, old_phone)
    session.flush()
    return Move(move.id, (told_new.id, told_old.id))


def _tell_old_number(session: Session, her: Person, old_phone: str) -> OutboundMessage:
    """The old number becomes a contact of its own (it is no longer hers): it is told, in her
    language, that it left her account; it can still text the fund, as anyone can."""
    former = Person(
        phone=old_phone,
        language=her.language,
        time_zone=her.time_zone,
        last_channel=her.last_channel,
    )
    session.add(former)
    session.flush()
    notice = Notice(former.id, "number_moved_away", (Say(m.NUMBER_MOVED_AWAY),))
    return write_notice(session, notice)


def moves(session: Session, worker_id: int) -> list[NumberMove]:
    """Her number moves, newest first, for staff."""
    return list(
        session.scalars(
            select(NumberMove)
            .where(NumberMove.worker_id == worker_id)
            .order_by(NumberMove.id.desc())
        )
    )
