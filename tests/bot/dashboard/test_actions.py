"""Paying and voiding days off, and sending failed notices again: once, however often asked."""

from sqlalchemy import update

from bot import ledger
from bot.infra.db import run_in_transaction
from bot.models import Channel, OutboundMessage, OutboundStatus
from bot.texting import consent
from tests.bot.dashboard.conftest import PAID_BY_CHECK, outbox, post, seed_fund


def flashes(client, path="/staff/payouts"):
    return client.get(path).get_data(as_text=True)


def test_paying_posts_the_ledger_and_writes_her_notice_once(app, client, sessions):
    fund = seed_fund(sessions)
    first = post(client, f"/staff/payouts/{fund.payout_id}/pay", PAID_BY_CHECK, "/staff/payouts")
    assert first.status_code == 303 and first.headers["Location"] == "/staff/payouts"
    assert "is paid. The worker is being told." in flashes(client)
    again = post(client, f"/staff/payouts/{fund.payout_id}/pay", PAID_BY_CHECK, "/staff/payouts")
    assert again.status_code == 303
    assert "This day off was paid before. Nothing changed." in flashes(client)
    app.extensions["runtime"].drain()
    with sessions() as session:
        money = ledger.balance(session, fund.account_id)
        assert (money.posted_cents, money.pending_cents) == (3_000, 0)
        assert ledger.check(session) == []
    paid = [n for n in outbox(sessions) if n.kind == "day_off_paid"]
    assert len(paid) == 1 and "$120.00" in paid[0].body
    assert paid[0].status == OutboundStatus.RECORDED  # no Twilio credentials: recorded


def test_voiding_needs_a_reason_and_frees_her_money(app, client, sessions):
    fund = seed_fund(sessions)
    missing = post(client, f"/staff/payouts/{fund.payout_id}/void", {"reason": "  "})
    assert missing.status_code == 303
    assert "Say why the day off will not be paid." in flashes(client)
    voided = post(
        client,
        f"/staff/payouts/{fund.payout_id}/void",
        {"reason": '=HYPERLINK("x") she was paid in cash', "worker": str(fund.worker_id)},
    )
    assert voided.headers["Location"] == f"/staff/workers/{fund.worker_id}"
    paying = post(client, f"/staff/payouts/{fund.payout_id}/pay", PAID_BY_CHECK)
    assert paying.status_code == 303
    assert "This day off was voided before. Nothing changed." in flashes(client)
    twice = post(client, f"/staff/payouts/{fund.payout_id}/void", {"reason": "another reason"})
    assert twice.status_code == 303
    assert "This day off was voided before. Nothing changed." in flashes(client)
    app.extensions["runtime"].drain()
    with sessions() as session:
        money = ledger.balance(session, fund.account_id)
        assert (money.posted_cents, money.available_cents) == (15_000, 15_000)
    assert [n.kind for n in outbox(sessions)].count("day_off_voided") == 1


def test_an_unknown_payout_is_a_404(client, sessions):
    fund = seed_fund(sessions)
    assert post(client, "/staff/payouts/999/pay", PAID_BY_CHECK).status_code == 404
    # a transfer that is not a reserved day off (a contribution) is no payout either
    with sessions() as session:
        contribution = ledger.history(session, fund.account_id, limit=10)[-1].transfer_id
    assert post(client, f"/staff/payouts/{contribution}/pay", PAID_BY_CHECK).status_code == 404


def test_a_failed_notice_is_sent_again_as_one_new_notice(app, client, sessions):
    fund = seed_fund(sessions, reserve=False)
    path = f"/staff/messages/{fund.failed_notice_id}/resend"
    first = post(client, path, page="/staff/messages")
    assert first.status_code == 303 and first.headers["Location"] == "/staff/messages"
    page = flashes(client, "/staff/messages")
    assert "is on its way again" in page
    assert post(client, path, page="/staff/messages").status_code == 303  # a double click
    assert "was already sent again" in flashes(client, "/staff/messages")
    app.extensions["runtime"].drain()
    rows = outbox(sessions)
    assert len(rows) == 2
    original, resent = rows
    assert resent.body == original.body and resent.kind == original.kind
    assert resent.dedupe_key == f"resend:{original.id}"
    assert resent.status == OutboundStatus.RECORDED
    assert original.status == OutboundStatus.FAILED  # its history stays as it was
    assert f"Sent again as #{resent.id}." in flashes(client, "/staff/messages")


def test_a_notice_to_someone_who_said_stop_is_not_sent_again(client, sessions):
    fund = seed_fund(sessions, reserve=False)
    run_in_transaction(
        sessions, lambda s: consent.record(s, fund.person_id, Channel.SMS, opted_out=True)
    )
    post(client, f"/staff/messages/{fund.failed_notice_id}/resend")
    assert "nothing was sent" in flashes(client, "/staff/messages")
    assert outbox(sessions)[-1].status == OutboundStatus.SUPPRESSED


def test_only_failed_or_undelivered_notices_are_sent_again(client, sessions):
    fund = seed_fund(sessions, reserve=False)

    def delivered(session):
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == fund.failed_notice_id)
            .values(status=OutboundStatus.DELIVERED)
        )

    run_in_transaction(sessions, delivered)
    post(client, f"/staff/messages/{fund.failed_notice_id}/resend")
    assert "Only failed or undelivered messages" in flashes(client, "/staff/messages")
    assert len(outbox(sessions)) == 1
    assert post(client, "/staff/messages/999/resend").status_code == 404
