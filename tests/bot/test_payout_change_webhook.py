"""How she is paid, changed by text through the signed webhook: PAYMENT, a method, the
one-time code in a text of its own (kept only hashed), the change recorded with its messages,
her payouts held (the payout run sends nothing during the hold), the change announced on her
other channel, a duplicate delivery applied once, wrong codes locking changes, a code that
came too late; and on PostgreSQL the right code delivered twice at the same moment changes
her method once. `ledger check` is clean after each."""

import json
import re
import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot import ledger
from bot.app import create_app
from bot.fund import membership, payout_sending
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.infra.orm import as_utc, utcnow
from bot.infra.runtime import Runtime
from bot.models import (
    InboundMessage,
    OutboundMessage,
    PayoutChangeState,
    PayoutMethodChange,
    Worker,
)
from bot.ops import payout_runs
from tests.bot.webhook_client import Twilio, new_sid
from tests.fake_payout_rail import FakePayoutRail
from tests.readme import command_environment, run_command

WORKER = "+12125550123"
WHATSAPP = f"whatsapp:{WORKER}"
SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")
SECRET = "a-secret-key-of-the-fund-for-its-dashboard"


@pytest.fixture
def app(engine):
    app = create_app(
        Settings(
            database_url=engine.url.render_as_string(hide_password=False),
            inbound_limit=(200, 600),
            identical_outbound_limit=(200, 3600),
            default_time_zone="UTC",
            secret_key=SECRET,
        )
    )
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def twilio(app):
    return Twilio(app)


def runtime(app) -> Runtime:
    return app.extensions["runtime"]


def join_with_a_day_off_due(app, twilio, language="1"):
    """Maria joins by text; a program adds $150 and a day off is reserved for today."""
    for text in ("hi", language, "yes", "Maria"):
        twilio.text(WORKER, text)

    def work(session):
        worker = membership.find_worker(session, WORKER)
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        ledger.contribute(
            session,
            key="seed:money",
            contributor_account_id=program.account_id,
            worker_account_id=worker.account_id,
            amount_cents=15_000,
        )
        return ledger.reserve_day_off(
            session,
            key="seed:day-off",
            worker_account_id=worker.account_id,
            payouts_account_id=membership.payouts_account_id(session),
            amount_cents=12_000,
            day=date.today(),
        ).transfer_id

    return run_in_transaction(runtime(app).sessions, work)


def last_code(app) -> str:
    """The code in the newest code text the fund wrote her (as Twilio would deliver it)."""
    with runtime(app).sessions() as session:
        body = session.scalars(
            select(OutboundMessage.body)
            .where(OutboundMessage.kind == "payout_code")
            .order_by(OutboundMessage.id.desc())
        ).first()
    assert body is not None
    (code,) = SIX_DIGITS.findall(body)
    return code


def ask_for_card(app, twilio, sender=WORKER) -> tuple[str, str]:
    """PAYMENT, then 4 (a card): the code sent, and the MessageSid that asked."""
    listed = twilio.text(sender, "payment")  # the English word works in every language
    assert ": 1 " in listed and ", 4 " in listed  # "1 cash, 2 check, 3 bank transfer, 4 card"
    sid = new_sid()
    assert " 6" in twilio.text(sender, "4", sid)  # "We sent a 6-digit code..."
    runtime(app).drain()  # the code text reaches her phone before she can type it back
    return last_code(app), sid


def changes(app) -> list[PayoutMethodChange]:
    with runtime(app).sessions() as session:
        found = list(session.scalars(select(PayoutMethodChange).order_by(PayoutMethodChange.id)))
        session.expunge_all()
        return found


def worker(app) -> Worker:
    with runtime(app).sessions() as session:
        found = membership.find_worker(session, WORKER)
        assert found is not None
        session.expunge(found)
        return found


def ledger_is_clean(app) -> None:
    with runtime(app).sessions() as session:
        assert ledger.check(session) == []


def sends_nothing_now(app) -> bool:
    """Neither the list of days off due nor the payout run (PAYOUT_APPROVAL=auto) pays her."""
    with runtime(app).sessions() as session:
        assert payout_sending.due(session, date.today()) == []
    rail = FakePayoutRail()
    auto = Runtime(replace(runtime(app).settings, payout_approval="auto"))
    auto.print_notices = False
    try:
        return payout_runs.send_due(auto, "run", rail) == 0 and rail.starts == []
    finally:
        auto.close()


def test_the_right_code_changes_her_method_after_a_hold_and_payouts_wait(app, twilio):
    day_off = join_with_a_day_off_due(app, twilio)
    with runtime(app).sessions() as session:
        assert payout_sending.due(session, date.today()) == [day_off]  # due before the change
    code, asked_by = ask_for_card(app, twilio)
    [waiting] = changes(app)
    assert (waiting.status, waiting.old_method, waiting.new_method) == ("pending", None, "card")
    assert (waiting.channel, waiting.request_sid) == ("sms", asked_by)
    # Kept only hashed: the code is in no column of the change.
    assert code not in f"{waiting.code_hash}{waiting.code_salt}" and len(waiting.code_hash) == 64
    assert worker(app).payout_method is None  # nothing changes before the code
    confirmed_by = new_sid()
    reply = twilio.text(WORKER, f"my code is {code[:3]} {code[3:]}", confirmed_by)
    assert reply.startswith("Benefits Fund: you will be paid by card. For your safety, payouts")
    assert "wait 48 hours" in reply and "Not you? Text PAYMENT now to change it back." in reply
    [change] = changes(app)
    assert change.status == PayoutChangeState.CONFIRMED
    assert (change.confirm_channel, change.confirm_sid) == ("sms", confirmed_by)
    assert change.confirmed_at is not None and change.effective_at is not None
    effective = as_utc(change.effective_at)
    assert effective - as_utc(change.confirmed_at) == timedelta(hours=48)
    maria = worker(app)
    assert maria.payout_method == "card" and as_utc(maria.payouts_held_until) == effective
    # During the hold no payout runs; after it, hers goes out with the new method.
    assert sends_nothing_now(app)
    with runtime(app).sessions() as session:
        # The code text went out and lost its code: it no longer works anyway.
        bodies = session.scalars(
            select(OutboundMessage.body).where(OutboundMessage.kind == "payout_code")
        ).all()
        assert bodies and all(code not in body and "******" in body for body in bodies)
        session.execute(update(Worker).values(payouts_held_until=utcnow() - timedelta(minutes=1)))
        session.commit()
        assert payout_sending.due(session, date.today()) == [day_off]
    # The same code again is no change of anything.
    assert "No change is waiting for a code" in twilio.text(WORKER, code)
    ledger_is_clean(app)


def test_a_duplicate_delivery_of_the_code_is_applied_once(app, twilio):
    join_with_a_day_off_due(app, twilio)
    code, _ = ask_for_card(app, twilio)
    form = twilio.form(WORKER, code)
    first = twilio.post(form)
    again = twilio.post(dict(form))  # Twilio's retry: the same MessageSid
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert "you will be paid by card" in first.get_data(as_text=True)
    [change] = changes(app)
    assert (change.status, change.wrong_codes) == ("confirmed", 0)
    with runtime(app).sessions() as session:
        claimed = session.scalars(
            select(InboundMessage).where(InboundMessage.message_sid == form["MessageSid"])
        ).all()
        assert len(claimed) == 1
    ledger_is_clean(app)


def test_the_change_is_announced_on_whatsapp_too_in_her_language(app, twilio):
    join_with_a_day_off_due(app, twilio, language="2")  # Spanish
    assert "Su saldo" in twilio.text(WHATSAPP, "saldo")  # she uses WhatsApp as well
    listed = twilio.text(WORKER, "pago")
    assert listed.endswith("1 efectivo, 2 cheque, 3 transferencia bancaria, 4 tarjeta, o NO.")
    assert "codigo de 6 digitos" in twilio.text(WORKER, "tarjeta por favor")
    code = last_code(app)
    reply = twilio.text(WORKER, f"código {code}")  # by SMS
    assert reply.startswith("Fondo de Beneficios: su nueva forma de pago es tarjeta.")
    with runtime(app).sessions() as session:
        [told] = session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == "payout_changed")
        ).all()
        assert (told.channel, told.language) == ("whatsapp", "es")
        assert told.body.startswith("Fondo de Beneficios: su nueva forma de pago es tarjeta.")
        assert "¿No fue usted?" in told.body
    ledger_is_clean(app)


def test_five_wrong_codes_lock_changes_and_nothing_changes(app, twilio):
    join_with_a_day_off_due(app, twilio)
    code, _ = ask_for_card(app, twilio)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    tries = [twilio.text(WORKER, wrong) for _ in range(4)]
    assert [t.split(". ")[-1] for t in tries] == [
        "4 tries left.",
        "3 tries left.",
        "2 tries left.",
        "1 try left.",
    ]
    assert twilio.text(WORKER, wrong).startswith("Too many wrong codes: nothing changed")
    assert twilio.text(WORKER, code).startswith("Too many wrong codes")  # too late
    assert "locked for a day" in twilio.text(WORKER, "payment card")
    [change] = changes(app)
    assert (change.status, change.wrong_codes) == ("locked", 5)
    assert as_utc(change.locked_until) - as_utc(change.closed_at) == timedelta(hours=24)
    assert worker(app).payout_method is None and worker(app).payouts_held_until is None
    with runtime(app).sessions() as session:
        assert len(payout_sending.due(session, date.today())) == 1  # nothing held either
    ledger_is_clean(app)


def test_a_code_that_comes_too_late_changes_nothing(app, twilio):
    join_with_a_day_off_due(app, twilio)
    code, _ = ask_for_card(app, twilio)
    with runtime(app).sessions() as session:  # eleven minutes pass
        session.execute(
            update(PayoutMethodChange).values(code_expires_at=utcnow() - timedelta(minutes=1))
        )
        session.commit()
    reply = twilio.text(WORKER, code)
    assert reply == "That code expired, so nothing changed. Text PAYMENT to start again."
    [change] = changes(app)
    assert change.status == "expired" and worker(app).payout_method is None
    # no question is left open
    assert twilio.text(WORKER, "no") == (
        "There is no question waiting for a NO. Text MENU to see what you can do."
    )
    ledger_is_clean(app)


def test_no_drops_the_change_and_its_code(app, twilio):
    join_with_a_day_off_due(app, twilio, language="3")  # Portuguese
    twilio.text(WORKER, "pagamento")
    assert "codigo de 6 digitos" in twilio.text(WORKER, "cartão")
    code = last_code(app)
    assert twilio.text(WORKER, "cancelar") == "Tudo bem, nada mudou."
    assert "Nenhuma mudanca espera um codigo" in twilio.text(WORKER, code)  # one segment
    [change] = changes(app)
    assert change.status == "cancelled" and worker(app).payout_method is None
    ledger_is_clean(app)


# -- The right code twice at the same moment, on PostgreSQL ------------------------------------


def at_once(app, forms):
    """Post the forms at the same moment, each from its own client; the replies."""
    barrier = threading.Barrier(len(forms))
    replies, errors = [""] * len(forms), []

    def deliver(n, form):
        client = Twilio(app)
        barrier.wait()
        try:
            response = client.post(form)
            assert response.status_code == 200
            replies[n] = response.get_data(as_text=True)
        except Exception as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=pair) for pair in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return replies


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
@pytest.mark.parametrize("same_sid", [True, False], ids=["retry", "sent twice"])
def test_the_right_code_twice_at_once_changes_her_method_once(app, twilio, same_sid):
    join_with_a_day_off_due(app, twilio)
    code, _ = ask_for_card(app, twilio)
    first = twilio.form(WORKER, code)
    second = dict(first) if same_sid else twilio.form(WORKER, code)
    replies = at_once(app, [first, second])
    changed = [r for r in replies if "you will be paid by card" in r]
    if same_sid:
        assert replies[0] == replies[1] and len(changed) == 2  # the retry gets the same answer
    else:
        assert len(changed) == 1
        assert sum("No change is waiting for a code" in r for r in replies) == 1
    [change] = changes(app)
    assert (change.status, change.wrong_codes) == ("confirmed", 0)
    assert worker(app).payout_method == "card"
    with runtime(app).sessions() as session:
        told = session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == "payout_changed")
        ).all()
        assert told == []  # she texts by SMS only: the reply is the announcement
    assert sends_nothing_now(app)
    ledger_is_clean(app)


# -- The console command -------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_payouts_changes_lists_her_changes_for_staff(app, twilio, tmp_path):
    join_with_a_day_off_due(app, twilio)
    code, asked_by = ask_for_card(app, twilio)
    twilio.text(WORKER, f"{(int(code) + 1) % 1_000_000:06d}")  # one wrong code first
    confirmed_by = new_sid()
    twilio.text(WORKER, code, confirmed_by)
    environment = command_environment(runtime(app).settings.database_url)
    shown = run_command(["payouts", "changes", "(212) 555-0123", "--json"], environment, tmp_path)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert (report["phone"], report["method"]) == (WORKER, "card")
    assert report["payouts_held_until"] is not None and report["changes_locked_until"] is None
    [change] = report["changes"]
    assert (change["old_method"], change["new_method"]) == (None, "card")
    assert change["status"] == "confirmed"
    assert (change["channel"], change["request_sid"]) == ("sms", asked_by)
    assert (change["confirm_channel"], change["confirm_sid"]) == ("sms", confirmed_by)
    assert change["effective_at"] == report["payouts_held_until"]
    assert code not in shown.stdout
    text = run_command(["payouts", "changes", WORKER], environment, tmp_path)
    assert text.returncode == 0 and f"- -> card by sms ({asked_by}): confirmed" in text.stdout
    assert change["wrong_codes"] == 1 and ", 1 wrong code" in text.stdout
    assert f"by sms ({confirmed_by})" in text.stdout  # the message that confirmed it
    assert WORKER not in text.stdout  # masked
    for phone, code_, says in (("+12125550100", 1, "no worker has the number"), ("call me", 2, "")):
        refused = run_command(["payouts", "changes", phone], environment, tmp_path)
        assert refused.returncode == code_ and says in refused.stderr and not refused.stdout


def test_not_you_text_payment_changes_it_back_during_the_hold(app, twilio):
    join_with_a_day_off_due(app, twilio)
    code, _ = ask_for_card(app, twilio)
    assert "Text PAYMENT now to change it back" in twilio.text(WORKER, code)
    listed = twilio.text(WORKER, "PAYMENT")  # what the notice says to do
    assert ", 2 check" in listed
    assert " 6" in twilio.text(WORKER, "2")
    assert "paid by check" in twilio.text(WORKER, last_code(app))
    assert worker(app).payout_method == "check" and sends_nothing_now(app)  # still held
    ledger_is_clean(app)
