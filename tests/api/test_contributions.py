"""Contributions per job, the one-time bonus, limits, and reading back what was paid."""

import pytest

from bot import ledger
from bot.fund import membership
from bot.ledger import Transfer
from bot.models import Worker
from tests.api.conftest import OTHER_WORKER, WORKER, count


def balance(sessions, phone=WORKER) -> int:
    with sessions() as session:
        worker = membership.find_worker(session, phone)
        return ledger.balance(session, worker.account_id).posted_cents


def test_a_batch_pays_each_worker_and_the_ledger_stays_sound(platform, sessions):
    platform.enrol(WORKER)
    platform.enrol(OTHER_WORKER)
    response = platform.contribute(
        (WORKER, 500, "job-1"), (OTHER_WORKER, 800, "job-2"), (WORKER, 250, "job-3")
    )
    assert response.status_code == 201
    paid = response.get_json()["contributions"]
    assert [(p["worker_phone"], p["amount_cents"], p["reference"]) for p in paid] == [
        (WORKER, 500, "job-1"),
        (OTHER_WORKER, 800, "job-2"),
        (WORKER, 250, "job-3"),
    ]
    assert {p["kind"] for p in paid} == {"contribution"}
    assert {p["currency"] for p in paid} == {"USD"}
    assert balance(sessions) == 750
    assert balance(sessions, OTHER_WORKER) == 800
    with sessions() as session:
        assert ledger.check(session) == []


def test_a_job_is_paid_once_whatever_the_idempotency_key(platform, sessions):
    platform.enrol(WORKER)
    first = platform.contribute((WORKER, 500, "job-1"), key="a")
    again = platform.contribute((WORKER, 500, "job-1"), key="b")
    assert first.status_code == 201
    assert again.status_code == 200  # already recorded: the same contribution, not a new one
    assert again.get_json() == first.get_json()
    assert balance(sessions) == 500


def test_invalid_fields_are_named_one_by_one(platform, sessions):
    platform.enrol(WORKER)
    response = platform.post(
        "/contributions",
        {
            "contributions": [
                {"worker_phone": WORKER, "amount_cents": 10_001, "reference": "too-much"},
                {"worker_phone": WORKER, "amount_cents": 5.5, "reference": "cents"},
                {"worker_phone": WORKER, "amount_cents": True, "reference": "bool"},
                {"worker_phone": WORKER, "amount_cents": 0, "reference": "zero"},
                {"worker_phone": WORKER, "amount_cents": 100, "reference": "tab\there"},
                {"worker_phone": "+1", "amount_cents": 100},
            ]
        },
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "contributions[0].amount_cents": "must be at most 10000 cents",
        "contributions[1].amount_cents": "must be a positive whole number of cents",
        "contributions[2].amount_cents": "must be a positive whole number of cents",
        "contributions[3].amount_cents": "must be a positive whole number of cents",
        "contributions[4].reference": "must be 1 to 64 printable ASCII characters",
        "contributions[5].worker_phone": "is not a valid phone number",
        "contributions[5].reference": "is required",
    }
    assert count(sessions, Transfer) == 0


def test_batches_are_bounded_and_references_unique_within_one(platform):
    platform.enrol(WORKER)
    empty = platform.post("/contributions", {"contributions": []})
    assert empty.get_json()["error"]["fields"] == {"contributions": "must not be empty"}
    many = [(WORKER, 1, f"job-{n}") for n in range(501)]
    too_many = platform.contribute(*many)
    assert too_many.status_code == 422
    fields = too_many.get_json()["error"]["fields"]
    assert fields == {"contributions": "must hold at most 500 items"}
    twice = platform.contribute((WORKER, 100, "job-1"), (WORKER, 100, "job-1"))
    assert twice.status_code == 422
    assert twice.get_json()["error"]["fields"] == {
        "contributions[1].reference": "repeats contributions[0]"
    }


def test_a_body_over_the_limit_is_413(platform):
    response = platform.client.post(
        "/api/v1/contributions",
        data=b'{"contributions": [' + b" " * 300_000 + b"]}",
        headers=platform.headers("big"),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_the_bonus_is_granted_once_per_worker(platform, sessions):
    platform.enrol(WORKER)
    bonus = {"worker_phone": WORKER, "amount_cents": 2_500, "reference": "welcome"}
    first = platform.post("/bonuses", bonus)
    assert first.status_code == 201
    assert first.get_json()["contribution"]["kind"] == "bonus"
    again = platform.post("/bonuses", bonus)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    bigger = platform.post("/bonuses", {**bonus, "amount_cents": 5_000})
    assert bigger.status_code == 409
    assert bigger.get_json()["error"]["code"] == "bonus_already_granted"
    assert balance(sessions) == 2_500


def test_another_partner_may_give_her_a_bonus_too(make_partner, sessions):
    for name in ("Sparkle Cleaning", "Handy Homes"):
        partner = make_partner(name, "platform")
        partner.enrol(WORKER)
        bonus = partner.post("/bonuses", {"worker_phone": WORKER, "amount_cents": 2_500})
        assert bonus.status_code == 201
    assert balance(sessions) == 5_000


def test_the_list_pages_and_filters(platform):
    platform.enrol(WORKER)
    platform.enrol(OTHER_WORKER)
    platform.contribute(
        *[(WORKER if n % 2 else OTHER_WORKER, 100 + n, f"job-{n}") for n in range(7)]
    )

    seen, after = [], None
    while True:
        page = platform.get("/contributions", limit=3, **({"after": after} if after else {}))
        body = page.get_json()
        seen += [c["reference"] for c in body["contributions"]]
        after = body["next_after"]
        if after is None:
            break
    assert seen == [f"job-{n}" for n in range(7)]

    hers = platform.get("/contributions", worker_phone="212-555-0123").get_json()
    assert [c["reference"] for c in hers["contributions"]] == ["job-1", "job-3", "job-5"]
    one = platform.get("/contributions", reference="job-4").get_json()["contributions"]
    assert [c["amount_cents"] for c in one] == [104]
    single = platform.get(f"/contributions/{one[0]['id']}").get_json()
    assert single == {"contribution": one[0]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"after": -1}, "after"),
        ({"after": 2**64}, "after"),
        ({"worker_phone": "not a phone"}, "worker_phone"),
        ({"reference": "x" * 65}, "reference"),
    ],
)
def test_bad_list_parameters_are_422(platform, query, field):
    response = platform.get("/contributions", **query)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {field}


@pytest.mark.parametrize("contribution_id", ["0", "-1", "abc", "1.5", "9" * 20, "²"])
def test_ids_that_cannot_be_are_404(platform, contribution_id):
    response = platform.get(f"/contributions/{contribution_id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_money_goes_to_workers_only_through_enrolment(platform, sessions):
    response = platform.contribute((WORKER, 500, "job-1"))
    assert response.status_code == 422
    assert count(sessions, Worker) == 0
