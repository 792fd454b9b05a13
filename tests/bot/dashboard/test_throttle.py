"""Throttling sign-ins: a guesser is slowed down, but cannot lock a staff member out."""

import dataclasses

import pytest

from bot.app import create_app
from bot.dashboard.throttle import MAX_PER_ACCOUNT
from bot.infra.config import ConfigError, Settings
from tests.bot.dashboard.conftest import EMAIL, PASSWORD, csrf_token

STRANGER, STAFF_DESK, PROXY = "203.0.113.5", "198.51.100.7", "10.0.0.2"
WRONG = "wrong password!!"


def sign_in_from(client, address, password, forwarded_for=None):
    """Post the sign-in form as a client at this address (or relayed by a proxy for it)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/staff/login",
        data={"email": EMAIL, "password": password, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


@pytest.fixture
def proxied_app(app):
    """The same dashboard, served behind one reverse proxy the fund trusts."""
    settings = dataclasses.replace(app.extensions["runtime"].settings, trusted_proxies=1)
    proxied = create_app(settings)
    proxied.extensions["runtime"].print_notices = False
    yield proxied
    proxied.extensions["runtime"].close()


def test_a_stranger_guessing_a_staff_password_does_not_lock_her_out(app, staff):
    guesser = app.test_client()
    for _ in range(MAX_PER_ACCOUNT):
        assert sign_in_from(guesser, STRANGER, WRONG).status_code == 401
    assert sign_in_from(guesser, STRANGER, PASSWORD).status_code == 429  # the guesser waits
    assert sign_in_from(app.test_client(), STAFF_DESK, PASSWORD).status_code == 303


def test_behind_a_trusted_proxy_each_visitor_has_her_own_count(proxied_app, staff):
    guesser = proxied_app.test_client()
    for _ in range(MAX_PER_ACCOUNT):
        assert sign_in_from(guesser, PROXY, WRONG, forwarded_for=STRANGER).status_code == 401
    assert sign_in_from(guesser, PROXY, PASSWORD, forwarded_for=STRANGER).status_code == 429
    staff_member = proxied_app.test_client()
    response = sign_in_from(staff_member, PROXY, PASSWORD, forwarded_for=STAFF_DESK)
    assert response.status_code == 303


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(app, staff):
    guesser = app.test_client()
    for number in range(MAX_PER_ACCOUNT):
        forged = f"192.0.2.{number}"
        assert sign_in_from(guesser, STRANGER, WRONG, forwarded_for=forged).status_code == 401
    blocked = sign_in_from(guesser, STRANGER, PASSWORD, forwarded_for="192.0.2.200")
    assert blocked.status_code == 429


def test_trusted_proxies_is_a_whole_number_and_none_by_default():
    assert Settings.from_env({}).trusted_proxies == 0
    assert Settings.from_env({"TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    for bad in ("-1", "one", "1.5"):
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            Settings.from_env({"TRUSTED_PROXIES": bad})
