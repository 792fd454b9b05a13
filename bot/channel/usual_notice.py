"""The usual notice, in two statements: a pending SMS, due, to someone who has not said STOP.

Each statement is a transaction of its own that PostgreSQL commits as it runs it (autocommit:
one round trip each, no BEGIN, no COMMIT): an UPDATE ... RETURNING that claims it (and reads
her number and her consent), and once Twilio took it an UPDATE that records the sid. The
claim's commit waits for the WAL to reach the disk, like every other commit: a claim lost to a
crash could let a text go out twice. The record's does not (its session runs with
synchronous_commit off): it is committed and visible at once, and on disk a fraction of a
second later, or with the next claim's commit. A crash of PostgreSQL in that moment loses the
record and nothing else: the notice is still `sending`, and the sweeper's retry asks Twilio
before sending, as after a worker that died mid-send.
"""

from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import Engine, Executable, bindparam, case, exists, or_, select, update

from bot.channel.twilio_api import Outcome
from bot.infra.db import make_engine
from bot.infra.orm import utcnow
from bot.infra.runtime import Runtime
from bot.models import Channel, ChannelConsent, OutboundMessage, OutboundStatus, Person

OUTBOUND = OutboundMessage.__table__

# Built once: this runs for every notice, and building a statement costs more than running it.
CLAIM_SMS = (  # the usual notice, claimed in one statement (see the module's docstring)
    update(OUTBOUND)
    .where(
        OUTBOUND.c.id == bindparam("notice_id"),
        OUTBOUND.c.status == OutboundStatus.PENDING,
        OUTBOUND.c.channel == Channel.SMS,
        or_(
            OUTBOUND.c.next_attempt_at.is_(None),
            OUTBOUND.c.next_attempt_at <= bindparam("claimed_at"),
        ),
        ~exists().where(  # she has not said STOP on SMS
            ChannelConsent.person_id == OUTBOUND.c.person_id,
            ChannelConsent.channel == Channel.SMS,
            ChannelConsent.opted_out,
        ),
    )
    .values(
        status=OutboundStatus.SENDING,
        sending_at=bindparam("claimed_at"),
        attempts=OUTBOUND.c.attempts + 1,
        next_attempt_at=None,
    )
    .returning(
        OUTBOUND.c.body,
        select(Person.phone).where(Person.id == OUTBOUND.c.person_id).scalar_subquery(),
    )
)
MARK_SENT = (  # a status a callback set first (delivered...) is kept
    update(OUTBOUND)
    .where(OUTBOUND.c.id == bindparam("notice_id"))
    .values(
        twilio_sid=bindparam("sid"),
        sent_at=bindparam("accepted_at"),
        next_attempt_at=None,
        status=case(
            (
                (OUTBOUND.c.status == OutboundStatus.PENDING)
                | (OUTBOUND.c.status == OutboundStatus.SENDING),
                bindparam("new_status"),
            ),
            else_=OUTBOUND.c.status,
        ),
    )
)



class UsualNotice:
    """The usual notice's two statements, each a transaction of its own (see the module's
    docstring), on engines of their own: claims commit durably, records without waiting for
    the WAL flush. On PostgreSQL each statement runs in autocommit, compiled once and handed
    straight to psycopg on a pooled connection: twice a notice, SQLAlchemy's execution layer
    cost more than the round trip. On SQLite (a laptop) it is an ordinary transaction."""

    def __init__(self, runtime: Runtime) -> None:
        self.postgres = runtime.engine.dialect.name == "postgresql"
        self.claims = self.records = runtime.engine
        self.compiled: dict[int, tuple[str, dict[str, Any]]] = {}
        if self.postgres:
            url = runtime.engine.url.render_as_string(hide_password=False)
            self.claims = make_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
            self.records = make_engine(
                url,
                isolation_level="AUTOCOMMIT",
                connect_args={"options": "-c synchronous_commit=off"},
                pool_size=1,
            )
            runtime.on_close(self.dispose)

    def claim(self, outbox_id: int, now: datetime) -> tuple[Any, ...] | None:
        """CLAIM_SMS: the notice's body and her number if it was the usual one, else None."""
        return self._run(self.claims, CLAIM_SMS, {"notice_id": outbox_id, "claimed_at": now})

    def record(self, outbox_id: int, outcome: Outcome, status: OutboundStatus) -> None:
        """MARK_SENT: Twilio took it."""
        self._run(self.records, MARK_SENT, sent_values(outbox_id, outcome, status))

    def warm_up(self) -> None:
        """Before forking: each engine learns the server (version, settings), each statement
        is compiled."""
        if self.postgres:
            for engine in (self.claims, self.records):
                with engine.connect():
                    pass
            self._compile(self.claims, CLAIM_SMS, dict.fromkeys(("notice_id", "claimed_at")))
            recorded = sent_values(0, Outcome(), OutboundStatus.QUEUED)
            self._compile(self.records, MARK_SENT, dict.fromkeys(recorded))

    def dispose(self, close: bool = True) -> None:
        """Close the pools (`close=False`: drop them, in a process forked from their owner)."""
        if self.postgres:
            self.claims.dispose(close=close)
            self.records.dispose(close=close)

    def _run(
        self, engine: Engine, statement: Executable, values: dict[str, Any]
    ) -> tuple[Any, ...] | None:
        if not self.postgres:
            with engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE ... COMMIT
                result = connection.execute(statement, values)
                row = result.first() if result.returns_rows else None
                return tuple(row) if row is not None else None
        sql, fixed = self._compile(engine, statement, values)
        parameters = fixed | values
        # A connection found dead (the database restarted since it was pooled) is replaced
        # and the statement run again: both statements may run twice.
        for attempt in range(1, 4):
            connection = engine.raw_connection()
            try:
                cursor = connection.driver_connection.execute(sql, parameters)
                return cursor.fetchone() if cursor.description else None
            except psycopg.OperationalError:
                if connection.driver_connection.broken:
                    connection.invalidate()
                if attempt == 3:
                    raise
            finally:
                connection.close()
        raise AssertionError("unreachable")

    def _compile(
        self, engine: Engine, statement: Executable, values: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """The statement's SQL for this dialect, and the values it binds itself."""
        found = self.compiled.get(id(statement))
        if found is None:
            compiled = statement.compile(dialect=engine.dialect)
            # Nothing SQLAlchemy would do at execution: no expanding IN, no bind processors.
            assert "POSTCOMPILE" not in compiled.string and not compiled._bind_processors
            fixed = compiled.construct_params(dict.fromkeys(values))
            found = compiled.string, {k: v for k, v in fixed.items() if k not in values}
            self.compiled[id(statement)] = found
        return found


def usual_notice(runtime: Runtime) -> UsualNotice:
    """The runtime's one UsualNotice (its engines are made once)."""
    usual = runtime.clients.get("sender.usual")
    if usual is None:
        usual = runtime.clients["sender.usual"] = UsualNotice(runtime)
    return usual


def sent_values(outbox_id: int, outcome: Outcome, status: OutboundStatus) -> dict[str, Any]:
    return {
        "notice_id": outbox_id,
        "sid": outcome.sid,
        "accepted_at": utcnow(),
        "new_status": status,
    }
