"""Redis stops while contributions are confirmed, then starts: every notice goes out, once."""

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.infra.orm import utcnow
from bot.models import OutboundMessage
from bot.ops import clock
from tests.private_services import PrivateRedis
from tests.worker_jobs.test_notices import WORKER

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


@pytest.fixture
def private_redis(tmp_path, monkeypatch):
    redis = PrivateRedis(tmp_path)
    redis.start()
    monkeypatch.setenv("REDIS_URL", redis.url)
    yield redis
    redis.stop()


@pytest.fixture
def outage_service(private_redis, service_env, fake_twilio, request):
    # service_env set REDIS_URL to the shared test server; this test owns its own.
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("REDIS_URL", private_redis.url)
    monkeypatch.setenv("INSURANCE_PREMIUMS_CENTS", "")  # only the notices of the visits
    return request.getfixturevalue("service")


def test_notices_written_while_redis_is_down_all_go_out_once(outage_service, private_redis):
    service = outage_service
    households = [f"+1212555{n:04d}" for n in range(200, 204)]
    for text in ("hi", "1", "yes", "Maria"):
        service.text(WORKER, text)
    for number in households:
        service.text(WORKER, f"add {number}")
        service.text(number, "yes")
    service.work()
    sent_before = len(service.fake.sent)

    private_redis.stop()
    for day, number in zip(("today", "yesterday", "friday", "thursday"), households, strict=True):
        assert "asked" in service.text(WORKER, f"done {households.index(number) + 1} {day}")
        assert "$5.00" in service.text(number, "yes")  # the webhook still answers
    pending = [n for n in service.notices() if n["status"] == "pending"]
    assert len(pending) == 8  # four visit prompts and four receipts, kept in the database

    private_redis.start()
    _a_minute_passes(service)
    clock.tick(service.runtime)
    service.work()
    assert [n["status"] for n in service.notices() if n["status"] != "queued"] == []
    assert len(service.fake.sent) == sent_before + 8
    receipts = [m for m in service.fake.to(WORKER) if "added $5.00" in (m.body or "")]
    assert len(receipts) == 4
    # A second sweep, or the same jobs again, sends nothing more.
    clock.tick(service.runtime, now=utcnow() + timedelta(minutes=2))
    service.work()
    assert len(service.fake.sent) == sent_before + 8


def _a_minute_passes(service):
    """The sweeper leaves notices younger than its grace period alone: age them."""
    with service.runtime.sessions.begin() as session:
        session.execute(
            update(OutboundMessage).values(
                created_at=OutboundMessage.created_at - timedelta(minutes=1)
            )
        )
