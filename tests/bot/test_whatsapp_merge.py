"""One woman by her number and by her WhatsApp user id: her number learnt from `WaId`, and
the two rows she made (one by id alone, one by number) merged once a message brings both.

Every request carries the fields Twilio posts for WhatsApp, signed as Twilio signs, over HTTP
to the app; each test runs on SQLite and on PostgreSQL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import ledger
from bot.app import create_app
from bot.infra.config import Settings
from bot.infra.phone import mask_phone
from bot.models import (
    ChannelConsent,
    InboundMessage,
    MergeOutcome,
    OutboundMessage,
    Person,
    PersonMerge,
    Worker,
)
from tests.bot.test_whatsapp_identity import HOUSEHOLD, NUMBER, USER_ID, people, send
from tests.bot.webhook_client import Twilio

ROSA = "+12125550177"


@pytest.fixture
def app(engine):
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url))
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def twilio(app):
    return Twilio(app)


def join(twilio: Twilio, **who: str) -> None:
    for answer in ("hi", "1", "yes", "Maria"):
        send(twilio, answer, **who)


def join_by_sms(twilio: Twilio, number: str = NUMBER) -> None:
    for answer in ("hi", "1", "yes", "Maria"):
        twilio.text(number, answer)


def paid(
    twilio: Twilio, household: str, sms: bool = False, answer: str = "YES", **who: str
) -> None:
    """A household joins her and confirms one visit ($5.00, or the amount it answers)."""
    add, done = f"ADD {household} Ana", "done"
    for text in (add, done):
        if sms:
            twilio.text(NUMBER, text)
        else:
            send(twilio, text, **who)
        if text == add:
            twilio.text(household, "yes")
    assert "Thank you" in twilio.text(household, answer)


def the_one_worker(app) -> tuple[Person, int]:
    with app.extensions["runtime"].sessions() as session:
        worker = session.scalars(select(Worker)).one()
        balance = ledger.balance(session, worker.account_id).posted_cents
        return session.get(Person, worker.person_id), balance


def merges(app) -> list[tuple[str, str]]:
    with app.extensions["runtime"].sessions() as session:
        rows = session.execute(
            select(PersonMerge.outcome, PersonMerge.whatsapp_user_id).order_by(PersonMerge.id)
        )
        return [tuple(row) for row in rows]


def ledger_is_clean(app) -> None:
    with app.extensions["runtime"].sessions() as session:
        assert ledger.check(session) == []


def test_her_number_comes_as_waid_beside_her_user_id(app, twilio):
    send(twilio, "hi", user_id=USER_ID, wa_id=NUMBER)
    assert people(app) == [(NUMBER, USER_ID)]
    assert "Responda" in send(twilio, "2", user_id=USER_ID)  # the id alone finds her


@pytest.mark.parametrize("wa_id", ["", "12", "US.13491208655302741918", "abc"])
def test_a_waid_that_is_no_number_leaves_her_known_by_her_id(app, twilio, wa_id):
    send(twilio, "hi", user_id=USER_ID, wa_id=wa_id)
    assert people(app) == [(USER_ID, USER_ID)]


def test_the_same_person_by_id_first_then_by_number_and_id_is_one_person(app, twilio):
    join(twilio, user_id=USER_ID)  # on WhatsApp, her number hidden
    paid(twilio, HOUSEHOLD, user_id=USER_ID)
    assert "Benefits Fund" in twilio.text(NUMBER, "hi")  # and once by SMS: a row of its own
    assert people(app) == [(USER_ID, USER_ID), (HOUSEHOLD, None), (NUMBER, None)]
    reply = send(twilio, "balance", number=NUMBER, user_id=USER_ID)
    assert "$5.00" in reply
    assert people(app) == [(HOUSEHOLD, None), (NUMBER, USER_ID)]
    person, balance = the_one_worker(app)
    assert (person.phone, person.whatsapp_user_id, person.name) == (NUMBER, USER_ID, "Maria")
    assert balance == 500
    assert "$5.00" in send(twilio, "saldo", user_id=USER_ID)  # by her id alone, still her
    assert "$5.00" in twilio.text(NUMBER, "balance")  # and by SMS
    with app.extensions["runtime"].sessions() as session:
        senders = set(session.scalars(select(InboundMessage.person_id)))
        household = session.scalar(select(Person.id).where(Person.phone == HOUSEHOLD))
        assert senders == {person.id, household}
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 12
    assert merges(app) == [(MergeOutcome.MERGED, USER_ID)]
    ledger_is_clean(app)


def test_the_same_person_by_number_then_by_id_then_both_is_one_person(app, twilio):
    join_by_sms(twilio)
    paid(twilio, HOUSEHOLD, sms=True)
    send(twilio, "hola", user_id=USER_ID)  # WhatsApp by id alone: nobody knows the id yet
    assert people(app) == [(NUMBER, None), (HOUSEHOLD, None), (USER_ID, USER_ID)]
    assert "$5.00" in send(twilio, "balance", number=NUMBER, user_id=USER_ID)
    assert people(app) == [(NUMBER, USER_ID), (HOUSEHOLD, None)]
    person, balance = the_one_worker(app)
    assert balance == 500  # not doubled, not lost
    assert "$5.00" in send(twilio, "balance", user_id=USER_ID)
    with app.extensions["runtime"].sessions() as session:
        ids = set(session.scalars(select(InboundMessage.person_id)))
        assert person.id in ids and len(ids) == 2  # hers and the household's
        kept = session.scalar(select(PersonMerge).where(PersonMerge.person_id == person.id))
        assert (kept.outcome, kept.phone, kept.whatsapp_user_id) == (
            MergeOutcome.MERGED,
            NUMBER,
            USER_ID,
        )
    ledger_is_clean(app)


def test_her_id_row_as_a_worker_joins_her_number_row_invited_as_a_worker(app, twilio):
    """Her money is on the id's row; the number's row is a worker with nothing yet."""
    join_by_sms(twilio)
    join(twilio, user_id=USER_ID)
    paid(twilio, HOUSEHOLD, user_id=USER_ID)
    assert "$5.00" in send(twilio, "balance", number=NUMBER, user_id=USER_ID)
    person, balance = the_one_worker(app)  # one worker now
    assert (person.phone, balance) == (NUMBER, 500)
    # Her household came along.
    assert "asked Ana" in send(twilio, "done yesterday", user_id=USER_ID)
    ledger_is_clean(app)


def test_two_workers_with_money_are_kept_apart_for_staff(app, twilio):
    join_by_sms(twilio)
    paid(twilio, HOUSEHOLD, sms=True)
    join(twilio, user_id=USER_ID)
    paid(twilio, ROSA, answer="7", user_id=USER_ID)
    before = people(app)
    reply = send(twilio, "balance", number=NUMBER, user_id=USER_ID)
    assert "$5.00" in reply and "$7.00" not in reply  # her number's row answers
    send(twilio, "balance", number=NUMBER, user_id=USER_ID)
    assert people(app) == before
    assert merges(app) == [(MergeOutcome.NEEDS_STAFF, USER_ID)]  # flagged once
    with app.extensions["runtime"].sessions() as session:
        workers = session.scalar(select(func.count()).select_from(Worker))
        assert workers == 2
    ledger_is_clean(app)


def test_her_stop_by_id_still_stands_once_she_is_one_person(app, twilio):
    twilio.text(NUMBER, "hi")
    send(twilio, "hi", user_id=USER_ID)
    send(twilio, "STOP", user_id=USER_ID)
    assert send(twilio, "balance", number=NUMBER, user_id=USER_ID) == ""
    with app.extensions["runtime"].sessions() as session:
        consent = session.scalars(select(ChannelConsent)).one()
        assert (consent.channel, consent.opted_out) == ("whatsapp", True)
        kept = session.scalar(select(Person.id).where(Person.phone == NUMBER))
        assert consent.person_id == kept
        to_her = set(session.scalars(select(OutboundMessage.person_id)))
        assert to_her <= {kept}
    assert "Welcome back" in send(twilio, "START", user_id=USER_ID)


def test_staff_see_each_merge_and_each_pair_kept_apart(app, twilio, engine):
    twilio.text(NUMBER, "hi")
    send(twilio, "hi", user_id=USER_ID)
    send(twilio, "hola", number=NUMBER, user_id=USER_ID)
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [str(Path(sys.executable).with_name("benefits-bot")), "merges"]
    done = subprocess.run(
        [*command, "--json"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    [merge] = json.loads(done.stdout)
    assert merge["outcome"] == "merged"
    assert merge["phone"] == mask_phone(NUMBER)
    assert merge["whatsapp_user_id"] == mask_phone(USER_ID)
    text = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    assert "merged" in text and "0123" in text
    assert NUMBER not in text and USER_ID not in text
