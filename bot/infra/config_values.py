"""Checks for the settings whose form is more than a number: URLs, senders, folders, secrets.

Each returns the value, or None when the variable is unset or empty, and raises ConfigError
with one sentence that names the variable and says what it expects.
"""

import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import phonenumbers
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# The dialect and driver each supported database is reached with (psycopg 3 for PostgreSQL;
# `bot.infra.config.database_url` rewrites postgres:// and postgresql:// to it).
DATABASE_DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",)}
REDIS_SCHEMES = ("redis", "rediss", "unix")
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
SHORT_CODE = re.compile(r"[0-9]{5,6}")
NO_SPACES = re.compile(r"[!-~]+")  # printable ASCII, no whitespace: what a pasted token is


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


def _raw(env: Mapping[str, str], name: str) -> str | None:
    return (env.get(name) or "").strip() or None


def checked_database_url(url: str) -> str:
    """The SQLAlchemy URL, if it names SQLite or PostgreSQL with a driver this service has."""
    expects = "DATABASE_URL must be sqlite:///path/to/file.sqlite3 or postgresql://user@host/db"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"{expects}, not {url[:40]!r}") from None
    drivers = DATABASE_DRIVERS.get(parsed.get_backend_name())
    if drivers is None or parsed.get_driver_name() not in drivers:
        raise ConfigError(f"{expects} (the service speaks no {parsed.drivername!r})")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = os.path.dirname(os.path.abspath(parsed.database))
        if not os.path.isdir(folder):
            raise ConfigError(f"DATABASE_URL names a SQLite file in {folder[:60]}: no such folder")
    return url


def redis_url(env: Mapping[str, str], name: str = "REDIS_URL") -> str | None:
    """A URL redis-py can connect to: redis://host:port/db, rediss://... or unix:///path."""
    raw = _raw(env, name)
    if raw is None:
        return None
    expects = f"{name} must be redis://host:port/db, rediss://... or unix:///path/to/socket"
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise ConfigError(f"{expects}: {raw[:40]!r} does not parse") from None
    if parts.scheme not in REDIS_SCHEMES:
        raise ConfigError(f"{expects}, not {raw[:40]!r}")
    database = parts.path.strip("/")
    if parts.scheme != "unix" and database and not database.isdecimal():
        raise ConfigError(f"{expects}; the database is a number, not {database[:20]!r}")
    if parts.scheme == "unix" and not parts.path:
        raise ConfigError(f"{expects}; a unix:// URL names the socket's path")
    return raw


def web_url(env: Mapping[str, str], name: str) -> str | None:
    """An http(s) URL with a host, without its trailing slash."""
    raw = _raw(env, name)
    if raw is None:
        return None
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{name} must be an http:// or https:// URL with a host, such as "
            f"https://fund.example.org, not {raw[:40]!r}"
        )
    return raw.rstrip("/")


def account_sid(env: Mapping[str, str], name: str = "TWILIO_ACCOUNT_SID") -> str | None:
    """A Twilio account SID: AC and 32 hexadecimal digits."""
    raw = _raw(env, name)
    if raw is not None and not ACCOUNT_SID.fullmatch(raw):
        raise ConfigError(f"{name} must be AC followed by 32 hexadecimal digits (Twilio console)")
    return raw


def token(
    env: Mapping[str, str], name: str, min_length: int = 1, *, one_word: bool = True
) -> str | None:
    """A secret, at least min_length long; one_word: printable, without spaces (a token
    pasted from a console or sent in a header), else any text (a passphrase will do)."""
    raw = _raw(env, name)
    if raw is None:
        return None
    if one_word and not NO_SPACES.fullmatch(raw):
        raise ConfigError(f"{name} must be one word of printable characters, without spaces")
    if len(raw) < min_length:
        raise ConfigError(f"{name} must be at least {min_length} characters long")
    return raw


def prefixed_secret(env: Mapping[str, str], name: str, prefixes: tuple[str, ...]) -> str | None:
    """A vendor's secret that starts the way the vendor writes them (sk_..., whsec_...)."""
    raw = token(env, name)
    if raw is not None and not raw.startswith(prefixes):
        raise ConfigError(f"{name} must start with {' or '.join(prefixes)} (from its console)")
    return raw


def sender(env: Mapping[str, str], name: str, short_code: bool) -> str | None:
    """The fund's number as Twilio expects it: +E.164 (or a short code for SMS), `whatsapp:`
    allowed in front."""
    raw = _raw(env, name)
    if raw is None:
        return None
    number = raw.removeprefix("whatsapp:")
    if short_code and SHORT_CODE.fullmatch(number):
        return raw
    if re.fullmatch(r"\+[0-9]{7,15}", number):
        try:
            if phonenumbers.is_possible_number(phonenumbers.parse(number)):
                return raw
        except phonenumbers.NumberParseException:
            pass
    also = " or a short code" if short_code else ""
    raise ConfigError(
        f"{name} must be a number in E.164 form such as +12125550123{also}, not {raw[:30]!r}"
    )


def folder(env: Mapping[str, str], name: str) -> str | None:
    """A path that is a folder or can become one (it may not exist yet)."""
    raw = _raw(env, name)
    if raw is not None and os.path.exists(raw) and not os.path.isdir(raw):
        raise ConfigError(f"{name} must name a folder, and {raw[:60]!r} is a file")
    return raw


def region(raw: str) -> str:
    """A two-letter region whose phone numbers the service can read."""
    if raw not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(
            f"DEFAULT_REGION must be a two-letter country code such as US, not {raw[:10]!r}"
        )
    return raw
