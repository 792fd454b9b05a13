"""Signing out, disabling an account and changing its password end its sessions on the server.

A cookie copied before any of these (a shared computer, a stolen backup) is worth nothing
after them, although its signature and its 12 hours are still good.
"""

import os
import subprocess
import sys
from pathlib import Path

from tests.bot.dashboard.conftest import EMAIL, PASSWORD, post, sign_in

BENEFITS_BOT = Path(sys.executable).parent / "benefits-bot"  # this checkout's .venv
NEW_PASSWORD = "a brand new passphrase"


def saved_cookie(client):
    """The session cookie as a browser (or a thief) would keep it."""
    cookie = client.get_cookie("session", path="/")
    assert cookie is not None
    return cookie.value


def replay(app, cookie):
    """A new browser presenting the saved cookie: where does the dashboard send it?"""
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    return browser.get("/staff/")


def benefits_bot(engine, *arguments, stdin=None):
    """The real console command, on the test database."""
    database_url = engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [str(BENEFITS_BOT), *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(os.environ, DATABASE_URL=database_url, LOG_FORMAT="text"),
        check=False,
        timeout=60,
    )


def test_a_cookie_saved_before_signing_out_no_longer_signs_in(app, client):
    cookie = saved_cookie(client)
    assert replay(app, cookie).status_code == 200  # the copy works while she is signed in
    assert post(client, "/staff/logout").status_code == 303
    replayed = replay(app, cookie)
    assert replayed.status_code == 303
    assert replayed.headers["Location"].startswith("/staff/login")


def test_signing_in_again_after_signing_out_works(app, client):
    post(client, "/staff/logout")
    fresh = app.test_client()
    assert sign_in(fresh).status_code == 303
    assert fresh.get("/staff/").status_code == 200


def test_disabling_the_account_with_the_command_ends_a_saved_cookie(app, engine, client):
    cookie = saved_cookie(client)
    done = benefits_bot(engine, "staff", "disable", EMAIL)
    assert done.returncode == 0, done.stderr
    assert replay(app, cookie).status_code == 303


def test_a_new_password_ends_every_session_and_the_old_password(app, engine, client):
    cookie = saved_cookie(client)
    done = benefits_bot(engine, "staff", "password", EMAIL, "--password-stdin", stdin=NEW_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert f"{EMAIL}" in done.stdout and NEW_PASSWORD not in done.stdout + done.stderr
    assert replay(app, cookie).status_code == 303
    assert client.get("/staff/").status_code == 303
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 401
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 303


def test_a_new_password_for_no_account_or_too_short_is_refused_on_stderr(engine, staff):
    unknown = benefits_bot(
        engine, "staff", "password", "nobody@fund.example.org", "--password-stdin", stdin=PASSWORD
    )
    assert unknown.returncode == 1 and "no staff account" in unknown.stderr
    short = benefits_bot(engine, "staff", "password", EMAIL, "--password-stdin", stdin="short")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
