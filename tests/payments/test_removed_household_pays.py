"""A household the worker removed while it still owed for her visits is still asked to pay
(its payment link, then the charge), and one that owes nothing is not."""

from tests.payments.conftest import HOUSEHOLD, WORKER


def test_a_removed_household_that_owes_gets_its_link_and_is_charged(fund_with_stripe):
    fund = fund_with_stripe()
    fund.join_and_accept()
    fund.visits()
    assert "It still has $15.00 to pay" in fund.twilio.text(WORKER, "remove 1")
    assert "Ana is off your list." in fund.twilio.text(WORKER, "yes")
    assert "1 payment link(s) texted" in fund.command("collections", "run").stdout
    assert fund.notices(HOUSEHOLD, "payment_setup")
    fund.save_method()
    assert "1 charge(s) asked for" in fund.command("collections", "run").stdout
    fund.ledger_is_sound()


def test_a_removed_household_that_owes_nothing_gets_no_link(fund_with_stripe):
    fund = fund_with_stripe()
    fund.join_and_accept()
    assert fund.twilio.text(WORKER, "remove 1").endswith("Reply YES or NO.")
    fund.twilio.text(WORKER, "yes")
    assert "0 payment link(s) texted" in fund.command("collections", "run").stdout
