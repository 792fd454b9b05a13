"""`benefits-bot worker` as a process of its own: it outlives a Redis outage (issue 6a).

The worker runs against a redis-server of the test's own (tests/private_services.py), which the
test stops and starts; the shared Redis is never touched.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.job import JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import update

from bot.models import OutboundMessage
from bot.ops import clock
from tests.private_services import PrivateRedis
from tests.worker_jobs.conftest import Service
from tests.worker_jobs.test_notices import HOUSEHOLD, WORKER, contribution

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")

ROOT = Path(__file__).resolve().parents[2]
# The real command, with a one-second clock so that the test need not wait for its ticks.
WORKER_COMMAND = (
    "from bot.ops import clock\nclock.TICK_SECONDS = 1\n"
    "from bot.cli import main\nmain(['worker'])\n"
)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def outage_service(
    private_redis: PrivateRedis, service_env: dict[str, str], request: pytest.FixtureRequest
) -> Service:
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("REDIS_URL", private_redis.url)
    monkeypatch.setenv("INSURANCE_PREMIUMS_CENTS", "")  # only the notices of the visits
    return request.getfixturevalue("service")


@pytest.fixture
def worker_process(
    outage_service: Service, private_redis: PrivateRedis, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    log = (tmp_path / "worker.log").open("wb")
    env = dict(os.environ, PYTHONPATH=str(ROOT), LOG_FORMAT="text", LOG_LEVEL="INFO")
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER_COMMAND], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    log.close()
    if private_redis.process is not None and private_redis.process.poll() is not None:
        private_redis.start()  # the test failed during the outage: the teardowns need it


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds:.0f} s for {what}")
        time.sleep(0.1)


def test_the_worker_outlives_a_redis_outage_and_then_sends_what_waited(
    outage_service: Service,
    private_redis: PrivateRedis,
    worker_process: subprocess.Popen[bytes],
    tmp_path: Path,
) -> None:
    service = outage_service
    contribution(service)  # four notices, sent by the worker process
    wait_for(lambda: len(service.fake.sent) == 4, 60, "the worker to send the first notices")

    # Redis goes away while a job runs: RQ cannot record its end, and its loop quits (the
    # exit the soak run saw). Idle, RQ would only retry its blocking read.
    redis = Redis.from_url(private_redis.url)
    queue = Queue(clock.QUEUE, connection=redis, serializer=JSONSerializer)
    job = queue.enqueue("time.sleep", 2)
    wait_for(lambda: job.get_status() == JobStatus.STARTED, 30, "the worker to start a job")
    private_redis.stop()
    time.sleep(4)  # the job ends; its worker loop, the clock and the heartbeats all fail
    assert worker_process.poll() is None, "the worker exited when Redis went away"
    service.text(WORKER, "done yesterday")  # kept in the database: Redis is down
    assert "$5.00" in service.text(HOUSEHOLD, "yes")
    with service.runtime.sessions.begin() as session:  # past the sweeper's grace period
        session.execute(
            update(OutboundMessage).values(
                created_at=OutboundMessage.created_at - timedelta(minutes=1)
            )
        )

    private_redis.start()  # the same port, empty: what was queued is gone
    # The clock thread lived through it: its sweeper hands the waiting notices to the worker.
    wait_for(lambda: len(service.fake.sent) == 6, 60, "the notices kept during the outage")
    assert worker_process.poll() is None

    worker_process.send_signal(signal.SIGTERM)
    assert worker_process.wait(timeout=30) == 0
    log = (tmp_path / "worker.log").read_text()
    assert "the RQ loop ended on its own" in log  # the outage is logged...
    assert "Redis answers; working again" in log
    for number in (WORKER, HOUSEHOLD):  # ...naming nobody
        assert number.removeprefix("+") not in log
    assert "Ana added" not in log
