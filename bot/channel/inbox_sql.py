"""The inbox's own statements: lock her row, read what her turn needs, claim the MessageSid,
store her conversation.

They run for every message, so they skip the ORM: Core statements built once, answering plain
rows, from which the rows the fund works on (her person, worker and household rows) are made
into the session's objects without reading them again (`bot.infra.orm.attach`). On
PostgreSQL each statement is compiled once and handed straight to psycopg on the session's
connection, inside its transaction, as a prepared statement (`bot.ledger.driver_sql`): for
statements this small, SQLAlchemy's execution layer costs more Python than PostgreSQL spends
on them. Elsewhere (SQLite, for `make run`) SQLAlchemy runs the same statements.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect, Executable, and_, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.fund.database_fund import cover_period, with_roles
from bot.infra.orm import as_utc, attach, columns_of
from bot.ledger import Account, driver_sql, known_counters
from bot.models import (
    Channel,
    ChannelConsent,
    ConversationRecord,
    CoverStatus,
    InboundMessage,
    Person,
    Worker,
)

PEOPLE = Person.__table__
INBOUND = InboundMessage.__table__
CONSENTS = ChannelConsent.__table__
CONVERSATIONS = ConversationRecord.__table__
WORKERS = Worker.__table__
ACCOUNTS = Account.__table__


def _create(dialect_insert: Callable[..., Any]) -> Executable:
    # Create her, or find her if someone created her a moment ago, and lock her row.
    statement = dialect_insert(PEOPLE).values(
        phone=bindparam("phone"),
        language="en",
        time_zone=bindparam("time_zone"),
        last_channel=bindparam("last_channel"),
        created_at=bindparam("created_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=[PEOPLE.c.phone], set_={"last_channel": statement.excluded.last_channel}
    ).returning(*columns_of(Person))


def _store(dialect_insert: Callable[..., Any]) -> Executable:
    statement = dialect_insert(CONVERSATIONS).values(
        {name: bindparam(name) for name in ("person_id", "state", "data", "asked_at", "updated_at")}
    )
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[CONVERSATIONS.c.person_id],
        set_={
            "state": excluded.state,
            "data": excluded.data,
            "asked_at": excluded.asked_at,
            "updated_at": excluded.updated_at,
        },
    )


# Her row, locked: a lock and no new version of the row, as an upsert would write. After
# waiting for the lock, PostgreSQL hands back the row as the one who held it left it.
LOCK = select(*columns_of(Person)).where(PEOPLE.c.phone == bindparam("phone")).with_for_update()
# Built once per dialect (ON CONFLICT is written in each dialect's own INSERT).
CREATE = {"postgresql": _create(postgresql.insert), "sqlite": _create(sqlite.insert)}
STORE = {"postgresql": _store(postgresql.insert), "sqlite": _store(sqlite.insert)}
# Read once she is locked (so it sees whatever the one who held the lock before committed): an
# earlier delivery of this MessageSid, her opt-out on this channel, her stored conversation, who
# she is for the fund (`with_roles`: a row per insurance product covered this month), and her
# account's counters when she is a worker (her balance: `bot.ledger.known_counters`).
READ = (
    with_roles(
        select(
            INBOUND.c.person_id,
            INBOUND.c.reply,
            CONSENTS.c.opted_out,
            CONVERSATIONS.c.person_id,
            CONVERSATIONS.c.state,
            CONVERSATIONS.c.data,
            CONVERSATIONS.c.asked_at,
        )
        .select_from(PEOPLE)
        .outerjoin(INBOUND, INBOUND.c.message_sid == bindparam("message_sid"))
        .outerjoin(
            CONSENTS,
            and_(CONSENTS.c.person_id == PEOPLE.c.id, CONSENTS.c.channel == bindparam("channel")),
        )
        .outerjoin(CONVERSATIONS, CONVERSATIONS.c.person_id == PEOPLE.c.id)
        .where(PEOPLE.c.id == bindparam("person_id"))
    )
    .add_columns(
        ACCOUNTS.c.debits_pending,
        ACCOUNTS.c.debits_posted,
        ACCOUNTS.c.credits_pending,
        ACCOUNTS.c.credits_posted,
    )
    .outerjoin(ACCOUNTS, ACCOUNTS.c.id == WORKERS.c.account_id)
)
HEAD, COUNTERS = 7, 4  # READ's columns: HEAD, then ROLE_COLUMNS, then COUNTERS
PERSON = len(columns_of(Person))  # LOCK_AND_READ's columns: LOCK's, then READ's
# Migration 0017's function: LOCK, then READ in a statement (a snapshot) of its own.
LOCK_AND_READ = (
    "SELECT * FROM inbox_lock_read("
    "%(phone)s, %(message_sid)s, %(channel)s, %(period)s, %(covered)s)"
)
CLAIM_COLUMNS = (
    "message_sid",
    "person_id",
    "channel",
    "body",
    "num_media",
    "media_type",
    "reply",
    "received_at",
)
# inline: no RETURNING of the new id, which nothing reads
CLAIM = insert(INBOUND).values({name: bindparam(name) for name in CLAIM_COLUMNS}).inline()


@dataclass(frozen=True)
class Stored:
    """Her conversation as stored: what `store` compares the next one with."""

    state: str
    data: dict[str, Any]
    asked_at: datetime | None


@dataclass(frozen=True)
class AfterLock:
    """What READ found: who claimed the MessageSid before (None: nobody) and the reply given
    then, her opt-out, her conversation (None: she has none yet), and the rows `with_roles`
    adds (for `DatabaseFund.take_roles`)."""

    claimed_by: int | None
    earlier_reply: str | None
    opted_out: bool
    stored: Stored | None
    roles: list[tuple[Any, ...]]
    counters: known_counters.Counters | None  # her worker account's, when she is a worker


def lock(session: Session, phone: str, channel: Channel, time_zone: str, now: datetime) -> Person:
    """Find the person with this address (creating her the first time), lock her row, and
    return it as the session's object, her channel brought up to date."""
    found = _rows(session, LOCK, {"phone": phone})
    if not found:  # new: one statement more, the first time only
        values = {"phone": phone, "time_zone": time_zone, "last_channel": channel}
        found = _rows(session, CREATE, {**values, "created_at": now})
    return _locked_person(session, found[0], channel)


def lock_and_read(
    session: Session, phone: str, message_sid: str, channel: Channel, time_zone: str
) -> tuple[Person, AfterLock] | None:
    """LOCK then READ in one round trip, on PostgreSQL through psycopg (migration 0017's
    `inbox_lock_read`): her row locked, and what READ finds once it is. None where the
    function cannot serve (SQLite, or a number not known yet: `lock` creates her), and the
    caller runs `lock` and `read`. The cover period read is this month in `time_zone`, the
    one she most likely lives in; when hers puts her in another month, READ runs again."""
    connection = _connection(session)
    if driver_sql.psycopg_of(connection) is None:
        return None
    period = cover_period(time_zone)
    values = {
        "phone": phone,
        "message_sid": message_sid,
        "channel": channel,
        "period": period,
        "covered": CoverStatus.COVERED,
    }
    rows = driver_sql.fetch_all(connection, LOCK_AND_READ, values)
    if not rows:
        return None
    person = _locked_person(session, rows[0][:PERSON], channel)
    if person.time_zone != time_zone:
        own_period = cover_period(person.time_zone)
        if own_period != period:  # near a month's end, a time zone of her own: her month
            return person, read(session, person.id, message_sid, channel, own_period)
    return person, _after_lock([row[PERSON:] for row in rows])


def _locked_person(session: Session, row: Sequence[Any], channel: Channel) -> Person:
    """Her row (LOCK's columns) as the session's object, her channel brought up to date."""
    person = attach(session, Person, row)
    if person.last_channel != channel:
        person.last_channel = channel  # written with the rest, at the latest on commit
    return person


def read(
    session: Session, person_id: int, message_sid: str, channel: Channel, period: str
) -> AfterLock:
    """READ, for the person locked (`period`: `cover_period` of her time zone)."""
    values = {
        "message_sid": message_sid,
        "channel": channel,
        "person_id": person_id,
        "period": period,
    }
    return _after_lock(_rows(session, READ, values))


def _after_lock(rows: list[tuple[Any, ...]]) -> AfterLock:
    """What READ's rows say."""
    claimed_by, earlier_reply, opted_out, has_record, state, data, asked_at = rows[0][:7]
    asked_at = as_utc(asked_at) if asked_at is not None else None  # SQLite's are naive
    stored = None if has_record is None else Stored(state, data or {}, asked_at)
    roles = [row[HEAD:-COUNTERS] for row in rows]
    counters = rows[0][-COUNTERS:]
    known = None if counters[0] is None else counters
    return AfterLock(claimed_by, earlier_reply, bool(opted_out), stored, roles, known)


def claim(session: Session, values: Mapping[str, Any]) -> None:
    """Record the message under its MessageSid (every name of CLAIM_COLUMNS), with the reply
    given: a second delivery finds it."""
    _rows(session, CLAIM, dict(values))


def store(
    session: Session,
    person_id: int,
    stored: Stored | None,
    *,
    state: str,
    data: dict[str, Any],
    asked_at: datetime | None,
    now: datetime,
) -> None:
    """Write her next conversation, unless it is the one stored (then nothing is written)."""
    if stored is not None and (stored.state, stored.data, stored.asked_at) == (
        state,
        data,
        asked_at,
    ):
        return
    values = {
        "person_id": person_id,
        "state": state,
        "data": data,
        "asked_at": asked_at,
        "updated_at": now,
    }
    _rows(session, STORE, values)


def _rows(
    session: Session, statement: Executable | Mapping[str, Executable], values: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """Run the statement (or the one written for the session's dialect) in the session's
    transaction; its rows."""
    connection = _connection(session)
    dialect = connection.dialect
    if isinstance(statement, Mapping):
        statement = statement.get(dialect.name, statement["sqlite"])
    if driver_sql.psycopg_of(connection) is None:
        result = connection.execute(statement, values)
        return [tuple(row) for row in result] if result.returns_rows else []
    sql, fixed, processors = _compiled(statement, dialect, values)
    parameters = fixed | values
    for name, process in processors.items():
        parameters[name] = process(parameters[name])
    return driver_sql.fetch_all(connection, sql, parameters)


def _connection(session: Session) -> Connection:
    # The inbox's session is bound to its connection (`run_on_connection`): statements run on
    # it directly, and the session joins the transaction only if the turn asks the ORM.
    bound = session.bind
    return bound if isinstance(bound, Connection) else session.connection()


_COMPILED: dict[tuple[int, type[Dialect]], tuple[str, dict[str, Any], dict[str, Any]]] = {}


def _compiled(
    statement: Executable, dialect: Dialect, values: dict[str, Any]
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The statement's SQL for psycopg, the values it binds itself, and the bind processors
    SQLAlchemy would apply (a JSON value is wrapped for psycopg): compiled once."""
    key = (id(statement), type(dialect))
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        # Nothing else SQLAlchemy would do at execution: no expanding IN, no Python defaults.
        assert "POSTCOMPILE" not in compiled.string
        assert not compiled.insert_prefetch and not compiled.update_prefetch
        own = {k: v for k, v in compiled.construct_params(dict.fromkeys(values)).items()}
        fixed = {k: v for k, v in own.items() if k not in values}
        found = (compiled.string, fixed, dict(compiled._bind_processors))
        _COMPILED[key] = found
    return found
