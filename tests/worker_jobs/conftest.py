"""A whole service for job tests: PostgreSQL, Redis, the app, a fake Twilio, an RQ worker."""

import pytest
from redis import Redis
from rq.serializers import JSONSerializer

from bot.app import create_app
from bot.fund import reports
from bot.infra.config import Settings
from bot.ops.worker import QUEUES, InProcessWorker
from tests.bot.webhook_client import Twilio
from tests.conftest import flush_redis
from tests.fake_twilio import FakeTwilio
from worker_jobs import context

ACCOUNT_SID = "AC" + "a" * 32
AUTH_TOKEN = "test-auth-token"


class Service:
    """The app and its worker, wired to the real PostgreSQL and Redis and a fake Twilio."""

    def __init__(self, app, fake: FakeTwilio):
        self.app = app
        self.runtime = app.extensions["runtime"]
        self.fake = fake
        self.twilio = Twilio(app, base_url="https://fund.example.org")

    def text(self, sender: str, body: str) -> str:
        return self.twilio.text(sender, body)

    def work(self) -> None:
        """Run every queued job, as `benefits-bot worker --burst --simple` would."""
        worker = InProcessWorker(
            list(QUEUES), connection=self.runtime.redis, serializer=JSONSerializer
        )
        worker.work(burst=True)

    def notices(self):
        with self.runtime.sessions() as session:
            return list(reversed(reports.recent_notices(session, 1000)))


@pytest.fixture
def fake_twilio():
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def service_env(monkeypatch, postgres_engine, redis_url, fake_twilio):
    """Environment variables for the app and the worker process alike."""
    env = {
        "DATABASE_URL": postgres_engine.url.render_as_string(hide_password=False),
        "REDIS_URL": redis_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_FROM": "+15005550006",
        "TWILIO_WHATSAPP_FROM": "whatsapp:+15005550007",
        "TWILIO_API_BASE_URL": fake_twilio.base_url,
        "PUBLIC_BASE_URL": "https://fund.example.org",
        "NOTICE_RETRY_SECONDS": "0,0,0",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = Redis.from_url(redis_url)
    flush_redis(client)
    client.close()
    return env


@pytest.fixture
def service(service_env, fake_twilio):
    context.runtime.cache_clear()
    app = create_app(Settings.from_env())
    app.extensions["runtime"].print_notices = False
    yield Service(app, fake_twilio)
    redis = Redis.from_url(app.extensions["runtime"].settings.redis_url)
    app.extensions["runtime"].close()
    if context.runtime.cache_info().currsize:
        context.runtime().close()
    context.runtime.cache_clear()
    flush_redis(redis)
    redis.close()
