"""A whole stack of the test's own: PostgreSQL and Redis it may stop and restart, the app,
a fake Twilio and an RQ worker; and a stream of signed messages from many people."""

import threading
import time
from collections import Counter
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select, update

from bot import ledger, migrate, outbox, spool
from bot.app import create_app
from bot.config import Settings
from bot.db import make_engine
from bot.models import InboundMessage, OutboundMessage, OutboundStatus
from tests.bot.webhook_client import Twilio, new_sid
from tests.conftest import unavailable
from tests.fake_twilio import FakeTwilio
from tests.private_services import PrivatePostgres, PrivateRedis, postgres_bin
from worker_jobs import context

PUBLIC = "https://fund.example.org"
AUTH_TOKEN = "resilience-token"


class Stack:
    """The service on a PostgreSQL and a Redis of its own."""

    def __init__(self, postgres: PrivatePostgres, redis: PrivateRedis, fake: FakeTwilio, env):
        self.postgres, self.redis, self.fake = postgres, redis, fake
        for name, value in {
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "TWILIO_ACCOUNT_SID": "AC" + "b" * 32,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_SMS_FROM": "+15005550006",
            "TWILIO_API_BASE_URL": fake.base_url,
            "PUBLIC_BASE_URL": PUBLIC,
            "NOTICE_RETRY_SECONDS": "0,0,0",
            "DAY_OFF_CENTS": "1000",
            "HALF_DAY_OFF_CENTS": "500",
            "INSURANCE_PREMIUMS_CENTS": "",
        }.items():
            env.setenv(name, value)  # the RQ jobs build their runtime from the environment
        context.runtime.cache_clear()
        self.app = create_app(Settings.from_env())
        self.runtime = self.app.extensions["runtime"]
        self.runtime.print_notices = False
        self.posted: list[str] = []  # every MessageSid sent, duplicates once
        self.lock = threading.Lock()
        self.kept: Counter[str] = Counter()  # messages the webhook spooled, by store
        keep = spool.keep

        def counted_keep(runtime, message, *args, **kwargs):
            where = keep(runtime, message, *args, **kwargs)
            self.kept[where] += 1
            return where

        env.setattr(spool, "keep", counted_keep)

    def post(self, phone: str, body: str, duplicates: int = 1) -> None:
        """Deliver one message (and Twilio's duplicate deliveries of it, at the same time)."""
        sid = new_sid()
        with self.lock:
            self.posted.append(sid)
        form = Twilio(self.app, base_url=PUBLIC).form(phone, body, sid)

        def deliver() -> None:
            response = Twilio(self.app, base_url=PUBLIC).post(form)
            assert response.status_code == 200, response.get_data(as_text=True)

        threads = [threading.Thread(target=deliver) for _ in range(1 + duplicates)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    def settle(self, timeout: float = 120) -> None:
        """Once every service is back: drain the spool, send every notice due."""
        deadline = time.monotonic() + timeout
        worker_redis = Redis.from_url(self.redis.url)
        while time.monotonic() < deadline:
            self.runtime._redis_rest_until = 0.0  # Redis is back: use it now
            spool.drain(self.runtime)
            with self.runtime.sessions.begin() as session:  # past the sweeper's grace period
                session.execute(
                    update(OutboundMessage)
                    .where(OutboundMessage.status == OutboundStatus.PENDING)
                    .values(created_at=OutboundMessage.created_at - timedelta(minutes=5))
                )
            outbox.sweep(self.runtime)
            SimpleWorker([outbox.QUEUE], connection=worker_redis, serializer=JSONSerializer).work(
                burst=True
            )
            if not any(spool.depth(self.runtime).values()) and not self.unsent():
                worker_redis.close()
                return
            time.sleep(0.5)
        raise AssertionError(f"not settled: spool {spool.depth(self.runtime)}, {self.unsent()}")

    def unsent(self) -> int:
        with self.runtime.sessions() as session:
            return session.scalar(
                select(func.count())
                .select_from(OutboundMessage)
                .where(OutboundMessage.status.in_((OutboundStatus.PENDING, OutboundStatus.SENDING)))
            )

    def assert_nothing_lost_or_doubled(self) -> None:
        with self.runtime.sessions() as session:
            processed = Counter(session.scalars(select(InboundMessage.message_sid)))
            problems = ledger.check(session)
            sent_rows = set(
                session.scalars(
                    select(OutboundMessage.id).where(OutboundMessage.twilio_sid.is_not(None))
                )
            )
        posted = set(self.posted)
        assert set(processed) == posted, f"lost: {len(posted - set(processed))}"
        assert max(processed.values()) == 1
        assert problems == []
        per_notice = Counter(
            int(parse_qs(urlparse(message.status_callback or "").query)["outbox"][0])
            for message in self.fake.sent
        )
        assert per_notice and max(per_notice.values()) == 1, "a notice went out twice"
        assert set(per_notice) == sent_rows


@pytest.fixture
def stack(request, tmp_path):
    """The service on a Redis that keeps nothing on disk (the spool then uses files)."""
    yield from _stack(request, tmp_path, appendonly=False)


@pytest.fixture
def durable_stack(request, tmp_path):
    """The service on a Redis with an append-only file (the spool then uses Redis)."""
    yield from _stack(request, tmp_path, appendonly=True)


def _stack(request, tmp_path, appendonly: bool):
    if postgres_bin() is None:
        unavailable(request.config, "PostgreSQL server binaries (initdb, pg_ctl) not installed")
    postgres = PrivatePostgres()
    redis = PrivateRedis(tmp_path, appendonly=appendonly)
    fake = FakeTwilio().start()
    try:
        postgres.start()
        engine = make_engine(postgres.url)
        migrate.upgrade(engine)
        engine.dispose()
        redis.start()
        stack = Stack(postgres, redis, fake, request.getfixturevalue("monkeypatch"))
        yield stack
        stack.runtime.close()
        if context.runtime.cache_info().currsize:
            context.runtime().close()
        context.runtime.cache_clear()
    finally:
        fake.stop()
        redis.stop()
        postgres.destroy()


def enrol(stack: Stack, pairs: int) -> list[tuple[str, str]]:
    """Workers who joined, each with a household that accepted."""
    people = [(f"+1212555{n:04d}", f"+1646555{n:04d}") for n in range(pairs)]
    for worker, household in people:
        for text in ("hi", "1", "yes", "Maria"):
            stack.post(worker, text, duplicates=0)
        stack.post(worker, f"add {household} Ana", duplicates=0)
        stack.post(household, "yes", duplicates=0)
    stack.settle()
    return people


def stream(stack: Stack, people: list[tuple[str, str]], outage, after: int) -> None:
    """Contributions and day-off requests from every pair at once, each message delivered
    twice; `outage` runs once `after` messages went in."""
    tomorrow = (date.today() + timedelta(days=1)).strftime("%b %d")
    script = [
        ("worker", "done today"), ("household", "yes"),
        ("worker", "done yesterday"), ("household", "yes"),
        ("worker", "balance"), ("worker", f"day off {tomorrow}"), ("worker", "yes"),
        ("worker", "balance"),
    ]  # fmt: skip
    started = threading.Event()
    count = Counter()

    def pair(worker: str, household: str) -> None:
        for who, text in script:
            stack.post(worker if who == "worker" else household, text)
            with stack.lock:
                count["sent"] += 1
                if count["sent"] >= after:
                    started.set()
            time.sleep(0.05)

    def break_things() -> None:
        started.wait(timeout=60)
        outage()

    threads = [threading.Thread(target=pair, args=p) for p in people]
    breaker = threading.Thread(target=break_things)
    for thread in [breaker, *threads]:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    breaker.join(timeout=60)
