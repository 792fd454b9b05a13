"""The outside review's findings on the Twilio channel (issue 12: 1, 5, 6, 7, 8, 9, 10).

Each test here failed on the code the review looked at."""

import io
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from redis import Redis
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.app import create_app
from bot.channel import limits
from bot.channel.webhook import auth_token
from bot.infra.config import Settings
from bot.infra.phone import mask_phone
from bot.models import DeliveryEvent, InboundMessage, Person
from tests.bot.webhook_client import PATH, Twilio, new_sid

WORKER = "+12125550123"
STRANGER = "+12125550188"
STATUS_PATH = "/webhooks/twilio/status"
FORM = "application/x-www-form-urlencoded"
BIN = Path(sys.executable).parent  # the worktree's .venv/bin


@pytest.fixture
def app(postgres_engine, tmp_path):
    settings = Settings(
        database_url=postgres_engine.url.render_as_string(hide_password=False),
        spool_dir=str(tmp_path / "spool"),
    )
    app = create_app(settings)
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def twilio(app):
    return Twilio(app)


def count(app, model):
    with app.extensions["runtime"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


# -- 1. Bodies over the limit are refused before they are read ------------------------------


def oversized_form(size: int) -> bytes:
    """An urlencoded body of about `size` bytes, many small fields as a flood would be."""
    fields = [("MessageSid", new_sid()), ("From", WORKER)]
    fields += [(f"f{n}", "x" * 20) for n in range(size // 25)]
    return urlencode(fields).encode()


def post_stream(app, path, stream, headers=None, **options):
    return app.test_client().post(
        path,
        input_stream=stream,
        content_type=FORM,
        headers={"X-Twilio-Signature": "bogus", **(headers or {})},
        **options,
    )


@pytest.mark.parametrize("path", [PATH, STATUS_PATH])
def test_an_oversized_body_with_a_bogus_signature_is_refused_unread(app, path):
    body = oversized_form(3_800_000)
    stream = io.BytesIO(body)
    response = post_stream(app, path, stream, content_length=len(body))
    assert response.status_code == 413
    assert "64 KiB" in response.get_data(as_text=True)  # says why, in a line
    assert stream.tell() == 0  # not one byte read, let alone parsed
    assert count(app, InboundMessage) == 0


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(app):
    stream = io.BytesIO(oversized_form(1_000_000))
    # As gunicorn hands over a chunked body: no length, and wsgi.input_terminated.
    response = post_stream(
        app,
        PATH,
        stream,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert "64 KiB" in response.get_data(as_text=True)
    assert stream.tell() <= 64 * 1024 + 1  # one byte past the limit tells it is over


def test_a_chunked_message_within_the_limit_is_read_whole(app, twilio):
    form = twilio.form(WORKER, "hello")
    signature = twilio.validator.compute_signature("http://localhost" + PATH, form)
    response = post_stream(
        app,
        PATH,
        io.BytesIO(urlencode(form).encode()),
        headers={"Transfer-Encoding": "chunked", "X-Twilio-Signature": signature},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 200
    assert count(app, InboundMessage) == 1


def test_a_signed_message_of_the_longest_kind_is_still_answered(app, twilio):
    form = twilio.form(WORKER, "é" * 1600, MediaUrl0="https://api.twilio.com/" + "m" * 500)
    response = twilio.post(form)
    assert response.status_code == 200
    assert count(app, InboundMessage) == 1


def test_the_staff_login_form_has_a_small_limit_of_its_own(app):
    body = urlencode({"email": "a@example.org", "password": "p" * 40_000}).encode()
    stream = io.BytesIO(body)
    response = post_stream(app, "/staff/login", stream, content_length=len(body))
    assert response.status_code == 413
    assert "16 KiB" in response.get_data(as_text=True)
    assert stream.tell() == 0


def test_the_partner_api_keeps_its_256_kib_and_its_json_errors(app):
    body = b'{"x": "' + b"y" * 300_000 + b'"}'
    response = app.test_client().post(
        "/api/v1/contributions",
        data=body,
        content_type="application/json",
        headers={"Authorization": "Bearer nonsense"},
    )
    assert response.status_code == 413
    assert "256 KiB" in response.get_json()["error"]["message"]
    small = app.test_client().post(
        "/api/v1/contributions",
        data=b'{"x": "' + b"y" * 100_000 + b'"}',
        content_type="application/json",
        headers={"Authorization": "Bearer nonsense"},
    )
    assert small.status_code == 401  # within its limit: the key is looked at, as before


# -- 6. A MessageSid is the whole field ------------------------------------------------------


@pytest.mark.parametrize("suffix", ["\n", " ", "\r\n"])
def test_a_message_sid_with_anything_after_it_is_refused(app, twilio, suffix):
    sid = new_sid()
    assert "Benefits Fund" in twilio.text(WORKER, "hi", sid=sid)
    response = twilio.post(twilio.form(WORKER, "hi", sid=sid + suffix))
    assert response.status_code == 400
    assert "MessageSid" in response.get_data(as_text=True)
    assert count(app, InboundMessage) == 1  # not a second message


# -- 5. A MessageSid belongs to the number that sent it --------------------------------------


def test_a_message_sid_again_from_another_number_is_refused_and_leaks_nothing(app, twilio, caplog):
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(WORKER, text)
    sid = new_sid()
    hers = twilio.text(WORKER, "balance", sid=sid)
    assert "$" in hers  # her balance
    people, messages = count(app, Person), count(app, InboundMessage)
    caplog.set_level(logging.WARNING, logger="bot.channel.webhook")
    response = twilio.post(twilio.form(STRANGER, "balance", sid=sid))
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "MessageSid" in text and hers not in text and "Maria" not in text
    assert (count(app, Person), count(app, InboundMessage)) == (people, messages)
    refused = [r.getMessage() for r in caplog.records if "another number" in r.getMessage()]
    assert refused and mask_phone(STRANGER) in refused[0]
    assert not any(STRANGER in r.getMessage() or WORKER in r.getMessage() for r in caplog.records)
    # Twilio's own retry, from her number, still gets her reply.
    assert twilio.text(WORKER, "balance", sid=sid) == hers


def test_one_message_sid_from_two_numbers_at_once_answers_only_one(app, twilio):
    # Different senders lock different rows, so nothing queues them: the unique claim does.
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(WORKER, text)
    sid, barrier = new_sid(), threading.Barrier(2)
    answers = {}

    def deliver(phone):
        client = Twilio(app)
        barrier.wait()
        answers[phone] = client.post(client.form(phone, "balance", sid=sid))

    threads = [threading.Thread(target=deliver, args=(p,)) for p in (WORKER, STRANGER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers.values()) == [200, 409]
    with app.extensions["runtime"].sessions() as session:
        claimed = session.scalars(
            select(Person.phone)
            .join(InboundMessage, InboundMessage.person_id == Person.id)
            .where(InboundMessage.message_sid == sid)
        ).all()
    (winner,) = [phone for phone, answer in answers.items() if answer.status_code == 200]
    assert claimed == [winner]
    refused = next(a for a in answers.values() if a.status_code == 409)
    assert "$" not in refused.get_data(as_text=True)


# -- 7. Odd numbers in a signed status callback are a 400, not a 500 -------------------------


def status_callback(app, query, **fields):
    form = {
        "MessageSid": new_sid(),
        "MessageStatus": "undelivered",
        "AccountSid": "AC" + "1" * 32,
        **fields,
    }
    validator = RequestValidator(auth_token(app.extensions["runtime"]))
    signature = validator.compute_signature("http://localhost" + STATUS_PATH + query, form)
    return app.test_client().post(
        STATUS_PATH + query, data=form, headers={"X-Twilio-Signature": signature}
    )


@pytest.mark.parametrize(
    ("query", "fields", "named"),
    [
        ("?outbox=99999999999999999999999", {}, "outbox"),
        ("?outbox=9223372036854775808", {}, "outbox"),  # one past PostgreSQL's bigint
        ("?outbox=0", {}, "outbox"),
        ("", {"ErrorCode": "²"}, "ErrorCode"),
        ("", {"ErrorCode": "٣٠٠٠١"}, "ErrorCode"),  # digits, but not ASCII ones
        ("", {"ErrorCode": "99999999999999999999"}, "ErrorCode"),
        ("?outbox=1", {"ErrorCode": "30003x"}, "ErrorCode"),
    ],
)
def test_odd_numbers_in_a_signed_status_callback_get_a_400(app, query, fields, named):
    response = status_callback(app, query, **fields)
    assert response.status_code == 400
    assert named in response.get_data(as_text=True)
    assert count(app, DeliveryEvent) == 0


def test_a_status_callback_without_an_error_code_is_still_taken(app):
    assert status_callback(app, "?outbox=7").status_code == 204  # no such notice: ignored
    assert status_callback(app, "", ErrorCode="").status_code == 204


# -- 8. Twilio's retries of one message count once against the inbound limit ----------------


@pytest.fixture(params=["in-process", "redis"])
def limited(request, postgres_engine, tmp_path):
    """The app with room for 3 messages per 10 minutes from one number."""
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    if redis_url:
        forget_limits(redis_url)
    settings = Settings(
        database_url=postgres_engine.url.render_as_string(hide_password=False),
        redis_url=redis_url,
        spool_dir=str(tmp_path / "spool"),
        inbound_limit=(3, 600),
    )
    app = create_app(settings)
    app.extensions["runtime"].print_notices = False
    yield Twilio(app)
    app.extensions["runtime"].close()


def forget_limits(redis_url):
    """No counts left in the run's Redis by an earlier test (they share the numbers)."""
    client = Redis.from_url(redis_url)
    client.delete(limits.TRIPPED, *client.keys("limit:*"))
    client.close()


SLOW_DOWN = "You sent many messages at once. Please wait a while before texting again."


def test_twilio_retrying_one_message_uses_up_nothing_more(limited):
    sid = new_sid()
    first = limited.text(WORKER, "hi", sid=sid)
    assert "Benefits Fund" in first
    for _ in range(3):  # Twilio got no answer in time, and sends it again
        assert limited.text(WORKER, "hi", sid=sid) == first
    # Her allowance is what it was after one message: two more, then the polite answer.
    assert limited.text(WORKER, "1") not in ("", SLOW_DOWN)
    assert limited.text(WORKER, "yes") not in ("", SLOW_DOWN)
    assert limited.text(WORKER, "Maria") == SLOW_DOWN
    assert limited.text(WORKER, "Maria") == ""
    assert count(limited.app, InboundMessage) == 3


def test_a_retry_of_a_message_over_the_limit_stays_unprocessed(limited):
    for text in ("hi", "1", "yes"):
        limited.text(WORKER, text)
    sid = new_sid()
    assert limited.text(WORKER, "Maria", sid=sid) == SLOW_DOWN
    assert limited.text(WORKER, "Maria", sid=sid) == ""  # no second warning, no processing
    assert count(limited.app, InboundMessage) == 3


# -- 9. The record of limits reached keeps masked numbers, as the logs do --------------------


def test_the_record_of_limits_reached_holds_no_full_number(redis_url, postgres_engine, tmp_path):
    forget_limits(redis_url)
    settings = Settings(
        database_url=postgres_engine.url.render_as_string(hide_password=False),
        redis_url=redis_url,
        spool_dir=str(tmp_path / "spool"),
        inbound_limit=(1, 600),
    )
    app = create_app(settings)
    app.extensions["runtime"].print_notices = False
    twilio = Twilio(app)
    for _ in range(3):
        twilio.text(WORKER, "hi")  # one more than the limit: a flood
        twilio.text(STRANGER, "hi")
    app.extensions["runtime"].close()
    client = Redis.from_url(redis_url)
    members = [json.loads(m) for m in client.zrange(limits.TRIPPED, 0, -1)]
    client.close()
    assert {(m["phone"], m["limit"]) for m in members} == {
        (mask_phone(WORKER), "inbound"),
        (mask_phone(STRANGER), "inbound"),
    }
    stored = json.dumps(members)
    assert "2125550123" not in stored and "2125550188" not in stored


# -- 10. `benefits-bot limits` without Redis says where the counts are -----------------------


def run_limits(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}", "INBOUND_LIMIT": "7/60"}
    command = [str(BIN / "benefits-bot"), "limits", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_limits_without_redis_say_where_the_counts_live(tmp_path):
    result = run_limits(tmp_path)
    assert result.returncode == 0, result.stderr
    said = result.stdout
    assert "in its own memory" in said  # where the counts live
    assert "limit reached" in said and "/metrics" in said  # where to look instead
    assert "inbound: 7 messages per 60 s" in said  # the limits this process would apply
    assert "Traceback" not in result.stderr


def test_limits_without_redis_in_json_are_an_empty_list_and_a_note(tmp_path):
    result = run_limits(tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []  # nothing recorded that this command can read
    assert "in its own memory" in result.stderr
