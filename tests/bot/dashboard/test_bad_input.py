"""Addresses and queries no page was made for get a 4xx, never a server error."""

import pytest

from tests.bot.dashboard.conftest import post, seed_fund

BEYOND_BIGINT = 2**63  # one more than the largest id a PostgreSQL BIGINT holds


@pytest.mark.parametrize("worker_id", [BEYOND_BIGINT, 10**30])
def test_a_worker_id_beyond_any_row_is_a_404(client, sessions, worker_id):
    seed_fund(sessions)
    assert client.get(f"/staff/workers/{worker_id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [f"/staff/payouts/{BEYOND_BIGINT}/pay", f"/staff/messages/{BEYOND_BIGINT}/resend"],
)
def test_an_action_on_an_id_beyond_any_row_is_a_404(client, sessions, path):
    seed_fund(sessions)
    assert post(client, path).status_code == 404


def test_the_last_day_of_the_calendar_is_refused_with_a_reason(client, sessions):
    seed_fund(sessions)
    response = client.get("/staff/export/ledger.csv?to=9999-12-31")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


def test_a_malformed_date_says_what_a_date_looks_like(client):
    response = client.get("/staff/export/ledger.csv?from=yesterday")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_data(as_text=True)
