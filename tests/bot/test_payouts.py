"""Paying reserved days off by hand: `benefits-bot payouts list|pay|void`."""

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot import ledger
from bot.cli import main
from bot.fund import membership
from bot.infra.db import make_session_factory, run_in_transaction
from bot.models import OutboundMessage

PHONE = "+12125550123"
BY_CASH = ("--method", "cash", "--reference", "receipt 7")


@pytest.fixture
def sessions(engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return make_session_factory(engine)


def reserve(sessions, day=date(2026, 12, 4), language="es", half=False):
    def work(session):
        worker = membership.enrol_worker(session, PHONE, time_zone="America/New_York", name="Maria")
        worker.person.language = language
        program = membership.enrol_partner(session, ledger.AccountKind.PROGRAM, "state", "State")
        ledger.contribute(
            session,
            key=f"seed:{day}",
            contributor_account_id=program.account_id,
            worker_account_id=worker.account_id,
            amount_cents=15_000,
        )
        result = ledger.reserve_day_off(
            session,
            key=f"reserve:{day}",
            worker_account_id=worker.account_id,
            payouts_account_id=membership.payouts_account_id(session),
            amount_cents=6_000 if half else 12_000,
            day=day,
            portion="half" if half else "full",
        )
        return worker.account_id, result.transfer_id

    return run_in_transaction(sessions, work)


def invoke(*arguments):
    return CliRunner().invoke(main, list(arguments))


def notices(sessions):
    with sessions() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_list_pay_and_the_notice_in_her_language(sessions):
    account, payout = reserve(sessions)
    listed = json.loads(invoke("payouts", "list", "--json").stdout)
    assert [(p["id"], p["day"], p["amount_cents"]) for p in listed] == [
        (payout, "2026-12-04", 12_000)
    ]
    result = invoke("payouts", "pay", str(payout), *BY_CASH)
    assert result.exit_code == 0, result.output
    with sessions() as session:
        money = ledger.balance(session, account)
        assert (money.posted_cents, money.pending_cents) == (3_000, 0)
        assert ledger.check(session) == []
    [notice] = notices(sessions)
    assert notice.kind == "day_off_paid"
    assert notice.language == "es" and "pagado" in notice.body and "$120.00" in notice.body
    assert json.loads(invoke("payouts", "list", "--json").stdout) == []


def test_paying_twice_or_voiding_after_paying_changes_nothing(sessions):
    _account, payout = reserve(sessions)
    assert invoke("payouts", "pay", str(payout), *BY_CASH).exit_code == 0
    again = invoke("payouts", "pay", str(payout), *BY_CASH)
    assert again.exit_code == 1 and f"payout {payout} is already paid" in again.stderr
    late = invoke("payouts", "void", str(payout), "--reason", "too late")
    assert late.exit_code == 1
    assert f"payout {payout} is already paid; it cannot be voided" in late.stderr
    assert len(notices(sessions)) == 1


def test_void_gives_the_money_back_and_tells_her(sessions):
    account, payout = reserve(sessions, language="en")
    result = invoke("payouts", "void", str(payout), "--reason", "no bank details")
    assert result.exit_code == 0, result.output
    with sessions() as session:
        assert ledger.balance(session, account).available_cents == 15_000
    [notice] = notices(sessions)
    assert notice.kind == "day_off_voided" and "$120.00 is back" in notice.body


def test_a_half_day_s_notices_say_half_day(sessions):
    _account, paid = reserve(sessions, language="en", half=True)
    assert invoke("payouts", "pay", str(paid), *BY_CASH).exit_code == 0
    _account, voided = reserve(sessions, day=date(2026, 12, 7), language="en", half=True)
    assert invoke("payouts", "void", str(voided), "--reason", "no bank details").exit_code == 0
    assert [notice.body for notice in notices(sessions)] == [
        "Your half day off Fri Dec 4 is paid: $60.00. Your balance: $90.00.",
        "The fund could not pay your half day off Mon Dec 7. $60.00 is back in your balance. "
        "Text HELP if you have questions.",
    ]


@pytest.mark.parametrize("payout", ["999999", "0", "-3"])
def test_unknown_payouts_fail_clearly(sessions, payout):
    reserve(sessions)
    result = invoke("payouts", "pay", payout, *BY_CASH)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "No such option" not in result.stderr  # "-3" is a payout id, refused as one
