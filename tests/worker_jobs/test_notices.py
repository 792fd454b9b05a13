"""Notices end to end: inbound webhook -> outbox -> RQ -> the twilio client -> a fake Twilio."""

import json
from datetime import timedelta

from sqlalchemy import select, update

from bot.channel import outbox, sender
from bot.channel.whatsapp_templates import template_body
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.models import (
    ChannelConsent,
    DeliveryEvent,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    Person,
)
from tests.worker_jobs.conftest import Service
from worker_jobs import context

WORKER = "+12125550123"
HOUSEHOLD = "+12125550199"


def contribution(service: Service, worker=WORKER, household=HOUSEHOLD, amount="yes") -> None:
    """A worker joins, invites a household that accepts, reports a visit, the household pays."""
    for text in ("hi", "1", "yes", "Maria", f"add {household} Ana"):
        service.text(worker, text)
    service.text(household, "yes")
    service.text(worker, "done")
    service.text(household, amount)


def status_of(service: Service, kind: str) -> list[str]:
    return [n["status"] for n in service.notices() if n["kind"] == kind]


def test_a_receipt_goes_from_the_webhook_to_twilio_and_is_delivered(service):
    contribution(service)
    assert service.fake.sent == []  # nothing is sent inside the webhook request
    service.work()
    kinds = [n["kind"] for n in service.notices()]
    assert kinds == ["invitation", "invitation_answer", "visit_prompt", "receipt"]
    receipt = service.fake.to(WORKER)[-1]
    assert "Ana added $5.00" in receipt.body
    assert receipt.sender == "+15005550006"
    notice = service.notices()[-1]
    assert notice["status"] == "queued" and notice["twilio_sid"] == receipt.sid
    assert (
        receipt.status_callback
        == f"https://fund.example.org/webhooks/twilio/status?outbox={notice['id']}"
    )
    for status in ("sent", "delivered"):
        assert _status_callback(service, receipt, status).status_code == 204
    assert service.notices()[-1]["status"] == "delivered"


def _status_callback(service, receipt, status, code=None):
    form = {"MessageSid": receipt.sid, "MessageStatus": status, "AccountSid": "AC" + "a" * 32}
    if code:
        form["ErrorCode"] = str(code)
    signature = service.twilio.validator.compute_signature(receipt.status_callback, form)
    path = receipt.status_callback.removeprefix("https://fund.example.org")
    return service.twilio.client.post(
        path,
        data=form,
        headers={"X-Twilio-Signature": signature},
        base_url="https://fund.example.org",
    )


def test_late_callbacks_never_move_a_notice_back(service):
    contribution(service)
    service.work()
    receipt = service.fake.to(WORKER)[-1]
    _status_callback(service, receipt, "delivered")
    _status_callback(service, receipt, "sent")
    assert service.notices()[-1]["status"] == "delivered"


def test_an_undelivered_notice_stays_visible_with_its_error(service):
    contribution(service)
    service.work()
    receipt = service.fake.to(WORKER)[-1]
    _status_callback(service, receipt, "undelivered", code=30003)
    notice = service.notices()[-1]
    assert (notice["status"], notice["error_code"]) == ("undelivered", 30003)


def test_a_job_that_runs_twice_sends_once(service):
    contribution(service)
    service.work()
    ids = [n["id"] for n in service.notices()]
    for outbox_id in ids:  # the same jobs again, as after a lost acknowledgement
        sender.deliver(service.runtime, outbox_id)
    outbox.hand_over(service.runtime, ids)
    service.work()
    assert len(service.fake.sent) == 4


def test_a_worker_that_died_mid_send_does_not_send_twice(service):
    contribution(service)
    service.work()
    receipt_id = service.notices()[-1]["id"]
    # As if the worker died after Twilio took the text but before it recorded that.
    with service.runtime.sessions.begin() as session:
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == receipt_id)
            .values(
                status=OutboundStatus.SENDING,
                sending_at=utcnow() - timedelta(minutes=5),
                twilio_sid=None,
            )
        )
    assert outbox.sweep(service.runtime) == 1
    service.work()
    assert len(service.fake.to(WORKER)) == 2  # the answer notice and the receipt, once each
    assert service.notices()[-1]["status"] == "queued"


def test_a_stuck_send_that_never_reached_twilio_is_sent(service):
    contribution(service)
    with service.runtime.sessions.begin() as session:
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.kind == "receipt")
            .values(status=OutboundStatus.SENDING, sending_at=utcnow() - timedelta(minutes=5))
        )
    service.work()
    outbox.sweep(service.runtime)
    service.work()
    assert any("Ana added" in (m.body or "") for m in service.fake.to(WORKER))


def test_429_and_500_are_retried_with_backoff_then_sent(service):
    contribution(service)
    service.fake.fail_next(429, 20429)
    service.fake.fail_next(500)
    service.work()
    statuses = {n["kind"]: n["status"] for n in service.notices()}
    assert statuses["invitation"] == "pending"  # both failures hit the first notice
    for _ in range(3):
        outbox.sweep(service.runtime, now=utcnow() + timedelta(minutes=1))
        service.work()
    assert [n["status"] for n in service.notices()] == ["queued"] * 4
    assert len(service.fake.sent) == 4


def test_retries_are_bounded(service):
    contribution(service)
    service.fake.fail_next(500, times=20)
    service.work()
    for _ in range(6):
        outbox.sweep(service.runtime, now=utcnow() + timedelta(minutes=1))
        service.work()
    failed = [n for n in service.notices() if n["status"] == "failed"]
    assert failed and all(n["attempts"] == 4 for n in failed)  # the first try and three retries


def test_21610_marks_the_person_opted_out_and_is_not_retried(service):
    contribution(service)
    service.fake.fail_next(400, 21610)  # the invitation: the household had texted STOP at Twilio
    service.work()
    invitation = service.notices()[0]
    assert (invitation["status"], invitation["error_code"]) == ("failed", 21610)
    with service.runtime.sessions() as session:
        consent = session.scalars(select(ChannelConsent)).one()
    assert consent.opted_out and consent.channel == "sms"
    outbox.sweep(service.runtime, now=utcnow() + timedelta(hours=1))
    service.work()
    assert all("asks you" not in (m.body or "") for m in service.fake.to(HOUSEHOLD))


def test_opted_out_numbers_receive_nothing(service):
    contribution(service)
    service.work()
    service.text(WORKER, "STOP")
    before = len(service.fake.to(WORKER))
    assert service.text(WORKER, "hello") == ""  # no reply either
    service.text(WORKER, "done yesterday")
    service.text(HOUSEHOLD, "yes")
    service.work()
    assert len(service.fake.to(WORKER)) == before
    assert status_of(service, "receipt")[-1] == "suppressed"


def test_whatsapp_inside_the_window_is_free_form(service):
    contribution(service, worker=f"whatsapp:{WORKER}")
    service.work()
    receipt = service.fake.to(f"whatsapp:{WORKER}")[-1]
    assert receipt.sender == "whatsapp:+15005550007" and "Ana added" in receipt.body


def test_63016_falls_back_to_sms_without_a_template(service):
    for text in ("hi", "1", "yes", "Maria", f"add {HOUSEHOLD} Ana"):
        service.text(f"whatsapp:{WORKER}", text)
    service.work()  # the invitation goes to the household by SMS
    service.fake.fail_next(400, 63016)  # the next send: the answer, by WhatsApp
    service.text(HOUSEHOLD, "yes")
    service.work()
    outbox.sweep(service.runtime, now=utcnow() + timedelta(seconds=1))
    service.work()
    answer = next(n for n in service.notices() if n["kind"] == "invitation_answer")
    assert (answer["status"], answer["channel"]) == ("queued", "sms")
    assert any("accepted" in (m.body or "") for m in service.fake.to(WORKER))


def test_a_whatsapp_notice_sent_by_sms_after_all_drops_accents_to_save_a_segment(service):
    for text in ("hi", "5", "oo", "Maria", f"idagdag {HOUSEHOLD} Lucía Gómez"):
        service.text(f"whatsapp:{WORKER}", text)
    service.work()
    service.fake.fail_next(400, 63016)  # the answer, by WhatsApp: outside her window
    service.text(HOUSEHOLD, "yes")
    service.work()
    outbox.sweep(service.runtime, now=utcnow() + timedelta(seconds=1))
    service.work()
    answer = next(n for n in service.notices() if n["kind"] == "invitation_answer")
    written = "Pumayag po si Lucía Gómez! Pagkatapos ng bawat pasok, i-text ang TAPOS."
    assert answer["text"] == written  # kept as written for WhatsApp: 2 segments by SMS
    [by_sms] = [m for m in service.fake.to(WORKER) if "Pumayag" in (m.body or "")]
    assert by_sms.body == "Pumayag po si Lucia Gomez! Pagkatapos ng bawat pasok, i-text ang TAPOS."


def test_outside_the_window_a_configured_template_is_used(service, monkeypatch):
    content_sid = "HX" + "b" * 32
    monkeypatch.setenv("WHATSAPP_TEMPLATES", json.dumps({"receipt:en": content_sid}))
    # The template WhatsApp approved: what `benefits-bot whatsapp-templates` printed for it.
    service.fake.templates[content_sid] = template_body("receipt", "en")
    contribution(service, worker=f"whatsapp:{WORKER}")
    with service.runtime.sessions.begin() as session:  # her last WhatsApp message was days ago
        session.execute(update(InboundMessage).values(received_at=utcnow() - timedelta(days=3)))
    context.runtime.cache_clear()  # the worker reads the new setting
    service.work()
    receipt = service.fake.to(f"whatsapp:{WORKER}")[-1]
    assert receipt.content_sid == content_sid and "Ana added" in receipt.body
    # Each of the template's numbered variables gets its own value, so she reads the notice.
    assert json.loads(receipt.content_variables) == {"1": "Ana", "2": "$5.00", "3": "$5.00"}
    assert receipt.body == service.notices()[-1]["text"]


def test_a_notice_that_does_not_read_as_its_template_goes_by_sms(service, monkeypatch):
    """A declined invitation is not the accepted one the invitation_answer template says."""
    content_sid = "HX" + "c" * 32
    monkeypatch.setenv("WHATSAPP_TEMPLATES", json.dumps({"invitation_answer:en": content_sid}))
    service.fake.templates[content_sid] = template_body("invitation_answer", "en")
    for text in ("hi", "1", "yes", "Maria", f"add {HOUSEHOLD} Ana"):
        service.text(f"whatsapp:{WORKER}", text)
    service.work()  # her questions' replies went out with their buttons, in her window
    context.runtime().close()  # the worker's, made for that: it reads the templates anew below
    with service.runtime.sessions.begin() as session:
        session.execute(update(InboundMessage).values(received_at=utcnow() - timedelta(days=3)))
    context.runtime.cache_clear()
    service.text(HOUSEHOLD, "no")
    service.work()
    answer = next(n for n in service.notices() if n["kind"] == "invitation_answer")
    assert answer["channel"] == "sms"
    assert [m.content_sid for m in service.fake.to(WORKER)] == [None]
    assert "declined" in service.fake.to(WORKER)[0].body


def test_an_answer_lost_after_twilio_took_the_text_does_not_send_it_twice(service):
    contribution(service)
    service.fake.accept_then_fail(500)  # the invitation goes out, but we hear a 500
    service.work()
    invitation = service.notices()[0]
    assert invitation["status"] == "sending"  # unclear: look before sending again
    for _ in range(2):
        outbox.sweep(service.runtime, now=utcnow() + timedelta(minutes=1))
        service.work()
    invitations = [m for m in service.fake.to(HOUSEHOLD) if "asks you" in (m.body or "")]
    assert len(invitations) == 1
    assert service.notices()[0]["status"] == "queued"
    assert service.notices()[0]["twilio_sid"] == invitations[0].sid


def test_a_500_that_really_failed_is_sent_after_the_lookup(service):
    contribution(service)
    service.fake.fail_next(500)
    service.work()
    outbox.sweep(service.runtime, now=utcnow() + timedelta(minutes=1))
    service.work()
    assert len([m for m in service.fake.to(HOUSEHOLD) if "asks you" in (m.body or "")]) == 1
    assert [n["status"] for n in service.notices()] == ["queued"] * 4


def test_a_callback_before_an_unclear_answer_is_not_undone(service):
    contribution(service)
    service.work()
    receipt = service.fake.to(WORKER)[-1]
    notice_id = service.notices()[-1]["id"]
    _status_callback(service, receipt, "delivered")
    # Our own call for the same notice then times out: it must not move it back or resend.
    attempt = sender.Attempt(
        notice_id, WORKER, "+15005550006", receipt.body, None, None, False, None
    )
    outcome = sender.Outcome(transient=True, uncertain=True)
    run_in_transaction(
        service.runtime.sessions, lambda s: sender._settle(s, service.runtime, attempt, outcome)
    )
    outbox.sweep(service.runtime, now=utcnow() + timedelta(minutes=10))
    service.work()
    assert service.notices()[-1]["status"] == "delivered"
    assert len(service.fake.to(WORKER)) == 2  # the answer to the invitation and this receipt


def test_a_notice_over_her_daily_cap_is_suppressed_and_never_tried(service, monkeypatch):
    monkeypatch.setenv("DAILY_OUTBOUND_LIMIT", "2")
    context.runtime.cache_clear()  # the worker reads the new setting

    def write(session):
        person = Person(phone=WORKER, time_zone="America/New_York")
        session.add(person)
        session.flush()
        rows = [
            OutboundMessage(
                person_id=person.id, channel="sms", kind="receipt", language="en", body=body
            )
            for body in ("Ana added $5.00.", "Ana added $6.00.", "Ana added $7.00.")
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]

    outbox.hand_over(service.runtime, run_in_transaction(service.runtime.sessions, write))
    service.work()
    receipts = service.notices()
    assert [n["status"] for n in receipts] == ["queued", "queued", "suppressed"]
    assert receipts[-1]["attempts"] == 0  # claimed, counted, then capped: never tried
    assert [m.body for m in service.fake.to(WORKER)] == ["Ana added $5.00.", "Ana added $6.00."]
    with service.runtime.sessions() as session:
        events = session.scalars(
            select(DeliveryEvent.status).where(DeliveryEvent.outbound_id == receipts[-1]["id"])
        ).all()
    assert events == ["capped"]
