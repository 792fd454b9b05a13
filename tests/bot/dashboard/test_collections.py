"""The money-in page through HTTP, signed in with a CSRF token: who owes, and recording a
household's cash or a partner's transfer with the same functions as the console command."""

import re

import pytest
from sqlalchemy import select

from bot import ledger
from bot.ledger import Transfer, TransferKind
from bot.models import OutboundMessage
from tests.bot.dashboard.conftest import EMAIL, csrf_token, seed_owing

PAGE = "/staff/collections"


def record(client, data, form="households"):
    return client.post(f"{PAGE}/{form}", data={"csrf_token": csrf_token(client, PAGE), **data})


def text(response) -> str:
    return response.get_data(as_text=True)


def owing_rows(client) -> dict[str, str]:
    """Each row of the owing table, by who owes, as its text with spaces tidied."""
    table = text(client.get(PAGE)).split('<table class="owing">')[-1].split("</table>")[0]
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.split(r"<tr[^>]*>", table)[2:]
    ]
    return {row.split(" (")[0]: row for row in rows}


def receipts(sessions) -> list[str]:
    with sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.body).where(OutboundMessage.kind == "charge_receipt")
            )
        )


def audit(sessions) -> None:
    with sessions() as session:
        assert ledger.check(session) == []


def test_the_page_shows_who_owes_what_and_since_when(client, sessions):
    seed_owing(sessions)
    rows = owing_rows(client)
    assert list(rows) == ["Ana", "Casa Lima", "Cleaning App"]  # longest waiting first
    assert "+1 212•••0199" in rows["Ana"] and "$15.00" in rows["Ana"] and "3 visits" in rows["Ana"]
    assert "(Platform)" in rows["Cleaning App"] and "$40.00" in rows["Cleaning App"]
    assert "1 payment" in rows["Cleaning App"]
    page = text(client.get(PAGE))
    assert "+12125550199" not in page  # numbers are masked
    assert "there is no payment provider to compare with" in page  # the manual provider


def test_cash_picked_from_the_list_pays_the_oldest_visits_once(app, client, sessions):
    owing = seed_owing(sessions)
    paid = {"household": str(owing.household_id), "amount": "$10.00", "reference": "cash 7"}
    first = record(client, paid)
    assert first.status_code == 303 and first.headers["Location"] == PAGE
    assert "$10.00 is recorded. The household is being texted a receipt." in text(client.get(PAGE))
    assert "$5.00" in owing_rows(client)["Ana"] and "1 visit" in owing_rows(client)["Ana"]
    again = record(client, {**paid, "reference": "  cash   7 "})  # a double click, spaces
    assert again.status_code == 303
    assert "was recorded before (same household and reference). Nothing changed." in text(
        client.get(PAGE)
    )
    app.extensions["runtime"].drain()
    assert receipts(sessions) == [
        "Benefits Fund: $10.00 received for the visits you confirmed. Thank you!"
    ]
    with sessions() as session:
        payment = session.scalars(select(Transfer).where(Transfer.kind == TransferKind.PAYMENT))
        assert payment.one().memo == {"reference": "cash 7", "recorded_by": EMAIL}
        worker = ledger.balance(session, owing.worker_account_id)
        assert (worker.uncollected_cents, worker.available_cents) == (1_300, 5_000)
    other = record(client, {**paid, "amount": "12.00"})
    assert other.status_code == 400
    assert "That reference was recorded before with another amount. Nothing changed." in text(other)
    audit(sessions)


def test_a_typed_number_finds_the_household(client, sessions):
    seed_owing(sessions)
    typed = {"phone": "(212) 555-0188", "amount": "8", "reference": "check 1042"}
    assert record(client, typed).status_code == 303
    assert "Casa Lima" not in owing_rows(client)
    audit(sessions)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"phone": "+1 212 555 0100"}, "No household has that phone number."),
        ({"phone": "call me"}, "That is not a phone number: type it with its area code."),
        ({"household": ""}, "Pick the household, or type its phone number."),
        ({"household": "999999"}, "No household has that phone number."),
        ({"amount": "ten dollars"}, "Write the amount in dollars and cents, such as $12.50."),
        ({"amount": "12.505"}, "Write the amount in dollars and cents, such as $12.50."),
        ({"amount": "-5"}, "Write the amount in dollars and cents, such as $12.50."),
        ({"amount": "$0.00"}, "The amount must be more than zero and at most $100,000.00."),
        ({"amount": "250000"}, "The amount must be more than zero and at most $100,000.00."),
        ({"reference": "   "}, "Write the reference (receipt, check or transfer number)"),
        ({"reference": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_input_is_named_and_records_nothing(app, client, sessions, form, error):
    owing = seed_owing(sessions)
    good = {"household": str(owing.household_id), "amount": "$10.00", "reference": "cash 7"}
    answer = record(client, {**good, **form})
    assert answer.status_code == 400 and error in text(answer)
    assert 'role="alert"' in text(answer)
    if "amount" in form:  # what she typed is still there, to correct
        assert f'value="{form["amount"]}"' in text(answer)
    app.extensions["runtime"].drain()
    assert receipts(sessions) == []
    assert "$15.00" in owing_rows(client)["Ana"]
    audit(sessions)


def test_a_partners_transfer_lowers_what_it_owes_once(client, sessions):
    owing = seed_owing(sessions)
    sent = {"partner": str(owing.partner_id), "amount": "1,500.00", "reference": "ACH 881"}
    too_much = record(client, sent, "partners")  # more than it owes: paid ahead, accepted
    assert too_much.status_code == 303
    assert "$1,500.00 from Cleaning App is recorded as received." in text(client.get(PAGE))
    assert "Cleaning App" not in owing_rows(client)
    again = record(client, sent, "partners")
    assert again.status_code == 303
    assert "(same partner and reference). Nothing changed." in text(client.get(PAGE))
    unknown = record(client, {**sent, "partner": "999999"}, "partners")
    assert unknown.status_code == 400 and "No such partner." in text(unknown)
    none = record(client, {**sent, "partner": ""}, "partners")
    assert none.status_code == 400 and "Pick the partner that made the transfer." in text(none)
    with sessions() as session:
        paid = session.scalars(select(Transfer).where(Transfer.kind == TransferKind.PAYMENT))
        assert [(t.amount, t.memo["recorded_by"]) for t in paid] == [(150_000, EMAIL)]
    audit(sessions)


def test_forms_need_a_signed_in_staff_member_and_a_token(app, client, sessions):
    owing = seed_owing(sessions)
    paid = {"household": str(owing.household_id), "amount": "$10.00", "reference": "cash 7"}
    forged = client.post(f"{PAGE}/households", data=paid)  # no CSRF token
    assert forged.status_code == 400
    stranger = app.test_client()
    assert stranger.get(PAGE).status_code == 303
    assert stranger.post(f"{PAGE}/households", data=paid).status_code == 303  # to sign-in
    app.extensions["runtime"].drain()
    assert receipts(sessions) == []


def test_the_page_speaks_the_staff_members_language(client, sessions):
    seed_owing(sessions)
    page = text(client.get(PAGE, headers={"Accept-Language": "es"}))
    assert "<h1>Dinero que entra</h1>" in page
    assert "3 visitas" in page
