"""Idempotency-Key: a replay gets the first answer byte for byte; another body under it, 409."""

import threading

import pytest

from bot.ledger import Transfer
from bot.models import OutboundMessage, PartnerContribution, PartnerRequest
from tests.api.conftest import OTHER_WORKER, WORKER, count

BATCH = {
    "contributions": [
        {"worker_phone": WORKER, "amount_cents": 500, "reference": "job-1"},
        {"worker_phone": WORKER, "amount_cents": 750, "reference": "job-2"},
    ]
}


def test_a_replayed_write_gets_the_first_answer_and_moves_no_money(platform, sessions):
    platform.enrol(WORKER)
    first = platform.post("/contributions", BATCH, key="batch-1")
    transfers = count(sessions, Transfer)

    again = platform.post("/contributions", BATCH, key="batch-1")
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(sessions, Transfer) == transfers
    assert count(sessions, PartnerContribution) == 2


def test_the_same_body_in_another_order_or_spacing_is_a_replay(platform, app):
    platform.enrol(WORKER)
    first = platform.post("/contributions", BATCH, key="batch-1")
    reordered = '{"contributions":[{"reference":"job-1","amount_cents":500,"worker_phone":"%s"},'
    reordered += ' {"amount_cents": 750, "worker_phone": "%s", "reference": "job-2"}]}'
    again = app.test_client().post(
        "/api/v1/contributions",
        data=reordered % (WORKER, WORKER),
        headers=platform.headers("batch-1"),
        content_type="application/json",
    )
    assert again.status_code == 201
    assert again.get_data() == first.get_data()


def test_the_same_key_with_another_body_or_path_is_a_conflict(platform, sessions):
    platform.enrol(WORKER)
    platform.enrol(OTHER_WORKER)
    first = platform.post("/contributions", BATCH, key="batch-1")
    transfers = count(sessions, Transfer)

    other = {"contributions": [{**BATCH["contributions"][0], "amount_cents": 501}]}
    conflict = platform.post("/contributions", other, key="batch-1")
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["code"] == "idempotency_key_reused"
    elsewhere = platform.post("/bonuses", {"worker_phone": WORKER, "amount_cents": 100}, "batch-1")
    assert elsewhere.status_code == 409
    assert count(sessions, Transfer) == transfers
    # The conflict is not kept: the key still answers with its first answer.
    assert platform.post("/contributions", BATCH, key="batch-1").get_data() == first.get_data()


def test_keys_are_each_partners_own(make_partner):
    sparkle = make_partner("Sparkle Cleaning", "platform")
    handy = make_partner("Handy Homes", "platform")
    sparkle.enrol(WORKER)
    handy.enrol(WORKER)
    mine = sparkle.post("/contributions", BATCH, key="shared-key")
    theirs = handy.post("/contributions", BATCH, key="shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json() != theirs.get_json()


def test_a_refusal_is_kept_as_the_first_answer_but_rolls_back_its_money(platform, sessions):
    platform.enrol(WORKER)
    platform.contribute((WORKER, 500, "job-1"))
    transfers = count(sessions, Transfer)
    # job-2 is new, job-1 reuses a reference for another amount: neither is recorded.
    body = {
        "contributions": [
            {"worker_phone": WORKER, "amount_cents": 900, "reference": "job-2"},
            {"worker_phone": WORKER, "amount_cents": 999, "reference": "job-1"},
        ]
    }
    refused = platform.post("/contributions", body, key="mixed")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["fields"] == {
        "contributions[1].reference": "was used for another contribution"
    }
    assert count(sessions, Transfer) == transfers
    assert platform.post("/contributions", body, key="mixed").get_data() == refused.get_data()


def test_invalid_requests_keep_nothing_so_the_key_can_be_used_once_fixed(platform, sessions):
    platform.enrol(WORKER)
    bad = {"contributions": [{"worker_phone": WORKER, "amount_cents": "500", "reference": "j"}]}
    assert platform.post("/contributions", bad, key="fix-me").status_code == 422
    assert count(sessions, PartnerRequest, PartnerRequest.key == "fix-me") == 0
    good = {"contributions": [{"worker_phone": WORKER, "amount_cents": 500, "reference": "j"}]}
    assert platform.post("/contributions", good, key="fix-me").status_code == 201


def test_an_enrolment_replayed_sends_one_invitation(platform, sessions):
    body = {"phone": WORKER, "language": "pt_BR"}
    first = platform.post("/workers", body, key="enrol-1")
    again = platform.post("/workers", body, key="enrol-1")
    assert first.status_code == 201
    assert again.get_data() == first.get_data()
    assert count(sessions, OutboundMessage) == 1


def test_a_write_without_a_good_key_is_refused(platform):
    platform.enrol(WORKER)
    for key, code in (("", "idempotency_key_missing"), ("with space", "idempotency_key_invalid")):
        response = platform.client.post(
            "/api/v1/contributions", json=BATCH, headers=platform.headers(key)
        )
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == code
    response = platform.client.post(
        "/api/v1/contributions", json=BATCH, headers=platform.headers(None)
    )
    assert response.status_code == 400
    assert platform.post("/contributions", BATCH, key="x" * 129).status_code == 400


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_the_same_key_at_the_same_moment_is_applied_once(platform, sessions):
    platform.enrol(WORKER)
    transfers = count(sessions, Transfer)
    start = threading.Barrier(8)
    answers = []

    def send():
        client = platform.client.application.test_client()
        start.wait()
        answers.append(
            client.post("/api/v1/contributions", json=BATCH, headers=platform.headers("same"))
        )

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 8
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.get_data() for answer in answers}) == 1
    assert sum("Idempotent-Replayed" not in answer.headers for answer in answers) == 1
    assert count(sessions, Transfer) == transfers + 2
