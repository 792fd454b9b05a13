"""Warnings about settings that suit a laptop but not a server, each logged once.

gunicorn's master logs them before it forks; its workers inherit the memory of that and stay
quiet, so `serve` with four workers says each thing once, not four times. Commands that serve
nobody (`chat`) do not call this at all.
"""

import logging

from bot.infra.config import Settings

_given: set[str] = set()  # the warnings this process (or the master it was forked from) gave

UNSIGNED_WEBHOOKS = (
    "TWILIO_AUTH_TOKEN is not set: webhook signatures are checked against the LOCAL "
    "DEVELOPMENT token. Never expose this server to the internet like this."
)
SESSIONS_PER_PROCESS = (
    "SECRET_KEY is not set: staff sessions are signed with a random key of this "
    "process and end when it stops. Set SECRET_KEY before serving the dashboard."
)


def for_server(settings: Settings) -> None:
    """Log what makes a server on these settings unfit for the internet, once per process."""
    if settings.twilio_auth_token is None:
        _once("bot.app", UNSIGNED_WEBHOOKS)
    if settings.secret_key is None:
        _once("bot.dashboard.web", SESSIONS_PER_PROCESS)


def forget() -> None:
    """Let every warning be given again (a test that checks one is given)."""
    _given.clear()


def _once(logger: str, message: str) -> None:
    if message not in _given:
        _given.add(message)
        logging.getLogger(logger).warning(message)
