"""Abuse and loop protection: a flood from one number, and a loop with another bot."""

import pytest
from click.testing import CliRunner
from redis import Redis
from sqlalchemy import func, select

from bot.app import create_app
from bot.channel import limits
from bot.cli import main
from bot.infra.config import Settings
from bot.infra.phone import mask_phone
from bot.models import InboundMessage
from tests.bot.webhook_client import Twilio
from tests.conftest import flush_redis

FLOODER = "+12125550111"
NEIGHBOUR = "+12125550122"
OTHER_BOT = "+12125550133"


@pytest.fixture(params=["in-process", "redis"])
def twilio(request, postgres_engine, tmp_path):
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    if redis_url:
        flush_redis(Redis.from_url(redis_url))
    settings = Settings(
        database_url=postgres_engine.url.render_as_string(hide_password=False),
        redis_url=redis_url,
        spool_dir=str(tmp_path / "spool"),
        inbound_limit=(5, 600),
        identical_outbound_limit=(3, 3600),
        daily_outbound_limit=10,
    )
    app = create_app(settings)
    app.extensions["runtime"].print_notices = False
    yield Twilio(app)
    app.extensions["runtime"].close()
    if redis_url:
        flush_redis(Redis.from_url(redis_url))


def processed(twilio):
    with twilio.app.extensions["runtime"].sessions() as session:
        query = select(func.count()).select_from(InboundMessage)
        return session.scalar(query)


def test_a_flood_gets_one_polite_answer_then_silence_and_costs_no_work(twilio):
    replies = [twilio.text(FLOODER, f"message {n}") for n in range(60)]
    assert replies[0].startswith("Benefits Fund")
    # The welcome, then the same menu 3 times; a 4th copy of it is not sent.
    assert len([reply for reply in replies[:5] if reply]) == 4
    assert replies[5] == (
        "You sent many messages at once. Please wait a while before texting again."
    )
    assert replies[6:] == [""] * 54  # silence: no texts we pay for
    assert processed(twilio) == 5  # nothing written for the extra 55 but a counter
    # Someone else texting at the same time is answered as usual.
    assert "Benefits Fund" in twilio.text(NEIGHBOUR, "hello")
    trips = limits.tripped(twilio.app.extensions["runtime"])
    if twilio.app.extensions["runtime"].redis is not None:
        # Newest first: the flood, and before it the menu it would have had a 4th time.
        assert [(trip.phone, trip.limit) for trip in trips] == [
            (mask_phone(FLOODER), "inbound"),
            (mask_phone(FLOODER), "identical"),
        ]


def test_a_loop_with_another_bot_stops_itself(twilio):
    texts_we_sent = 0
    message = "Thank you for your message! An agent will reply soon."
    for _ in range(200):
        reply = twilio.text(OTHER_BOT, message)
        if not reply:
            break  # the other bot only ever answers what we send
        texts_we_sent += 1
    else:
        pytest.fail("the loop never stopped")
    # The same text at most 3 times, plus the different first answers (welcome...).
    assert texts_we_sent <= 5


def test_the_daily_cap_holds_for_different_texts_too(twilio):
    sent = 0
    for n in range(12):
        if limits.outbound(twilio.app.extensions["runtime"], FLOODER, f"text {n}"):
            sent += 1
    assert sent == 10


def test_the_daily_cap_starts_again_at_midnight_utc(twilio, monkeypatch):
    runtime = twilio.app.extensions["runtime"]
    midnight = 1_796_428_800.0  # 2026-12-05 00:00 UTC
    assert limits._utc_day(midnight - 1) == "20261204"

    def sent_at(moment, count):
        monkeypatch.setattr(limits.time, "time", lambda: moment)
        return sum(limits.outbound(runtime, FLOODER, f"text {moment} {n}") for n in range(count))

    assert sent_at(midnight - 1, 12) == 10  # the last second of the 4th: capped
    assert sent_at(midnight - 0.5, 1) == 0
    assert sent_at(midnight, 12) == 10  # the 5th: a new day's cap
    assert sent_at(midnight + 86399, 1) == 0
    assert sent_at(midnight - 2, 1) == 0  # a clock stepping back finds the 4th's count


def test_staff_see_who_reached_a_limit_and_what_the_spool_holds(
    redis_url, postgres_engine, tmp_path
):
    flush_redis(Redis.from_url(redis_url))
    env = {
        "DATABASE_URL": postgres_engine.url.render_as_string(hide_password=False),
        "REDIS_URL": redis_url,
        "INBOUND_LIMIT": "1/600",
        "SPOOL_DIR": str(tmp_path / "spool"),
    }
    settings = Settings.from_env(env)
    app = create_app(settings)
    Twilio(app).text(FLOODER, "one")
    Twilio(app).text(FLOODER, "two")
    app.extensions["runtime"].close()
    runner = CliRunner()
    result = runner.invoke(main, ["limits", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert '"limit": "inbound"' in result.output
    assert FLOODER not in result.output and FLOODER[-4:] in result.output  # masked
    result = runner.invoke(main, ["spool", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert '"redis": 0' in result.output
    flush_redis(Redis.from_url(redis_url))


def test_counting_without_redis_forgets_old_counters_without_reading_them_all_each_time(
    monkeypatch,
):
    """Past MAX_KEYS counters, expired ones are dropped, at most once per PRUNE_SECONDS: a
    flood that keeps more than MAX_KEYS live counters is not read whole on every message."""
    counters = limits._LocalCounters()
    monkeypatch.setattr(counters, "MAX_KEYS", 50)
    for n in range(40):
        counters.incr(f"gone:{n}", -1)  # already expired
    for n in range(60):
        counters.incr(f"live:{n}", 600)
    assert counters.prunes == 1  # the 51st counter: the expired ones went
    assert not any(key.startswith("gone:") for key in counters.counts)
    for n in range(60, 200):
        counters.incr(f"live:{n}", 600)  # still over MAX_KEYS, all live
    assert counters.prunes == 1
    assert counters.incr("live:3", 600) == 2  # counts go on as before
    counters.next_prune = 0.0  # PRUNE_SECONDS later
    counters.incr("live:new", 600)
    assert counters.prunes == 2
