"""Money out through the manual rail, as a fund officer does it: `benefits-bot payouts pay ID
--method M --reference R` in a subprocess, what `payouts list --json --all` then shows, and
`payouts reconcile` naming every difference between the records and the ledger."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from bot import ledger
from bot.infra.db import run_in_transaction
from bot.models import OutboundMessage, PayoutRecord
from tests.bot.test_payouts import reserve
from tests.readme import command_environment, run_command


@pytest.fixture
def officer(engine, sessions, tmp_path):
    """Runs the console command on the test's database, as the officer would."""
    environment = command_environment(engine.url.render_as_string(hide_password=False))
    return lambda *arguments: run_command(list(arguments), environment, tmp_path)


def test_paying_records_how_and_where_and_the_list_shows_both(officer, sessions):
    account, payout = reserve(sessions)
    paid = officer("payouts", "pay", str(payout), "--method", "check", "--reference", "chk  1042")
    assert paid.returncode == 0, paid.stderr
    assert f"day off #{payout} paid" in paid.stdout
    assert json.loads(officer("payouts", "list", "--json").stdout) == []
    [row] = json.loads(officer("payouts", "list", "--json", "--all").stdout)
    assert (row["id"], row["status"], row["method"], row["reference"]) == (
        payout,
        "paid",
        "check",
        "chk 1042",
    )
    assert (row["provider"], row["paid_by"], row["amount_cents"]) == ("manual", "cli", 12_000)
    text = officer("payouts", "list", "--all").stdout
    assert "paid by check (chk 1042)" in text and "+12125550123" not in text
    with sessions() as session:
        [notice] = session.scalars(select(OutboundMessage)).all()
        assert notice.kind == "day_off_paid" and "pagado" in notice.body
        assert (ledger.balance(session, account).posted_cents, ledger.check(session)) == (3_000, [])
    clean = officer("payouts", "reconcile")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "agree" in clean.stdout


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--method", "paypal", "--reference", "x"], "'paypal' is not one of"),
        (["--method", "cash"], "Missing option '--reference'"),
        (["--reference", "r1"], "Missing option '--method'"),
        (["--method", "cash", "--reference", "   "], "reference must be 1 to 80"),
        (["--method", "cash", "--reference", "r" * 81], "reference must be 1 to 80"),
    ],
)
def test_a_payment_without_how_or_where_is_refused_and_changes_nothing(
    officer, sessions, arguments, says
):
    _account, payout = reserve(sessions)
    refused = officer("payouts", "pay", str(payout), *arguments)
    assert refused.returncode == 2 and says in refused.stderr
    assert [row["status"] for row in json.loads(officer("payouts", "list", "--json").stdout)] == [
        "waiting"
    ]
    with sessions() as session:
        assert session.scalars(select(PayoutRecord)).all() == []


def test_reconcile_names_a_day_off_paid_in_the_ledger_without_a_record(officer, sessions):
    """A day off posted behind the payout records' back (as before this record existed)."""
    _account, payout = reserve(sessions)
    run_in_transaction(
        sessions,
        lambda session: ledger.pay_day_off(
            session, key=f"payout:{payout}", pending_transfer_id=payout
        ),
    )
    found = officer("payouts", "reconcile")
    assert found.returncode == 1
    assert f"day off #{payout} posted_without_record" in found.stdout
    [difference] = json.loads(officer("payouts", "reconcile", "--json").stdout)
    assert (difference["transfer_id"], difference["problem"]) == (payout, "posted_without_record")


def test_reconcile_names_records_the_ledger_does_not_back(officer, sessions):
    _account, payout = reserve(sessions)
    _other_account, other = reserve(sessions, day=date(2026, 12, 11))
    officer("payouts", "pay", str(payout), "--method", "cash", "--reference", "receipt 3")

    def tamper(session):
        record = session.scalar(select(PayoutRecord).where(PayoutRecord.transfer_id == payout))
        record.reference, record.amount_cents = "", 11_000
        worker_id = record.worker_id
        session.add(
            PayoutRecord(
                transfer_id=other,
                worker_id=worker_id,
                amount_cents=12_000,
                provider="manual",
                status="paid",
                method="bank",
                reference="ach 9",
            )
        )

    run_in_transaction(sessions, tamper)
    found = json.loads(officer("payouts", "reconcile", "--json").stdout)
    assert {(d["transfer_id"], d["problem"]) for d in found} == {
        (payout, "amount_differs"),
        (payout, "paid_without_method"),
        (other, "paid_not_posted"),
    }


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_void_without_a_reason_is_refused_like_a_payment_without_a_reference(
    officer, sessions, reason
):
    _account, payout = reserve(sessions)
    refused = officer("payouts", "void", str(payout), "--reason", reason)
    assert refused.returncode == 2 and "reason must be 1 to 200 characters" in refused.stderr
    assert refused.stdout == ""
    [row] = json.loads(officer("payouts", "list", "--json").stdout)
    assert (row["id"], row["status"]) == (payout, "waiting")
    with sessions() as session:
        assert session.scalars(select(OutboundMessage)).all() == []


def test_a_settled_payout_is_named_plainly_and_nothing_changes(officer, sessions):
    _account, paid = reserve(sessions)
    _account, voided = reserve(sessions, day=date(2026, 12, 7))
    assert (
        officer("payouts", "pay", str(paid), "--method", "cash", "--reference", "r 7").returncode
        == 0
    )
    assert officer("payouts", "void", str(voided), "--reason", "no bank details").returncode == 0
    tries = {
        (
            "void",
            paid,
            "--reason",
            "wrong day",
        ): f"payout {paid} is already paid; it cannot be voided",
        ("void", voided, "--reason", "another"): f"payout {voided} is already voided",
        ("void", voided, "--reason", "no bank details"): f"payout {voided} is already voided",
        ("pay", voided, "--method", "cash", "--reference", "r 8"): f"payout {voided} is voided",
        ("pay", paid, "--method", "check", "--reference", "c 9"): f"payout {paid} is already paid",
    }
    for (verb, payout, *rest), says in tries.items():
        refused = officer("payouts", verb, str(payout), *rest)
        assert refused.returncode == 1 and refused.stdout == "", refused.stderr
        assert says in refused.stderr, refused.stderr
        for jargon in ("pending_already", "idempotency", "day_off_void", "Traceback"):
            assert jargon not in refused.stderr
    with sessions() as session:
        assert len(session.scalars(select(OutboundMessage)).all()) == 2  # one notice each
        assert ledger.check(session) == []


def test_list_all_shows_voided_payouts_half_days_and_who_recorded_each(officer, sessions):
    _account, half = reserve(sessions, half=True)
    _account, voided = reserve(sessions, day=date(2026, 12, 7))
    _account, waiting = reserve(sessions, day=date(2026, 12, 9))
    assert (
        officer("payouts", "pay", str(half), "--method", "cash", "--reference", "r 7").returncode
        == 0
    )
    assert officer("payouts", "void", str(voided), "--reason", "no  bank details").returncode == 0
    rows = {
        row["id"]: row for row in json.loads(officer("payouts", "list", "--json", "--all").stdout)
    }
    assert {i: (r["status"], r["half"]) for i, r in rows.items()} == {
        waiting: ("waiting", False),
        half: ("paid", True),
        voided: ("voided", False),
    }
    assert (rows[half]["paid_by"], rows[voided]["reason"]) == ("cli", "no bank details")
    lines = {
        int(line.split()[0][1:]): line
        for line in officer("payouts", "list", "--all").stdout.splitlines()
    }
    assert "2026-12-04 half day 60.00" in lines[half]
    assert "paid by cash (r 7), recorded by cli" in lines[half]
    assert "2026-12-07 day off 120.00" in lines[voided]
    assert "voided (no bank details)" in lines[voided]
    assert "waiting" in lines[waiting] and "+12125550123" not in "".join(lines.values())
    waiting_only = json.loads(officer("payouts", "list", "--json").stdout)
    assert [row["id"] for row in waiting_only] == [waiting]
