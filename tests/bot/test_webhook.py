"""The inbound webhook: signatures, exactly-once processing, and bad input."""

import re
import threading
from urllib.parse import urlencode

import pytest
from flask import Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.test import EnvironBuilder

from bot.app import create_app
from bot.channel import webhook
from bot.infra.config import Settings
from bot.models import ChannelConsent, InboundMessage, OutboundMessage, Person
from bot.texting import texts
from conversations import messages as m
from conversations.talk import Say
from tests.bot.webhook_client import PATH, Twilio, new_sid, reply_of
from tests.readme import section

WORKER = "+12125550123"
HOUSEHOLD = "+12125550199"


@pytest.fixture
def make_app():
    apps = []

    def build(database_url, **overrides):
        app = create_app(Settings(database_url=database_url, **overrides))
        app.extensions["runtime"].print_notices = False
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["runtime"].close()


@pytest.fixture
def app(make_app, engine):
    return make_app(engine.url.render_as_string(hide_password=False))


@pytest.fixture
def twilio(app):
    return Twilio(app)


def count(app, model):
    with app.extensions["runtime"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def join(twilio, phone=WORKER, name="Maria"):
    for text in ("hi", "1", "yes", name):
        twilio.text(phone, text)


def test_the_library_test_vector_holds():
    validator = RequestValidator("12345")
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert validator.compute_signature(url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_a_stranger_gets_the_welcome_in_twiml(twilio):
    response = twilio.post(twilio.form(WORKER, "hello"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert "Benefits Fund" in response.get_data(as_text=True)


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "RSOYDt4T1cUTdK1PDd93/VVr8B8="])
def test_forged_or_missing_signatures_are_refused_and_change_nothing(app, twilio, signature):
    response = twilio.post(twilio.form(WORKER, "hello"), signature=signature)
    assert response.status_code == 403
    assert count(app, InboundMessage) == 0
    assert count(app, Person) == 0


def test_a_signature_for_other_content_is_refused(app, twilio):
    form = twilio.form(WORKER, "hello")
    signature = twilio.validator.compute_signature(twilio.base_url + PATH, form)
    response = twilio.post({**form, "Body": "STOP"}, signature=signature)
    assert response.status_code == 403
    assert count(app, InboundMessage) == 0


def test_unknown_fields_are_signed_too(twilio):
    form = twilio.form(WORKER, "hello", ProfileName="Maria", WaId="12125550123", SomethingNew="x")
    assert twilio.post(form).status_code == 200


def test_behind_a_proxy_the_public_url_is_what_twilio_signed(make_app, engine):
    app = make_app(
        engine.url.render_as_string(hide_password=False), public_base_url="https://fund.example.org"
    )
    proxied = Twilio(app)
    form = proxied.form(WORKER, "hello")
    public = proxied.validator.compute_signature("https://fund.example.org" + PATH, form)
    assert proxied.post(form, signature=public).status_code == 200
    internal = proxied.validator.compute_signature(
        "http://localhost" + PATH, proxied.form(WORKER, "x")
    )
    assert proxied.post(proxied.form(WORKER, "x"), signature=internal).status_code == 403


def test_a_replayed_request_gets_the_same_reply_and_no_second_effect(app, twilio):
    join(twilio)
    sid = new_sid()
    first = twilio.text(WORKER, f"add {HOUSEHOLD} Ana", sid=sid)
    again = twilio.text(WORKER, f"add {HOUSEHOLD} Ana", sid=sid)
    assert first == again and "Ana" in first
    assert count(app, OutboundMessage) == 1
    # The same words under a new MessageSid are a new message: she meant it twice.
    assert "already" in twilio.text(WORKER, f"add {HOUSEHOLD} Ana")


def test_whatsapp_and_sms_are_the_same_person_with_separate_opt_outs(app, twilio):
    twilio.text(WORKER, "hi")
    twilio.text(f"whatsapp:{WORKER}", "STOP")
    assert count(app, Person) == 1
    with app.extensions["runtime"].sessions() as session:
        consents = {(c.channel, c.opted_out) for c in session.scalars(select(ChannelConsent))}
    assert consents == {("whatsapp", True)}
    assert twilio.text(f"whatsapp:{WORKER}", "hello") == ""  # nothing to an opted-out number
    assert twilio.text(WORKER, "1") != ""  # SMS still works


def test_her_last_channel_is_the_one_she_wrote_on_last(app, twilio):
    # Notices go by it (texting.notices); her row is locked, not rewritten, when it is the same.
    def last_channel():
        with app.extensions["runtime"].sessions() as session:
            return session.scalars(select(Person.last_channel)).one()

    twilio.text(WORKER, "hi")
    assert last_channel() == "sms"
    twilio.text(f"whatsapp:{WORKER}", "1")
    assert last_channel() == "whatsapp"
    twilio.text(f"whatsapp:{WORKER}", "hello")
    assert last_channel() == "whatsapp"
    twilio.text(WORKER, "help")
    assert last_channel() == "sms"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("From", "not-a-number"),
        ("From", ""),
        ("From", "whatsapp:"),
        ("MessageSid", ""),
        ("MessageSid", "SM123"),
    ],
)
def test_malformed_requests_get_a_clean_400(app, twilio, field, value):
    form = twilio.form(WORKER, "hello")
    form[field] = value
    response = twilio.post(form)
    assert response.status_code == 400
    assert count(app, InboundMessage) == 0


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "\x00\x07\x1b",
        "😀😀😀",
        "x" * 1600,
        "é" * 2000,
        "BALANCE\n\n\n",
        "<Response>&amp;</Response>",
    ],
)
def test_odd_bodies_get_a_short_helpful_reply(twilio, body):
    join(twilio)
    reply = twilio.text(WORKER, body)
    assert reply
    assert len(reply) <= 320


def test_media_only_messages_are_answered(twilio):
    join(twilio)
    response = twilio.post(
        twilio.form(WORKER, "", NumMedia="1", MediaUrl0="https://example.org/a.jpg")
    )
    assert response.status_code == 200
    assert "text" in response.get_data(as_text=True)


def test_a_contribution_end_to_end_through_the_webhook(app, twilio):
    join(twilio)
    twilio.text(WORKER, f"ADD {HOUSEHOLD} Ana")
    assert "Maria" in twilio.text(HOUSEHOLD, "yes")
    assert "asked Ana" in twilio.text(WORKER, "done")
    assert "$5.00" in twilio.text(HOUSEHOLD, "YES")
    assert "$5.00" in twilio.text(WORKER, "balance")
    with app.extensions["runtime"].sessions() as session:
        kinds = list(session.scalars(select(OutboundMessage.kind).order_by(OutboundMessage.id)))
    assert kinds == ["invitation", "invitation_answer", "visit_prompt", "receipt"]


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_one_message_delivered_20_times_at_once_has_one_effect(make_app, engine):
    # 20 deliveries and 20 copies of one reply: above the flood and loop limits, on purpose.
    app = make_app(
        engine.url.render_as_string(hide_password=False),
        inbound_limit=(100, 600),
        identical_outbound_limit=(100, 3600),
    )
    twilio = Twilio(app)
    join(twilio)
    twilio.text(WORKER, f"ADD {HOUSEHOLD} Ana")
    twilio.text(HOUSEHOLD, "yes")
    twilio.text(WORKER, "done")
    replies = deliver_at_once(app, [twilio.form(HOUSEHOLD, "yes")] * 20)
    assert {status for status, _ in replies} == {200}
    assert len({body for _, body in replies}) == 1
    assert "$5.00" in replies[0][1]
    assert count(app, InboundMessage) == 8  # 4 to join, ADD, yes, done, and this one once
    with app.extensions["runtime"].sessions() as session:
        receipts = session.scalar(select(func.count()).where(OutboundMessage.kind == "receipt"))
    assert receipts == 1
    assert "$5.00" in twilio.text(WORKER, "balance")


def deliver_at_once(app, forms):
    """Post the forms from as many threads at the same instant; the answers' status and text."""
    barrier = threading.Barrier(len(forms))
    replies, errors = [], []

    def deliver(form):
        client = Twilio(app)
        barrier.wait()
        try:
            response = client.post(form)
            replies.append((response.status_code, response.get_data(as_text=True)))
        except Exception as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(replies) == len(forms)
    return replies


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_a_new_number_s_first_messages_at_once_make_one_person(make_app, engine):
    # Nobody has her row to lock yet: each message creates her or finds her just created.
    app = make_app(engine.url.render_as_string(hide_password=False), inbound_limit=(100, 600))
    twilio = Twilio(app)
    replies = deliver_at_once(app, [twilio.form(WORKER, "hi") for _ in range(12)])
    assert {status for status, _ in replies} == {200}
    assert count(app, Person) == 1
    assert count(app, InboundMessage) == 12


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_a_worker_s_messages_at_once_each_run_once_in_turn(make_app, engine):
    # Her row's lock queues them (SELECT ... FOR UPDATE, then the read after it): none fails,
    # none waits for ever, each is answered and stored once with the answer it got.
    app = make_app(engine.url.render_as_string(hide_password=False), inbound_limit=(100, 600))
    twilio = Twilio(app)
    join(twilio)
    forms = [twilio.form(WORKER, text) for text in ("balance", "history", "help") * 4]
    replies = deliver_at_once(app, forms)
    assert {status for status, _ in replies} == {200}
    assert count(app, InboundMessage) == 4 + 12  # 4 to join
    with app.extensions["runtime"].sessions() as session:
        stored = session.scalars(
            select(InboundMessage.reply).order_by(InboundMessage.id.desc()).limit(12)
        ).all()
    assert sorted(stored) == sorted(reply_of(body) for _, body in replies)
    assert "Your balance" in twilio.text(WORKER, "balance")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.text(max_size=300),
    sender=st.one_of(
        st.sampled_from([WORKER, HOUSEHOLD, f"whatsapp:{WORKER}"]),
        st.text(max_size=30),
        st.from_regex(r"\+1[2-9]\d{2}[2-9]\d{6}", fullmatch=True),
    ),
)
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_fuzzed_messages_never_get_a_500(twilio, body, sender):
    response = twilio.post(twilio.form(sender, body))
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]


def opted_out(app, phone=WORKER):
    with app.extensions["runtime"].sessions() as session:
        return {c.channel: c.opted_out for c in session.scalars(select(ChannelConsent))}


def test_cancelar_answers_an_open_question_and_opts_out_only_with_nothing_open(make_app, engine):
    """Where the fund lists CANCELAR (it is not in the default list)."""
    words = frozenset({"parar", "baja", "cancelar"})
    app = make_app(engine.url.render_as_string(hide_password=False), opt_out_words=words)
    twilio = Twilio(app)
    twilio.text(WORKER, "hola")
    twilio.text(WORKER, "2")  # Spanish: the terms, a YES/NO question
    not_joined = texts.render([Say(m.NOT_JOINED)], "es")
    assert twilio.text(WORKER, "CANCELAR") == not_joined  # NO to the terms
    assert opted_out(app) == {}
    assert "START" in twilio.text(WORKER, "CANCELAR")  # nothing open: the fund's opt-out word
    assert opted_out(app) == {"sms": True}
    assert twilio.text(WORKER, "hola") == ""  # nothing to an opted-out number


def test_the_fund_s_opt_out_words_come_from_the_setting(make_app, engine):
    app = make_app(
        engine.url.render_as_string(hide_password=False), opt_out_words=frozenset({"sair"})
    )
    twilio = Twilio(app)
    twilio.text(WORKER, "oi")
    assert twilio.text(WORKER, "PARAR") != ""  # not this fund's word
    assert opted_out(app) == {}
    assert "START" in twilio.text(WORKER, "Sair")
    assert opted_out(app) == {"sms": True}


def test_a_spanish_worker_s_new_household_is_invited_in_spanish(app, twilio):
    for text in ("hola", "2", "si", "Lucía", "agregar 212 555 0199 Señora Pérez"):
        twilio.text(WORKER, text)
    with app.extensions["runtime"].sessions() as session:
        invitation = session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == "invitation")
        ).one()
        household = session.scalars(select(Person).where(Person.phone == HOUSEHOLD)).one()
    assert invitation.language == "es" and household.language == "es"
    assert invitation.body.startswith("Lucia le pide")  # accents dropped: one segment fewer


@settings(max_examples=300, deadline=None)
@given(reply=st.one_of(st.none(), st.just(""), st.text(max_size=400)))
def test_the_twiml_is_what_the_twilio_library_writes(reply):
    # The webhook writes its one <Message> by hand; it must be the library's answer exactly,
    # XML's special characters, accents, emoji and line breaks included.
    expected = MessagingResponse()
    if reply:
        expected.message(reply)
    assert webhook.twiml(reply) == str(expected)


def test_the_twiml_escapes_what_xml_requires():
    assert webhook.twiml('Tom & Jerry <3 "YES"') == (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Response><Message>Tom &amp; Jerry &lt;3 "YES"</Message></Response>'
    )
    assert webhook.twiml(None) == '<?xml version="1.0" encoding="UTF-8"?><Response />'


@pytest.mark.parametrize(
    ("signed_over", "status"),
    [
        ("http://localhost/webhooks/twilio/messages", 200),  # the URL as it came
        ("http://localhost:80/webhooks/twilio/messages", 200),  # with its port: twilio's rule
        ("http://localhost:8080/webhooks/twilio/messages", 403),  # another URL
        ("https://localhost/webhooks/twilio/messages", 403),
    ],
)
def test_a_signature_over_the_url_with_or_without_its_port_is_accepted(twilio, signed_over, status):
    """The webhook tries the URL as it came first, then twilio's `validate` (with and
    without the port): it accepts what `validate` accepts, and nothing else."""
    form = twilio.form("+12125550123", "BALANCE")
    signature = RequestValidator(webhook.DEV_AUTH_TOKEN).compute_signature(signed_over, form)
    response = twilio.post(form, signature=signature)
    assert response.status_code == status


def test_the_webhook_opens_no_cookie_session(twilio):
    """Twilio's webhooks neither read nor set the staff's session cookie (the app opens no
    session for them); the dashboard still does (its own tests log in through one)."""
    form = twilio.form("+12125550123", "BALANCE")
    response = twilio.post(form)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=8).map(
            lambda pairs: urlencode(pairs).encode()
        ),
        st.lists(
            st.sampled_from(["a=1", "a=", "=b", "a", "%", "%zz", "%C3%A9", "%C3", "+", "&", ";"]),
            max_size=10,
        ).map(lambda parts: "&".join(parts).encode()),
    ),
    mimetype=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8"]
    ),
)
def test_the_posted_form_is_read_as_werkzeug_reads_it(body, mimetype):
    """The webhook parses Twilio's urlencoded body itself (`posted_form`): field for field,
    blank values, repeated names, bad escapes and bytes that are not UTF-8, what werkzeug's
    `request.form` holds."""
    environ = EnvironBuilder(
        method="POST", path=PATH, data=body, content_type=mimetype
    ).get_environ()
    ours = webhook.posted_form(Request(environ))
    environ = EnvironBuilder(
        method="POST", path=PATH, data=body, content_type=mimetype
    ).get_environ()
    assert list(ours.items(multi=True)) == list(Request(environ).form.items(multi=True))


def test_the_readme_names_the_development_token_a_request_is_signed_with(twilio):
    """A newcomer signs her own requests to `make run` with the token the README names."""
    named = re.search(r"local development token, `([^`]+)`", section("Conversations"))
    assert named is not None and named.group(1) == webhook.DEV_AUTH_TOKEN
    form = twilio.form("+12125550123", "BALANCE")
    url = "http://localhost/webhooks/twilio/messages"
    signature = RequestValidator(named.group(1)).compute_signature(url, form)
    assert twilio.post(form, signature=signature).status_code == 200
