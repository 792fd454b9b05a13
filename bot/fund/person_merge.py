"""One woman under two rows, made one: the row her WhatsApp user id made and her number's row.

She wrote first by her id alone (WhatsApp hid her number), and her number already had a row
of its own (she texted by SMS, or was invited). When a message brings both, everything the
id's row holds moves to the number's row, in the caller's transaction: her worker or
household record with its ledger account (repointed, never copied: no money moves and
nothing is counted twice), her messages in and out, her consents (the later word on each
channel wins) and her conversation (the one she spoke in last, with its language). The
number's row is kept, being the older way to reach her; the id's row is deleted.

Two records that both hold money, or that cannot be joined without a person deciding, are
never joined here: the pair is flagged for staff (`person_merges`, outcome needs_staff) and
the number's row answers her meanwhile.
"""

import logging

from sqlalchemy import Table, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from bot.infra.orm import Base, utcnow
from bot.infra.phone import mask_phone
from bot.ledger import Account, Transfer
from bot.models import (
    ChannelConsent,
    Contributor,
    ConversationRecord,
    Employment,
    MergeOutcome,
    Person,
    PersonMerge,
    Worker,
)

log = logging.getLogger(__name__)
# Rows that belong to a person and are moved one by one below; every other table pointing at
# people (messages in and out, earlier merges...) is simply repointed.
MOVED_APART = frozenset({"workers", "contributors", "conversations", "channel_consents"})


class KeptApart(Exception):
    """The two rows cannot be joined without staff; the reason says why."""


def merge(session: Session, kept: Person, gone: Person, user_id: str) -> bool:
    """Make `gone` (known by her id alone) part of `kept` (her number's row); both locked.

    True when merged; False when the pair waits for staff (recorded once)."""
    try:
        with session.begin_nested():
            _move_role(session, Worker, kept, gone, "worker")
            _move_role(session, Contributor, kept, gone, "household")
    except KeptApart as why:
        _flag(session, kept, gone, user_id, str(why))
        return False
    _move_conversation(session, kept, gone)
    _move_consents(session, kept, gone)
    for table in _tables_pointing_at("people"):
        if table.name not in MOVED_APART:
            for column in _columns_to(table, "people"):
                session.execute(update(table).where(column == gone.id).values({column: kept.id}))
    session.add(
        PersonMerge(
            person_id=kept.id,
            merged_person_id=gone.id,
            whatsapp_user_id=user_id,
            phone=kept.phone,
            outcome=MergeOutcome.MERGED,
            reason="the same person by her number and by her WhatsApp id",
        )
    )
    kept.name = kept.name or gone.name
    session.delete(gone)
    session.flush()
    kept.whatsapp_user_id = user_id
    session.flush()
    log.info("person %s (%s) merged into %s", gone.id, mask_phone(user_id), kept.id)
    return True


def _move_role(
    session: Session, model: type[Worker] | type[Contributor], kept: Person, gone: Person, what: str
) -> None:
    """Her worker (or household) record on the kept row: the id row's, repointed, when the
    number's has none; when both have one, the one without money goes if nothing else
    holds on to it (its households move to the other)."""
    ours = session.scalar(select(model).where(model.person_id == kept.id))
    theirs = session.scalar(select(model).where(model.person_id == gone.id))
    if theirs is None:
        return
    if ours is not None:
        if _has_money(session, ours.account_id) and _has_money(session, theirs.account_id):
            raise KeptApart(f"both rows are {what}s with money")
        empty, survivor = (
            (ours, theirs)
            if not _has_money(session, ours.account_id)
            else (
                theirs,
                ours,
            )
        )
        _retire(session, empty, survivor, what)
        if survivor is ours:
            return
    theirs.person_id = kept.id
    session.flush()


def _retire(
    session: Session, empty: Worker | Contributor, survivor: Worker | Contributor, what: str
) -> None:
    """Delete a record that holds no money, after its households move to the survivor."""
    side = Employment.worker_id if isinstance(empty, Worker) else Employment.household_id
    other = Employment.household_id if isinstance(empty, Worker) else Employment.worker_id
    moving = session.scalars(select(Employment).where(side == empty.id)).all()
    taken = set(session.scalars(select(other).where(side == survivor.id)))
    for employment in moving:
        partner = employment.household_id if isinstance(empty, Worker) else employment.worker_id
        if partner in taken:
            raise KeptApart(f"both {what}s have the same household or worker")
        if isinstance(empty, Worker):
            employment.worker_id = survivor.id
        else:
            employment.household_id = survivor.id
    session.flush()
    table = type(empty).__table__
    for referring in _tables_pointing_at(table.name):
        for column in _columns_to(referring, table.name):
            if session.scalar(select(exists().where(column == empty.id))):
                raise KeptApart(f"the {what} without money has {referring.name} staff must see")
    account_id = empty.account_id
    session.delete(empty)
    session.flush()
    session.execute(delete(Account).where(Account.id == account_id))


def _has_money(session: Session, account_id: int) -> bool:
    """Whether any money ever moved in or out of the account (pending counts)."""
    moved = or_(Transfer.debit_account_id == account_id, Transfer.credit_account_id == account_id)
    return bool(session.scalar(select(exists().where(moved))))


def _move_conversation(session: Session, kept: Person, gone: Person) -> None:
    """Her conversation goes on where she spoke last, in the language she spoke it in."""
    ours = session.get(ConversationRecord, kept.id)
    theirs = session.get(ConversationRecord, gone.id)
    if theirs is None:
        return
    if ours is None or _later(theirs, ours):
        if ours is not None:
            ours.state, ours.data, ours.asked_at = theirs.state, dict(theirs.data), theirs.asked_at
        else:
            session.add(
                ConversationRecord(
                    person_id=kept.id,
                    state=theirs.state,
                    data=dict(theirs.data),
                    asked_at=theirs.asked_at,
                )
            )
        kept.language, kept.time_zone = gone.language, gone.time_zone
    session.delete(theirs)
    session.flush()


def _later(first: ConversationRecord, second: ConversationRecord) -> bool:
    return first.updated_at is not None and (
        second.updated_at is None or first.updated_at > second.updated_at
    )


def _move_consents(session: Session, kept: Person, gone: Person) -> None:
    """Per channel, her later word (STOP or START) stands."""
    theirs_all = select(ChannelConsent).where(ChannelConsent.person_id == gone.id)
    for theirs in session.scalars(theirs_all):
        ours = session.get(ChannelConsent, (kept.id, theirs.channel))
        if ours is None:
            session.add(
                ChannelConsent(
                    person_id=kept.id,
                    channel=theirs.channel,
                    opted_out=theirs.opted_out,
                    changed_at=theirs.changed_at,
                )
            )
        elif theirs.changed_at > ours.changed_at:
            ours.opted_out, ours.changed_at = theirs.opted_out, theirs.changed_at
        session.delete(theirs)
    session.flush()


def _flag(session: Session, kept: Person, gone: Person, user_id: str, reason: str) -> None:
    """Record, once, that the pair waits for staff."""
    already = session.scalar(
        select(PersonMerge.id).where(
            PersonMerge.person_id == kept.id,
            PersonMerge.merged_person_id == gone.id,
            PersonMerge.outcome == MergeOutcome.NEEDS_STAFF,
        )
    )
    if already is None:
        session.add(
            PersonMerge(
                person_id=kept.id,
                merged_person_id=gone.id,
                whatsapp_user_id=user_id,
                phone=kept.phone,
                outcome=MergeOutcome.NEEDS_STAFF,
                reason=reason,
                created_at=utcnow(),
            )
        )
        session.flush()
    log.warning(
        "person %s (%s) and %s (%s) are one woman, kept apart for staff: %s",
        kept.id,
        mask_phone(kept.phone),
        gone.id,
        mask_phone(user_id),
        reason,
    )


def _tables_pointing_at(name: str) -> list[Table]:
    return [
        table
        for table in Base.metadata.sorted_tables
        if any(key.column.table.name == name for key in table.foreign_keys)
    ]


def _columns_to(table: Table, name: str) -> list:
    return [key.parent for key in table.foreign_keys if key.column.table.name == name]
