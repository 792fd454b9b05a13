"""Signing in: every page behind it, hashed passwords, CSRF, cookies, throttling, sign-out."""

import time

import pytest
from flask import url_for
from sqlalchemy import select

from bot.dashboard import accounts, web
from bot.dashboard.throttle import MAX_PER_ACCOUNT
from bot.infra.db import run_in_transaction
from bot.models import StaffAccount
from tests.bot.dashboard.conftest import EMAIL, PASSWORD, csrf_token, post, sign_in

PUBLIC = {"dashboard.login", "dashboard.language", "dashboard.static"}


def dashboard_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("dashboard.")]


def example_url(app, rule):
    """The rule's URL with 1 for each argument (an int, or a string, converter takes it)."""
    with app.test_request_context():
        return url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1))


def test_only_the_sign_in_page_its_language_switch_and_css_are_public(app):
    assert {rule.endpoint for rule in dashboard_rules(app)} >= PUBLIC
    assert web.PUBLIC_ENDPOINTS == PUBLIC


def test_every_dashboard_route_refuses_an_anonymous_visitor(app, staff):
    """Enumerates the app's url_map, so a route added later cannot escape the guard."""
    client = app.test_client()
    checked = []
    for rule in dashboard_rules(app):
        if rule.endpoint in PUBLIC:
            continue
        url = example_url(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"reason": "x"})
            assert response.status_code == 303, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/staff/login"), (method, url)
            checked.append((method, rule.endpoint))
    endpoints = {endpoint for _method, endpoint in checked}
    assert {"dashboard.overview_page", "dashboard.pay", "dashboard.ledger_csv"} <= endpoints
    assert ("POST", "dashboard.logout") in checked


def test_an_anonymous_page_visit_comes_back_after_signing_in(app, staff):
    client = app.test_client()
    response = client.get("/staff/payouts")
    assert response.headers["Location"] == "/staff/login?next=/staff/payouts"
    signed = sign_in(client, next="/staff/payouts")
    assert signed.status_code == 303 and signed.headers["Location"] == "/staff/payouts"


@pytest.mark.parametrize(
    "target", ["//evil.example/staff/", "https://evil.example/", "/staff//evil", "/\\evil", "/x"]
)
def test_next_never_leads_off_the_dashboard(app, staff, target):
    response = sign_in(app.test_client(), next=target)
    assert response.headers["Location"] == "/staff/"


def test_passwords_are_stored_as_scrypt_hashes(sessions, staff):
    with sessions() as session:
        account = session.scalar(select(StaffAccount))
    assert account.email == EMAIL
    assert account.password_hash.startswith("scrypt:") and PASSWORD not in account.password_hash


def test_the_session_cookie_is_httponly_samesite_and_lasts_a_working_day(app, staff):
    response = sign_in(app.test_client())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # plain http in tests; see test_settings for https
    assert app.permanent_session_lifetime == web.SESSION_LIFETIME


@pytest.mark.parametrize(
    ("email", "password"),
    [(EMAIL, "wrong password!!"), ("nobody@fund.example.org", PASSWORD), ("not an email", "x")],
)
def test_a_wrong_address_or_password_gets_one_answer(app, staff, email, password):
    response = sign_in(app.test_client(), email=email, password=password)
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)


def test_the_last_sign_in_is_recorded(app, sessions, staff):
    sign_in(app.test_client())
    with sessions() as session:
        assert session.scalar(select(StaffAccount.last_login_at)) is not None


def test_a_disabled_account_cannot_sign_in_and_its_open_session_ends(app, sessions, client):
    assert client.get("/staff/").status_code == 200
    run_in_transaction(sessions, lambda s: accounts.disable(s, EMAIL))
    assert client.get("/staff/").status_code == 303  # its next click
    assert sign_in(app.test_client()).status_code == 401


def test_a_session_past_its_lifetime_is_over(client):
    with client.session_transaction() as session:
        session["since"] = int(time.time() - web.SESSION_LIFETIME.total_seconds() - 60)
    assert client.get("/staff/").status_code == 303


def test_forms_without_the_csrf_token_are_refused(app, staff, client):
    anonymous = app.test_client()
    refused = anonymous.post("/staff/login", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 400 and "expired" in refused.get_data(as_text=True)
    response = client.post("/staff/logout")
    assert response.status_code == 400
    assert client.post("/staff/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/staff/").status_code == 200  # still signed in


def test_sign_out_is_a_post_and_ends_the_session(client):
    assert client.get("/staff/logout").status_code == 405
    response = post(client, "/staff/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/login"
    assert client.get("/staff/").status_code == 303


def test_guessing_is_throttled_per_address(app, staff):
    client = app.test_client()
    for _ in range(MAX_PER_ACCOUNT):
        assert sign_in(client, password="wrong password!!").status_code == 401
    blocked = sign_in(client)  # even the right password, until the window passes
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.get_data(as_text=True)


def test_pages_carry_security_headers_and_are_not_cached(client):
    response = client.get("/staff/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    with client.get("/staff/static/dashboard.css") as stylesheet:
        assert stylesheet.status_code == 200
        assert stylesheet.headers.get("Cache-Control") != "no-store"


def test_the_webhooks_are_not_asked_for_a_csrf_token(app):
    """CSRF is the dashboard's: Twilio's signed posts must not be refused for lack of one."""
    response = app.test_client().post("/webhooks/twilio/messages", data={"Body": "hi"})
    assert response.status_code == 403  # the signature check answers, not CSRF's 400


def test_the_login_page_has_a_token_and_no_session_data(app):
    client = app.test_client()
    assert csrf_token(client)
    with client.session_transaction() as session:
        assert "staff_id" not in session
