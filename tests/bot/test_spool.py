"""The inbound spool: a message that arrives while the database is down is kept, answered
"got it", and processed once, in order, when the database is back."""

import pytest
from redis import Redis
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError

from bot.app import create_app
from bot.channel import spool
from bot.channel.inbox import InboundText
from bot.channel.spool.redis_store import STREAM
from bot.infra.config import Settings
from bot.models import Channel, ConversationRecord, InboundMessage, OutboundMessage, Person
from tests.bot.webhook_client import Twilio, new_sid
from tests.conftest import flush_redis
from tests.private_services import PrivateRedis

DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/gone?connect_timeout=1"
WORKER = "+12125550123"
OTHER = "+12125550188"
JOINING = ("hi", "1", "yes", "Maria")


@pytest.fixture
def build(tmp_path):
    apps = []

    def make(database_url, redis_url=None, spool_redis="always"):
        settings = Settings(
            database_url=database_url,
            redis_url=redis_url,
            spool_dir=str(tmp_path / "spool"),
            spool_redis=spool_redis,
        )
        app = create_app(settings)
        app.extensions["runtime"].print_notices = False
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["runtime"].close()


@pytest.fixture
def db_url(postgres_engine):
    return postgres_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def redis(redis_url):
    client = Redis.from_url(redis_url)
    flush_redis(client)
    yield client
    flush_redis(client)
    client.close()


def stored(app):
    with app.extensions["runtime"].sessions() as session:
        inbound = session.scalars(select(InboundMessage.message_sid)).all()
        replies = session.scalars(
            select(OutboundMessage.body).where(OutboundMessage.kind == "reply")
        ).all()
        state = session.scalar(
            select(ConversationRecord.state).join(Person).where(Person.phone == WORKER)
        )
        return inbound, replies, state


def drained(app):
    runtime = app.extensions["runtime"]
    count = spool.drain(runtime)
    runtime.drain()
    return count


@pytest.mark.parametrize("with_redis", [True, False], ids=["redis", "disk"])
def test_messages_kept_while_the_database_is_down_are_answered_in_order(
    build, db_url, redis, redis_url, with_redis
):
    queue = redis_url if with_redis else None
    down = Twilio(build(DOWN, queue))
    sids = [new_sid() for _ in JOINING]
    for sid, body in zip(sids, JOINING, strict=True):
        assert down.text(WORKER, body, sid) == "Got it. We will answer you shortly."
    assert spool.depth(down.app.extensions["runtime"])["redis" if with_redis else "file"] == 4

    up = build(db_url, queue)
    assert drained(up) == 4
    inbound, replies, state = stored(up)
    assert sorted(inbound) == sorted(sids)
    assert state == "idle"  # a member: "hi", "1", "yes", "Maria" were read in that order
    assert len(replies) == 4 and "Maria" in replies[-1]
    assert spool.depth(up.extensions["runtime"]) == {"file": 0} | (
        {"redis": 0} if with_redis else {}
    )
    assert drained(up) == 0  # nothing left, nothing twice


def test_a_message_that_came_both_ways_is_processed_once(build, db_url, redis, redis_url):
    sid = new_sid()
    Twilio(build(DOWN, redis_url)).text(WORKER, "hi", sid)
    up = Twilio(build(db_url, redis_url))
    # Her newer messages queue behind the kept one, even with the database back...
    assert up.text(WORKER, "1") == "Got it. We will answer you shortly."
    assert drained(up.app) == 2
    # ...and a late second delivery of the first is a replay, not a second effect.
    up.text(WORKER, "hi", sid)
    inbound, replies, _ = stored(up.app)
    assert len(inbound) == 2 and len(replies) == 2
    assert drained(up.app) == 0


def test_others_are_not_held_behind_her(build, db_url, redis, redis_url):
    Twilio(build(DOWN, redis_url)).text(WORKER, "hi")
    up = Twilio(build(db_url, redis_url))
    assert "Got it" not in up.text(OTHER, "hi")


def test_with_redis_down_too_the_disk_keeps_them_and_hands_them_to_redis(
    build, db_url, redis, redis_url, tmp_path
):
    down = Twilio(build(DOWN, "redis://127.0.0.1:1/0"))
    for body in JOINING:
        down.text(WORKER, body)
    assert spool.files(down.app.extensions["runtime"]).depth() == 4
    assert redis.xlen(STREAM) == 0

    up = build(db_url, redis_url)
    assert drained(up) == 4  # moved to Redis, then processed from there
    assert stored(up)[2] == "idle"
    assert not list((tmp_path / "spool").glob("inbound-*"))
    assert redis.xlen(STREAM) == 0


def test_the_got_it_answer_is_in_her_language_when_known(build, db_url, redis, redis_url):
    up = Twilio(build(db_url, redis_url))
    up.text(WORKER, "hola")
    up.text(WORKER, "2")  # Español
    down = Twilio(build(DOWN, redis_url))
    assert down.text(WORKER, "saldo") == "Recibido. Le respondemos en breve."


def test_a_message_our_code_fails_on_is_set_aside_not_retried_forever(
    build, db_url, redis, redis_url, monkeypatch
):
    Twilio(build(DOWN, redis_url)).text(WORKER, "hi")
    Twilio(build(DOWN, redis_url)).text(OTHER, "hi")
    up = build(db_url, redis_url)
    real = spool.inbox.handle

    def broken_for_her(runtime, message, **options):
        if message.phone == WORKER:
            raise RuntimeError("a bug")
        return real(runtime, message, **options)

    monkeypatch.setattr(spool.inbox, "handle", broken_for_her)
    assert drained(up) == 2
    assert redis.llen("spool:failed") == 1
    assert stored(up)[0] and len(stored(up)[0]) == 1  # the other one went through


@pytest.fixture
def private_redis(tmp_path):
    servers = []

    def start(appendonly=False):
        folder = tmp_path / f"redis-{len(servers)}"
        folder.mkdir()
        server = PrivateRedis(folder, appendonly=appendonly)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize("appendonly", [False, True], ids=["memory-only", "append-only"])
def test_the_spool_trusts_redis_only_when_it_keeps_messages_on_disk(
    build, private_redis, appendonly
):
    server = private_redis(appendonly)
    down = Twilio(build(DOWN, server.url, spool_redis="auto"))
    down.text(WORKER, "hi")
    depth = spool.depth(down.app.extensions["runtime"])
    assert depth == ({"file": 0, "redis": 1} if appendonly else {"file": 1, "redis": 0})


def test_a_redis_restart_loses_no_kept_message(build, db_url, private_redis):
    server = private_redis(appendonly=False)  # like the machine's: it keeps nothing on disk
    down = Twilio(build(DOWN, server.url, spool_redis="auto"))
    sids = [new_sid() for _ in JOINING]
    for sid, body in zip(sids, JOINING, strict=True):
        down.text(WORKER, body, sid)
    server.stop()
    server.start()  # empty
    up = build(db_url, server.url, spool_redis="auto")
    assert drained(up) == 4
    inbound, _, state = stored(up)
    assert sorted(inbound) == sorted(sids) and state == "idle"


def test_a_second_delivery_kept_after_the_first_was_answered_is_not_answered_again(
    build, db_url, redis, redis_url
):
    sid = new_sid()
    up = Twilio(build(db_url, redis_url))
    assert up.text(WORKER, "hi", sid)  # answered in the webhook's reply
    spool.keep(up.app.extensions["runtime"], InboundText(sid, Channel.SMS, WORKER, "hi"))
    assert drained(up.app) == 1
    inbound, replies, _ = stored(up.app)
    assert inbound == [sid] and replies == []


def test_a_message_whose_commit_was_uncertain_is_answered_late_once(build, db_url):
    up = Twilio(build(db_url, spool_redis="never"))
    failures = []

    def lose_the_database(connection):
        if not failures:
            failures.append(1)
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    # At the connection's COMMIT: a turn that never used the ORM commits without its session.
    event.listen(Engine, "commit", lose_the_database)
    try:
        sid = new_sid()
        assert up.text(WORKER, "hi", sid) == "Got it. We will answer you shortly."
    finally:
        event.remove(Engine, "commit", lose_the_database)
    (entry,) = spool.files(up.app.extensions["runtime"]).take()[1]
    assert entry.uncertain  # the conversation had run when the database went
    assert drained(up.app) == 1
    inbound, replies, _ = stored(up.app)
    assert inbound == [sid] and len(replies) == 1
