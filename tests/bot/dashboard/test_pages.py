"""The pages: what they show, in which language, with phone numbers masked everywhere."""

import re

import pytest
from sqlalchemy import select

from bot.fund import insurance
from bot.infra.db import run_in_transaction
from bot.models import Channel, Contributor, Employment, InboundMessage
from conversations.keywords import LANGUAGES
from tests.bot.dashboard.conftest import HOUSEHOLD_PHONE, WORKER_PHONE, post, seed_fund

SVG_BARS = re.compile(r'<rect [^>]*class="bar"')


def pages(fund):
    return [
        "/staff/",
        "/staff/workers",
        f"/staff/workers/{fund.worker_id}",
        "/staff/payouts",
        "/staff/messages",
    ]


def text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_overview_counts_the_fund_and_draws_twelve_weeks(client, sessions):
    seed_fund(sessions)
    page = text(client.get("/staff/"))
    assert "$150.00" in page  # money in this month and all time: 50 + 100
    assert len(SVG_BARS.findall(page)) == 12
    assert "Contributions per week" in page
    figures = re.findall(r'<span class="value">([^<]+)</span>\s*<span class="name">([^<]+)<', page)
    found = {name: value for value, name in figures}
    assert found["Active workers"] == "1"
    assert found["Households"] == "1"
    assert found["Partners"] == "2"  # the program and the platform
    assert found["Days off waiting to be paid"] == "1"
    assert found["Messages not delivered"] == "1"


def test_phone_numbers_are_masked_on_every_page(client, sessions):
    fund = seed_fund(sessions)
    for path in pages(fund):
        page = text(client.get(path))
        for phone in (WORKER_PHONE, HOUSEHOLD_PHONE):
            assert phone not in page and phone[2:] not in page, path
    assert "+1 212•••0123" in text(client.get(f"/staff/workers/{fund.worker_id}"))


def test_message_bodies_show_on_her_conversation_page_only(client, sessions):
    fund = seed_fund(sessions)
    worker_page = text(client.get(f"/staff/workers/{fund.worker_id}"))
    assert "saldo por favor" in worker_page and "Your balance is $150.00." in worker_page
    assert "Ana added $50.00" in worker_page
    for path in set(pages(fund)) - {f"/staff/workers/{fund.worker_id}"}:
        page = text(client.get(path))
        assert "saldo por favor" not in page and "Ana added" not in page, path


def test_worker_page_shows_balance_ledger_households_and_days_off(client, sessions):
    fund = seed_fund(sessions)
    page = text(client.get(f"/staff/workers/{fund.worker_id}"))
    assert "$150.00" in page and "$30.00" in page  # balance, and what is left available
    assert "State" in page and "Ana" in page  # who paid in
    assert "Dec 4, 2026" in page and "Mark paid" in page
    assert "She has not added a household yet." in page


def test_an_unknown_worker_is_a_404_page(client):
    response = client.get("/staff/workers/999")
    assert response.status_code == 404 and "There is nothing here" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("query", "found"), [("mar", True), ("0123", True), ("(212) 555-0123", True), ("zoe", False)]
)
def test_workers_are_found_by_name_number_or_last_digits(client, sessions, query, found):
    seed_fund(sessions)
    page = text(client.get("/staff/workers", query_string={"q": query}))
    assert ("Maria" in page) is found
    assert ("No worker matches." in page) is not found


def test_the_browser_language_is_used_and_a_choice_is_kept(client, sessions):
    seed_fund(sessions)
    spanish = text(client.get("/staff/", headers={"Accept-Language": "es-MX,es;q=0.9"}))
    assert "Resumen" in spanish and 'lang="es"' in spanish
    portuguese = text(client.get("/staff/", headers={"Accept-Language": "pt"}))
    assert "Resumo" in portuguese
    filipino = text(client.get("/staff/", headers={"Accept-Language": "fil-PH"}))
    assert "Buod" in filipino
    chosen = post(client, "/staff/language", {"language": "ht", "next": "/staff/payouts"})
    assert chosen.headers["Location"] == "/staff/payouts"
    assert "Peman" in text(client.get("/staff/payouts", headers={"Accept-Language": "es"}))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_every_language(client, sessions, language):
    fund = seed_fund(sessions)
    post(client, "/staff/language", {"language": language})
    for path in pages(fund):
        page = text(client.get(path))
        assert f'lang="{language.replace("_", "-")}"' in page
        if language != "en":
            assert ">Sign out<" not in page, path  # translated, not English


def test_her_page_shows_each_consent_with_the_texts_that_gave_and_stopped_it(client, sessions):
    fund = seed_fund(sessions)
    page = text(client.get(f"/staff/workers/{fund.worker_id}"))
    assert "She has not chosen any insurance: nothing is taken for it." in page

    def consent(session):
        for sid, body in (("SMyes", "si 1 por favor"), ("SMdrop", "suspender 1")):
            session.add(
                InboundMessage(
                    message_sid=sid, person_id=fund.person_id, channel=Channel.SMS, body=body
                )
            )
        assert insurance.give(session, fund.worker_id, "life", "SMyes")
        assert insurance.give(session, fund.worker_id, "disability", "SMyes")
        assert insurance.stop(session, fund.worker_id, "life", "SMdrop")

    run_in_transaction(sessions, consent)
    page = text(client.get(f"/staff/workers/{fund.worker_id}"))
    assert "Insurance she chose" in page
    assert "Life insurance" in page and "Disability insurance" in page
    assert page.count("si 1 por favor") >= 2 and "Stopped by her" in page
    assert "suspender 1" in page and "Chosen" in page


def test_a_household_s_year_can_be_printed_from_her_page(client, sessions):
    fund = seed_fund(sessions)

    def works_for_ana(session):
        ana = session.scalar(select(Contributor.id).where(Contributor.name == "Ana"))
        session.add(
            Employment(worker_id=fund.worker_id, household_id=ana, amount_per_visit_cents=500)
        )
        return ana

    ana = run_in_transaction(sessions, works_for_ana)
    worker_page = text(client.get(f"/staff/workers/{fund.worker_id}"))
    assert f"/staff/households/{ana}/year" in worker_page
    page = text(client.get(f"/staff/households/{ana}/year"))
    assert "Ana" in page and "Maria" in page and "$50.00" in page and "Total" in page
    assert "Nothing given in 2001." in text(client.get(f"/staff/households/{ana}/year/2001"))
    assert client.get("/staff/households/999999/year").status_code == 404
