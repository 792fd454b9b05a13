"""Staff see on a worker's page how she is paid and every change she asked for by text: when,
from which channel and message, what became of it, and when it takes effect; the text that
carried her one-time code never shows the code."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from bot.infra.orm import utcnow
from bot.models import OutboundMessage, OutboundStatus, PayoutMethodChange
from tests.bot.dashboard.conftest import WORKER_PHONE, seed_fund
from tests.bot.webhook_client import Twilio, new_sid

SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


def code_sent(sessions) -> str:
    with sessions() as session:
        body = session.scalars(
            select(OutboundMessage.body)
            .where(OutboundMessage.kind == "payout_code")
            .order_by(OutboundMessage.id.desc())
        ).first()
    (code,) = SIX_DIGITS.findall(body)
    return code


def test_her_page_shows_each_change_with_its_time_channel_and_status(app, client, sessions):
    fund = seed_fund(sessions, reserve=False)
    page = f"/staff/workers/{fund.worker_id}"
    assert "She has not asked to change how she is paid." in client.get(page).get_data(
        as_text=True
    )
    twilio = Twilio(app)
    twilio.text(WORKER_PHONE, "payment")
    asked = new_sid()
    twilio.text(WORKER_PHONE, "bank", asked)
    pending_code = code_sent(sessions)
    with sessions() as session:  # as if the sender had not handed it over yet
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.kind == "payout_code")
            .values(status=OutboundStatus.PENDING)
        )
        session.commit()
    shown = client.get(page).get_data(as_text=True)
    assert "Pending" in shown and "Bank transfer" in shown and asked in shown
    assert "One-time code (hidden)" in shown and pending_code not in shown  # never shown
    twilio.text(WORKER_PHONE, "no")  # dropped
    twilio.text(WORKER_PHONE, "payment")
    twilio.text(WORKER_PHONE, "4")
    confirmed = new_sid()
    twilio.text(WORKER_PHONE, code_sent(sessions), confirmed)
    shown = client.get(page).get_data(as_text=True)
    assert "She chose: Card" in shown and "Payouts on hold until" in shown
    assert "Dropped by her" in shown and "Confirmed, payouts on hold" in shown
    assert "Bank transfer" in shown and confirmed in shown and "SMS" in shown
    assert "Takes effect" in shown and "Wrong codes" in shown
    assert pending_code not in shown


def test_the_page_is_translated(app, client, sessions):
    fund = seed_fund(sessions, reserve=False)
    twilio = Twilio(app)
    twilio.text(WORKER_PHONE, "payment")
    twilio.text(WORKER_PHONE, "1")
    twilio.text(WORKER_PHONE, "000000" if code_sent(sessions) != "000000" else "111111")
    page = f"/staff/workers/{fund.worker_id}"
    shown = client.get(page, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Cómo se le paga" in shown and "Códigos erróneos" in shown
    assert "Pendiente" in shown and "Código vencido" not in shown
    with sessions() as session:  # her code ran out while she did not answer
        expired = utcnow() - timedelta(minutes=1)
        session.execute(update(PayoutMethodChange).values(code_expires_at=expired))
        session.commit()
    shown = client.get(page, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Código vencido" in shown
