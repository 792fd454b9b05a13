"""A partner pays workers through the API at once and sends the fund its money later: staff
record its transfer with `benefits-bot collections record-partner`, in a subprocess as they
type it, and `collections list` shows what it still owes."""

import json

from tests.payments.conftest import WORKER


def owed_by(fund) -> dict[str, dict]:
    return {
        row["name"]: row for row in json.loads(fund.command("collections", "list", "--json").stdout)
    }


def test_a_partners_transfer_is_recorded_once_and_clears_what_it_owes(fund_with_stripe):
    fund = fund_with_stripe(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")  # manual only
    key = fund.command("partner", "create", "Cleaning App", "--kind", "platform").stdout.strip()
    api = fund.app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    enrolled = api.post(
        "/api/v1/workers",
        json={"phone": WORKER, "language": "en"},
        headers={**headers, "Idempotency-Key": "enrol-1"},
    )
    assert enrolled.status_code == 201, enrolled.get_data(as_text=True)
    jobs = [
        {"worker_phone": WORKER, "amount_cents": cents, "reference": reference}
        for cents, reference in ((1_500, "job-1"), (2_500, "job-2"))
    ]
    paid = api.post(
        "/api/v1/contributions",
        json={"contributions": jobs},
        headers={**headers, "Idempotency-Key": "jobs-1"},
    )
    assert paid.status_code == 201, paid.get_data(as_text=True)
    # Partner money is hers to spend at once, with no advance from the fund.
    money = fund.balance()
    assert (money["available_cents"], money["uncollected_cents"]) == (4_000, 0)
    row = owed_by(fund)["Cleaning App"]
    assert (row["kind"], row["owed_cents"], row["pledges"], row["phone"]) == (
        "platform",
        4_000,
        2,
        None,
    )
    assert row["since"] is not None
    assert "40.00 USD   2 payments since" in fund.command("collections", "list").stdout

    done = fund.command(
        "collections", "record-partner", "cleaning app", "2500", "--reference", "ACH 881"
    )
    assert done.stdout.strip() == "recorded: 25.00 from Cleaning App; it owes 15.00"
    again = fund.command(
        "collections", "record-partner", "Cleaning App", "2500", "--reference", "ACH 881"
    )
    assert again.stdout.startswith("already recorded (nothing changed)")
    other = fund.command(
        "collections", "record-partner", "Cleaning App", "900", "--reference", "ACH 881", ok=False
    )
    assert other.returncode == 1 and "recorded before with another amount" in other.stderr
    assert (
        owed_by(fund)["Cleaning App"]["owed_cents"],
        owed_by(fund)["Cleaning App"]["pledges"],
    ) == (1_500, 1)

    rest = fund.command(
        "collections", "record-partner", "Cleaning App", "1500", "--reference", "ACH 902"
    )
    assert "it owes" not in rest.stdout and "0.00 paid ahead" in rest.stdout
    assert "Cleaning App" not in owed_by(fund)
    assert fund.balance()["available_cents"] == 4_000  # nothing of hers moved
    fund.ledger_is_sound()


def test_bad_partner_transfers_are_refused_cleanly(fund_with_stripe):
    fund = fund_with_stripe(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
    fund.command("partner", "create", "City Care Fund", "--kind", "program")
    unknown = fund.command(
        "collections", "record-partner", "Nobody Inc", "1000", "--reference", "x", ok=False
    )
    assert unknown.returncode == 1 and "no partner is named 'Nobody Inc'" in unknown.stderr
    assert unknown.stdout == ""
    for cents in ("12.50", "ten", "0", "-5"):
        bad = fund.command(
            "collections", "record-partner", "City Care Fund", cents, "--reference", "x", ok=False
        )
        assert bad.returncode == 2, cents
        assert "amount must be a positive number of cents" in bad.stderr, bad.stderr
    no_reference = fund.command("collections", "record-partner", "City Care Fund", "100", ok=False)
    assert no_reference.returncode == 2 and "--reference" in no_reference.stderr
    blank = fund.command(
        "collections", "record-partner", "City Care Fund", "100", "--reference", "  ", ok=False
    )
    assert blank.returncode == 2 and "reference" in blank.stderr
    assert json.loads(fund.command("collections", "list", "--json").stdout) == []
    fund.ledger_is_sound()
