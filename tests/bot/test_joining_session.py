"""A transaction that runs its own statements on its connection, with a session that joins it
only when it is used as an ORM (bot.infra.db.run_on_connection, bot.infra.orm.attach): what
it wrote is committed or rolled back whole, and the objects read by Core behave as loaded."""

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot import ledger
from bot.infra.db import make_session_factory, run_on_connection
from bot.infra.orm import attach, columns_of, utcnow
from bot.models import Channel, ChannelConsent, InboundMessage, Person
from bot.ops import observers
from tests.ledger.fund import open_fund

PEOPLE = Person.__table__
INBOUND = InboundMessage.__table__
PHONE = "+12125550123"


@pytest.fixture
def person_id(engine):
    with engine.begin() as connection:
        return connection.execute(
            insert(PEOPLE)
            .values(
                phone=PHONE,
                language="en",
                time_zone="America/New_York",
                last_channel=Channel.SMS,
                created_at=utcnow(),
            )
            .returning(PEOPLE.c.id)
        ).scalar_one()


def read_person(session, person_id):
    """Her row, read by a Core statement on the session's connection, as the inbox does."""
    row = session.bind.execute(select(*columns_of(Person)).where(PEOPLE.c.id == person_id)).one()
    return attach(session, Person, tuple(row))


def claim(session, person_id, sid="SM" + "0" * 32):
    session.bind.execute(
        insert(INBOUND).values(
            message_sid=sid,
            person_id=person_id,
            channel=Channel.SMS,
            body="hi",
            num_media=0,
            received_at=utcnow(),
        )
    )


def stored(engine, column):
    with engine.connect() as connection:
        return connection.execute(select(column)).scalars().all()


def test_a_turn_that_only_reads_commits_its_statements_without_the_orm(engine, person_id):
    def work(session):
        person = read_person(session, person_id)
        claim(session, person.id)
        assert person not in session  # waiting: nothing asked the ORM anything
        assert not session.in_transaction()
        return person

    person = run_on_connection(engine, work)
    assert (person.id, person.phone, person.language) == (person_id, PHONE, "en")
    assert stored(engine, INBOUND.c.person_id) == [person_id]


def test_a_change_to_an_object_read_by_core_is_written(engine, person_id):
    def work(session):
        read_person(session, person_id).language = "es"

    run_on_connection(engine, work)
    assert stored(engine, PEOPLE.c.language) == ["es"]


def test_the_orm_finds_the_object_read_by_core_not_a_copy(engine, person_id):
    def work(session):
        person = read_person(session, person_id)
        person.name = "Ana"  # not written yet
        assert session.get(Person, person_id) is person
        found = session.scalars(select(Person).where(Person.phone == PHONE)).one()
        assert found is person and found.name == "Ana"
        assert person in session

    run_on_connection(engine, work)
    assert stored(engine, PEOPLE.c.name) == ["Ana"]


def test_its_own_statements_and_the_orm_s_writes_commit_together(engine, person_id):
    def work(session):
        person = read_person(session, person_id)
        claim(session, person.id)
        session.add(ChannelConsent(person_id=person.id, channel=Channel.SMS, opted_out=True))
        person.language = "pt_BR"

    run_on_connection(engine, work)
    assert stored(engine, INBOUND.c.person_id) == [person_id]
    assert stored(engine, ChannelConsent.__table__.c.opted_out) == [True]
    assert stored(engine, PEOPLE.c.language) == ["pt_BR"]


def test_an_object_only_added_is_written(engine, person_id):
    def work(session):
        session.add(ChannelConsent(person_id=person_id, channel=Channel.SMS, opted_out=True))

    run_on_connection(engine, work)
    assert stored(engine, ChannelConsent.__table__.c.opted_out) == [True]


def test_an_object_from_another_session_changed_and_added_is_written(engine, person_id):
    with make_session_factory(engine)() as other:
        person = other.get(Person, person_id)
    person.name = "Lucía"  # detached: its change waits for a session to take it

    run_on_connection(engine, lambda session: session.add(person))
    assert stored(engine, PEOPLE.c.name) == ["Lucía"]


def test_an_object_read_by_core_and_deleted_before_joining_is_deleted(engine, person_id):
    run_on_connection(engine, lambda session: session.delete(read_person(session, person_id)))
    assert stored(engine, PEOPLE.c.id) == []


def test_an_object_got_then_deleted_is_deleted(engine, person_id):
    with engine.begin() as connection:
        connection.execute(
            insert(ChannelConsent.__table__).values(
                person_id=person_id, channel=Channel.SMS, opted_out=True
            )
        )

    def work(session):
        session.delete(session.get(ChannelConsent, (person_id, Channel.SMS)))

    run_on_connection(engine, work)
    assert stored(engine, ChannelConsent.__table__.c.person_id) == []


@pytest.mark.parametrize("use_the_orm", [False, True])
def test_work_that_fails_leaves_nothing(engine, person_id, use_the_orm):
    def work(session):
        person = read_person(session, person_id)
        claim(session, person.id)
        person.language = "ht"
        if use_the_orm:
            session.add(ChannelConsent(person_id=person.id, channel=Channel.SMS, opted_out=True))
            session.flush()
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        run_on_connection(engine, work)
    assert stored(engine, INBOUND.c.id) == []
    assert stored(engine, ChannelConsent.__table__.c.person_id) == []
    assert stored(engine, PEOPLE.c.language) == ["en"]


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_a_transaction_the_database_asks_to_run_again_runs_again(engine, person_id):
    attempts = []

    def work(session):
        attempts.append(1)
        claim(session, person_id, sid="SM" + "1" * 32)
        session.bind.execute(update(PEOPLE).values(name=f"attempt {len(attempts)}"))
        if len(attempts) == 1:  # a unique violation: what a concurrent claim of it raises
            claim(session, person_id, sid="SM" + "1" * 32)
        return len(attempts)

    assert run_on_connection(engine, work) == 2
    assert stored(engine, INBOUND.c.message_sid) == ["SM" + "1" * 32]
    assert stored(engine, PEOPLE.c.name) == ["attempt 2"]


def test_an_error_the_database_does_not_ask_to_retry_is_raised_at_once(engine, person_id):
    attempts = []

    def work(session):
        attempts.append(1)
        session.bind.execute(insert(PEOPLE).values(phone=None))  # NOT NULL

    with pytest.raises(IntegrityError):
        run_on_connection(engine, work)
    assert len(attempts) == 1


def test_the_ledger_s_answers_are_counted_once_committed(engine):
    observers.count_ledger_answers()  # as the app does
    fund = open_fund(make_session_factory(engine))
    name, labels = "benefits_ledger_requests_total", {"operation": "contribution"}

    def posted():
        return REGISTRY.get_sample_value(name, labels | {"outcome": "posted"}) or 0.0

    before = posted()

    def contribute(session):
        return ledger.contribute(
            session,
            key="visit:1",
            contributor_account_id=fund.households[0],
            worker_account_id=fund.workers[0],
            amount_cents=500,
        )

    assert run_on_connection(engine, contribute).applied
    assert posted() == before + 1
    with engine.connect() as connection:
        transfers = connection.execute(select(func.count()).select_from(ledger.Transfer))
        assert transfers.scalar_one() == 1
