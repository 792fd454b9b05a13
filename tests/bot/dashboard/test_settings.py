"""The dashboard's settings: the session key and whether its cookie needs HTTPS."""

import logging

import pytest

from bot.app import create_app
from bot.infra.config import ConfigError, Settings
from bot.ops import startup_warnings


def test_secure_cookies_follow_an_https_public_url_unless_set():
    assert not Settings.from_env({}).session_cookie_secure
    assert Settings.from_env({"PUBLIC_BASE_URL": "https://fund.example.org"}).session_cookie_secure
    assert not Settings.from_env(
        {"PUBLIC_BASE_URL": "https://fund.example.org", "SESSION_COOKIE_SECURE": "false"}
    ).session_cookie_secure
    assert Settings.from_env({"SESSION_COOKIE_SECURE": "1"}).session_cookie_secure
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        Settings.from_env({"SESSION_COOKIE_SECURE": "maybe"})


def test_the_secret_key_is_read_and_never_printed():
    settings = Settings.from_env({"SECRET_KEY": "s3cret-value-of-the-fund"})
    assert settings.secret_key == "s3cret-value-of-the-fund"
    assert "s3cret-value-of-the-fund" not in repr(settings)


def test_without_a_secret_key_the_app_warns_and_signs_with_a_process_key(sqlite_url, caplog):
    startup_warnings.forget()  # given once per process: perhaps by an earlier test's app
    with caplog.at_level(logging.WARNING, logger="bot.dashboard.web"):
        first = create_app(Settings(database_url=sqlite_url))
        second = create_app(Settings(database_url=sqlite_url))
    assert any("SECRET_KEY is not set" in record.message for record in caplog.records)
    assert first.secret_key and first.secret_key == second.secret_key  # one per process
    secure = create_app(Settings(database_url=sqlite_url, session_cookie_secure=True))
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    for app in (first, second, secure):
        app.extensions["runtime"].close()
