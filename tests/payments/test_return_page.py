"""Back from Stripe Checkout, a household reads a small page in its own language, found from
the token of the link it was texted (no phone number in any address)."""

import re

from tests.payments.conftest import HOUSEHOLD

LANG = re.compile(r'<html lang="([\w-]+)">')


def checkout_addresses(fund) -> tuple[str, str]:
    """The household opens its texted link; Stripe is asked for a Checkout session: the
    addresses it will send the household back to."""
    fund.command("collections", "run")
    link = fund.notices(HOUSEHOLD, "payment_setup")[-1].split("http://localhost")[1].split()[0]
    assert fund.app.test_client().get(link).status_code == 303
    checkout = fund.stripe.calls("POST", "/v1/checkout/sessions")[-1]
    saved, cancelled = checkout["success_url"], checkout["cancel_url"]
    digits = HOUSEHOLD.removeprefix("+1")
    assert digits not in saved and digits not in cancelled  # never a number in an address
    return saved.removeprefix("http://localhost"), cancelled.removeprefix("http://localhost")


def test_the_page_says_the_method_is_saved_or_not_in_english(fund_with_stripe):
    fund = fund_with_stripe()
    fund.join_and_accept()
    saved, cancelled = checkout_addresses(fund)
    page = fund.app.test_client().get(saved)
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert LANG.search(body).group(1) == "en"
    assert "Your card or bank account is saved." in body and "Try again" not in body
    assert 'name="viewport"' in body  # made for a phone
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"  # the token stays here
    back = fund.app.test_client().get(cancelled)
    body = back.get_data(as_text=True)
    assert back.status_code == 200 and "Nothing was saved." in body
    again = re.search(r'<a class="button" href="([^"]+)">Try again</a>', body)
    assert again and saved.startswith(again.group(1))  # the texted link: a new Checkout
    assert fund.app.test_client().get(again.group(1)).status_code == 303
    unknown = fund.app.test_client().get("/pay/not-a-link-we-sent/saved")
    assert unknown.status_code == 404


def test_a_household_that_reads_spanish_gets_the_page_in_spanish(fund_with_stripe):
    fund = fund_with_stripe()
    fund.join_and_accept()
    assert "español" in fund.twilio.text(HOUSEHOLD, "espanol").lower()  # as people type it
    saved, cancelled = checkout_addresses(fund)
    body = fund.app.test_client().get(saved).get_data(as_text=True)
    assert LANG.search(body).group(1) == "es"
    assert "Su tarjeta o cuenta bancaria quedó guardada." in body
    assert "Fondo de Beneficios" in body
    body = fund.app.test_client().get(cancelled).get_data(as_text=True)
    assert "No se guardó nada." in body and ">Intentar de nuevo</a>" in body
