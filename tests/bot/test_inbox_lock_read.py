"""On PostgreSQL the inbox locks her row and reads what her turn needs in one round trip
(migration 0017's `inbox_lock_read`, `bot.channel.inbox_sql.lock_and_read`). It must answer
exactly what LOCK then READ answer, and, like them, see what the message ahead of hers
committed while it waited for her lock."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, insert, text

from bot.channel import inbox_sql
from bot.fund import membership
from bot.fund.worker_money import cover_period
from bot.infra.db import make_session_factory, run_in_transaction, run_on_connection
from bot.infra.orm import replaying_at, utcnow
from bot.ledger import contribute
from bot.models import (
    Channel,
    ChannelConsent,
    ConversationRecord,
    CoverStatus,
    InboundMessage,
    InsuranceCover,
)

WORKER, HOUSEHOLD, STRANGER = "+12125550101", "+12125550102", "+12125550103"
ZONE = "America/New_York"
PERIOD, OTHER_PERIOD = cover_period(ZONE), "2000-01"
SID, OTHER_SID = "SM" + "1" * 32, "SM" + "2" * 32


@pytest.fixture
def fund(postgres_engine):
    """A worker with money, two products covered this month and one last month, a stored
    conversation, a STOP on WhatsApp and a message already claimed; a household; a person who
    is neither."""
    sessions = make_session_factory(postgres_engine)

    def work(session):
        worker = membership.enrol_worker(session, WORKER, time_zone="America/New_York", name="Ana")
        household = membership.enrol_household(session, HOUSEHOLD, time_zone="America/Chicago")
        membership.person_for(session, STRANGER, language="es", time_zone="America/New_York")
        contribute(
            session,
            key="seed",
            contributor_account_id=household.account_id,
            worker_account_id=worker.account_id,
            amount_cents=1250,
        )
        session.flush()
        return worker.id, worker.person_id

    worker_id, person_id = run_in_transaction(sessions, work)
    now = utcnow()
    with postgres_engine.begin() as connection:
        cover(
            connection, worker_id, ("dental", PERIOD), ("accident", PERIOD), ("life", OTHER_PERIOD)
        )
        connection.execute(
            insert(ConversationRecord.__table__).values(
                person_id=person_id,
                state="confirm_day_off",
                data={"day": "2026-12-07", "note": "Lucía"},
                asked_at=now - timedelta(minutes=3),
                updated_at=now,
            )
        )
        connection.execute(
            insert(ChannelConsent.__table__).values(
                person_id=person_id, channel=Channel.WHATSAPP, opted_out=True, changed_at=now
            )
        )
        connection.execute(
            insert(InboundMessage.__table__).values(
                message_sid=SID,
                person_id=person_id,
                channel=Channel.SMS,
                body="BALANCE",
                num_media=0,
                reply="Your balance: $12.50.",
                received_at=now,
            )
        )
    return postgres_engine


def cover(connection: Connection, worker_id, *products_and_periods):
    """Insurance products covered for the worker, each for its month."""
    for product, period in products_and_periods:
        connection.execute(
            insert(InsuranceCover.__table__).values(
                worker_id=worker_id,
                product=product,
                period=period,
                status=CoverStatus.COVERED,
                created_at=utcnow(),
            )
        )


def lock_then_read(connection: Connection, phone, sid, channel, period):
    """What the two statements answer: LOCK's row, then READ's rows."""
    person = connection.execute(inbox_sql.LOCK, {"phone": phone}).all()
    if not person:
        return []
    values = {"person_id": person[0][0], "message_sid": sid, "channel": channel, "period": period}
    return [(*person[0], *row) for row in connection.execute(inbox_sql.READ, values).all()]


def in_one_call(connection: Connection, phone, sid, channel, period):
    values = {
        "phone": phone,
        "message_sid": sid,
        "channel": channel,
        "period": period,
        "covered": CoverStatus.COVERED,
    }
    return [tuple(row) for row in connection.exec_driver_sql(inbox_sql.LOCK_AND_READ, values)]


@pytest.mark.parametrize("phone", [WORKER, HOUSEHOLD, STRANGER, "+12125550199"])
@pytest.mark.parametrize("sid", [SID, OTHER_SID])
@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP])
@pytest.mark.parametrize("period", [PERIOD, OTHER_PERIOD, "2027-01"])
def test_one_call_answers_what_lock_then_read_answer(fund, phone, sid, channel, period):
    with fund.begin() as connection:
        expected = lock_then_read(connection, phone, sid, channel, period)
    with fund.begin() as connection:
        assert in_one_call(connection, phone, sid, channel, period) == expected
    if phone == WORKER and period == PERIOD:
        assert [row[inbox_sql.PERSON + 20] for row in expected] == [
            "dental",
            "accident",
        ]  # the test covers a worker with two products: a row each


def test_the_inbox_reads_her_turn_in_one_call(fund):
    """`lock_and_read` hands back her row, attached, and what READ found; none for a number
    not known yet (the inbox creates her with LOCK and CREATE)."""
    holder = {}

    def work(session):
        person, found = inbox_sql.lock_and_read(session, WORKER, SID, Channel.SMS, ZONE)
        holder["person"] = (person.phone, person.name, person.last_channel)
        holder["found"] = found
        holder["unknown"] = inbox_sql.lock_and_read(
            session, "+12125550199", OTHER_SID, Channel.SMS, ZONE
        )

    run_on_connection(fund, work)
    assert holder["person"] == (WORKER, "Ana", Channel.SMS)
    found = holder["found"]
    assert found.claimed_by is not None and found.earlier_reply == "Your balance: $12.50."
    assert found.stored is not None and found.stored.state == "confirm_day_off"
    assert found.stored.data == {"day": "2026-12-07", "note": "Lucía"}
    assert found.opted_out is False  # her STOP was on WhatsApp
    assert found.counters is not None and found.counters[3] == 1250  # credits posted
    assert len(found.roles) == 2
    assert holder["unknown"] is None


def read_while_ahead_commits(engine, reader):
    """Run `reader` while the message ahead of hers holds her lock; that message then sets
    her conversation to idle and commits. What the reader answered."""
    ahead_locked, ahead_may_commit = threading.Event(), threading.Event()

    def ahead():
        with engine.begin() as connection:
            connection.execute(inbox_sql.LOCK, {"phone": WORKER}).all()
            ahead_locked.set()
            ahead_may_commit.wait(10)
            connection.execute(text("UPDATE conversations SET state = 'idle', data = '{}'"))

    thread = threading.Thread(target=ahead)
    thread.start()
    assert ahead_locked.wait(10)
    with engine.connect() as connection:
        threading.Timer(0.3, ahead_may_commit.set).start()  # once the reader waits
        answer = reader(connection)
        connection.rollback()
    thread.join(10)
    return answer


def test_the_read_sees_what_the_message_ahead_committed(fund):
    """The one call waits for her lock, then reads her conversation as the message ahead
    left it, not as it was when the call started."""
    head = inbox_sql.PERSON
    rows = read_while_ahead_commits(
        fund, lambda c: in_one_call(c, WORKER, OTHER_SID, Channel.SMS, PERIOD)
    )
    assert [(row[head + 4], row[head + 5]) for row in rows] == [("idle", {})] * 2


def test_one_statement_alone_would_read_it_stale(fund):
    """Why the function: a single statement that locks and reads sees every other table as
    it was when it started, before it waited."""
    one_statement = text(
        "SELECT conversations.state FROM people JOIN conversations"
        " ON conversations.person_id = people.id WHERE people.phone = :phone FOR UPDATE OF people"
    )
    state = read_while_ahead_commits(
        fund, lambda c: c.execute(one_statement, {"phone": WORKER}).scalar_one()
    )
    assert state == "confirm_day_off"


def test_her_own_time_zone_decides_the_month_of_her_cover(postgres_engine):
    """At 20:00 UTC on December 31st it is still December in New York (the guess) but already
    January in Kiritimati, where she lives: her January cover is the one read."""
    sessions = make_session_factory(postgres_engine)

    def enrol(session):
        worker = membership.enrol_worker(session, WORKER, time_zone="Pacific/Kiritimati")
        session.flush()
        return worker.id

    worker_id = run_in_transaction(sessions, enrol)
    with postgres_engine.begin() as connection:
        cover(connection, worker_id, ("dental", "2026-12"), ("accident", "2027-01"))
    found = {}

    def work(session):
        found["turn"] = inbox_sql.lock_and_read(session, WORKER, SID, Channel.SMS, ZONE)[1]

    with replaying_at(datetime(2026, 12, 31, 20, 0, tzinfo=UTC)):
        run_on_connection(postgres_engine, work)
    assert [role[-1] for role in found["turn"].roles] == ["accident"]
