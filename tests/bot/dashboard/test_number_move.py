"""Staff move a worker to a new phone number from her page: everything of hers follows, both
numbers are told, the move is kept with its reason and check, and her payouts wait."""

from dataclasses import replace

from sqlalchemy import select

from bot import ledger
from bot.infra.runtime import Runtime
from bot.models import NumberMove, OutboundMessage, Person, Worker
from bot.ops import payout_runs
from tests.bot.dashboard.conftest import PAID_BY_CHECK, WORKER_PHONE, post, seed_fund
from tests.fake_payout_rail import FakePayoutRail

NEW_PHONE = "+12125550177"
MOVE = {"phone": "(212) 555-0177", "reason": "phone stolen", "identity_check": "ID at office"}


def test_a_move_keeps_her_account_tells_both_numbers_and_holds_payouts(app, client, sessions):
    fund = seed_fund(sessions)
    page = f"/staff/workers/{fund.worker_id}"
    moved = post(client, f"{page}/number", MOVE, page)
    assert moved.status_code == 303 and moved.headers["Location"] == page
    shown = client.get(page).get_data(as_text=True)
    assert "Her account now uses the new number. Both numbers are being told." in shown
    assert "phone stolen" in shown and "ID at office" in shown and "ana@fund.example.org" in shown
    app.extensions["runtime"].drain()
    with sessions() as session:
        worker = session.get(Worker, fund.worker_id)
        assert (worker.person_id, worker.person.phone) == (fund.person_id, NEW_PHONE)
        money = ledger.balance(session, fund.account_id)
        assert (money.posted_cents, money.pending_cents) == (15_000, 12_000)
        assert worker.payouts_held_until is not None
        [move] = session.scalars(select(NumberMove)).all()
        assert (move.old_phone, move.new_phone) == (WORKER_PHONE, NEW_PHONE)
        told = {
            person.phone: row.kind
            for row, person in session.execute(
                select(OutboundMessage, Person)
                .join(Person)
                .where(OutboundMessage.kind.in_(("number_moved", "number_moved_away")))
            )
        }
        assert told == {NEW_PHONE: "number_moved", WORKER_PHONE: "number_moved_away"}
        assert ledger.check(session) == []
    # During the hold no payout runs, by hand or by the rail.
    rail = FakePayoutRail()
    auto = Runtime(replace(app.extensions["runtime"].settings, payout_approval="auto"))
    try:
        assert payout_runs.send_due(auto, "p1", rail) == 0 and rail.starts == []
    finally:
        auto.close()
    paying = post(client, f"/staff/payouts/{fund.payout_id}/pay", PAID_BY_CHECK, "/staff/payouts")
    assert paying.status_code == 303
    assert "her payouts are on hold. Nothing changed." in client.get("/staff/payouts").get_data(
        as_text=True
    )


def test_a_move_without_reason_check_or_a_free_number_is_refused(client, sessions):
    fund = seed_fund(sessions)
    page = f"/staff/workers/{fund.worker_id}"
    for form, says in (
        ({**MOVE, "reason": " "}, "Say why, and how you checked who she is."),
        ({**MOVE, "identity_check": ""}, "Say why, and how you checked who she is."),
        ({**MOVE, "phone": "call me"}, "That is not a phone number."),
        ({**MOVE, "phone": WORKER_PHONE}, "already belongs to someone the fund knows, or is hers"),
    ):
        assert post(client, f"{page}/number", form, page).status_code == 303
        assert says in client.get(page).get_data(as_text=True)
    with sessions() as session:
        assert session.scalars(select(NumberMove)).all() == []
        assert session.get(Worker, fund.worker_id).person.phone == WORKER_PHONE
    assert post(client, "/staff/workers/999/number", MOVE, page).status_code == 404
