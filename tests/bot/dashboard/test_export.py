"""The ledger CSV: every transfer with both accounts, cents and dollars, safe in a sheet."""

import csv
import io
import json

import pytest

from bot.dashboard.export import COLUMNS, safe_cell
from tests.bot.dashboard.conftest import PAID_BY_CHECK, post, seed_fund


def rows(client, **query):
    response = client.get("/staff/export/ledger.csv", query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_every_transfer_with_both_accounts_in_cents_and_dollars(client, sessions):
    fund = seed_fund(sessions)
    post(client, f"/staff/payouts/{fund.payout_id}/pay", PAID_BY_CHECK)
    found = rows(client)
    assert list(found[0]) == list(COLUMNS)
    assert [(r["kind"], r["phase"], r["amount_cents"], r["amount"]) for r in found] == [
        ("contribution", "posted", "5000", "50.00"),
        ("contribution", "posted", "10000", "100.00"),
        ("day_off", "pending", "12000", "120.00"),
        ("day_off", "post_pending", "12000", "120.00"),
    ]
    first, paid = found[0], found[-1]
    assert first["debit_account_code"].startswith("household:")
    assert first["credit_account_kind"] == "worker" and first["currency"] == "USD"
    assert first["created_at_utc"].endswith("Z")
    assert paid["pending_id"] == found[2]["transfer_id"]
    assert json.loads(paid["memo"])["day"] == "2026-12-04"


def test_a_typed_reason_cannot_become_a_formula(client, sessions):
    fund = seed_fund(sessions)
    post(client, f"/staff/payouts/{fund.payout_id}/void", {"reason": '=HYPERLINK("evil")'})
    voided = rows(client)[-1]
    assert voided["phase"] == "void_pending"
    assert json.loads(voided["memo"])["reason"] == '=HYPERLINK("evil")'
    assert not any(value.startswith(("=", "+", "-", "@")) for value in voided.values())


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+1 212", "'+1 212"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("worker:1", "worker:1"),
        (-5, -5),
        (None, ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(value, written):
    assert safe_cell(value) == written


def test_dates_select_transfers_and_a_bad_date_is_refused(client, sessions):
    seed_fund(sessions)
    assert rows(client, **{"from": "2000-01-01", "to": "2000-01-31"}) == []
    assert len(rows(client, **{"from": "2000-01-01"})) == 3
    assert client.get("/staff/export/ledger.csv?from=yesterday").status_code == 400
