"""A partner's key reaches its own data only; no key, a wrong one or a revoked one reaches none."""

from bot.infra.db import run_in_transaction
from bot.ledger import Transfer
from bot.partners import keys
from tests.api.conftest import WORKER, count


def test_missing_malformed_unknown_and_revoked_keys_get_401(app, platform, sessions):
    client = app.test_client()
    forged = platform.key[:-4] + ("AAAA" if not platform.key.endswith("AAAA") else "BBBB")
    for headers in (
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Token {platform.key}"},
    ):
        response = client.get("/api/v1/contributions", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert platform.get("/contributions").status_code == 200

    run_in_transaction(sessions, lambda s: keys.revoke(s, platform.key[:16]))
    assert platform.get("/contributions").status_code == 401
    response = platform.post("/workers", {"phone": WORKER, "language": "en"})
    assert response.status_code == 401  # a write too, and before anything else is read


def test_a_partner_cannot_read_another_partners_contributions(make_partner):
    sparkle = make_partner("Sparkle Cleaning", "platform")
    handy = make_partner("Handy Homes", "platform")
    sparkle.enrol(WORKER)
    handy.enrol(WORKER)
    mine = sparkle.contribute((WORKER, 500, "job-1")).get_json()["contributions"][0]
    theirs = handy.contribute((WORKER, 700, "job-1")).get_json()["contributions"][0]

    assert sparkle.get(f"/contributions/{mine['id']}").status_code == 200
    response = sparkle.get(f"/contributions/{theirs['id']}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    listed = sparkle.get("/contributions").get_json()["contributions"]
    assert [c["id"] for c in listed] == [mine["id"]]
    assert sparkle.get("/contributions", reference="job-1").get_json()["contributions"] == listed
    # The same reference is each partner's own: both contributions stand.
    assert theirs["amount_cents"] == 700


def test_a_partner_cannot_pay_a_worker_another_partner_enrolled(make_partner, sessions):
    sparkle = make_partner("Sparkle Cleaning", "platform")
    handy = make_partner("Handy Homes", "platform")
    handy.enrol(WORKER)
    transfers = count(sessions, Transfer)

    response = sparkle.contribute((WORKER, 500, "job-1"))
    assert response.status_code == 422
    assert "contributions[0].worker_phone" in response.get_json()["error"]["fields"]
    bonus = sparkle.post("/bonuses", {"worker_phone": WORKER, "amount_cents": 2500})
    assert bonus.status_code == 422
    assert set(bonus.get_json()["error"]["fields"]) == {"worker_phone"}
    assert count(sessions, Transfer) == transfers


def test_answers_show_nothing_but_the_partners_own_payments(platform, app):
    enrolled = platform.enrol(WORKER)
    assert set(enrolled) == {"phone", "language", "joined", "enrolled_at"}
    paid = platform.contribute((WORKER, 500, "job-1")).get_json()["contributions"][0]
    assert set(paid) == {
        "id",
        "kind",
        "worker_phone",
        "amount_cents",
        "currency",
        "reference",
        "created_at",
    }
    body = platform.get("/contributions").get_data(as_text=True)
    assert "balance" not in body
    assert "Sparkle" not in body  # not even its own name: nothing about partners at all
