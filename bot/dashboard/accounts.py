"""Staff accounts: create, disable, change a password, end sessions, check a password.

No Flask here: the CLI and the login page share these. Functions take a session first and
never commit.
"""

import re
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.infra.orm import utcnow
from bot.models import StaffAccount

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # hashing a megabyte on every login attempt would be a gift to attackers
MAX_EMAIL = 254
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class StaffError(ValueError):
    """A staff account cannot be created or changed as asked; the message says why."""


def normalize_email(text: str) -> str:
    """The address as stored: trimmed and lower-cased; a malformed one is refused."""
    email = text.strip().lower()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        raise StaffError("that is not an email address")
    return email


def hash_password(password: str) -> str:
    """A salted scrypt hash (werkzeug's default parameters)."""
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise StaffError(f"a password has at most {MAX_PASSWORD} characters")
    return generate_password_hash(password, method="scrypt")


def find(session: Session, email: str) -> StaffAccount | None:
    """The account with this address, if any."""
    return session.scalar(select(StaffAccount).where(StaffAccount.email == email))


def create(session: Session, email: str, password: str) -> StaffAccount:
    """A new account; an address already taken is refused."""
    address = normalize_email(email)
    if find(session, address) is not None:
        raise StaffError(f"a staff account for {address} already exists")
    account = StaffAccount(email=address, password_hash=hash_password(password))
    session.add(account)
    session.flush()
    return account


def disable(session: Session, email: str) -> StaffAccount:
    """Stop the account from signing in (its open sessions end at their next request)."""
    account = find(session, normalize_email(email))
    if account is None:
        raise StaffError("no staff account has that address")
    if account.disabled_at is None:
        account.disabled_at = utcnow()
    end_sessions(account)
    return account


def set_password(session: Session, email: str, password: str) -> StaffAccount:
    """Give the account a new password; every session signed in before it ends."""
    account = find(session, normalize_email(email))
    if account is None:
        raise StaffError("no staff account has that address")
    account.password_hash = hash_password(password)
    end_sessions(account)
    return account


def end_sessions(account: StaffAccount) -> None:
    """Refuse every session cookie issued to the account so far (they carry the old version)."""
    account.session_version += 1


def verify(session: Session, email: str, password: str) -> StaffAccount | None:
    """The enabled account whose password this is, or None.

    An unknown address, a disabled account and a wrong password take the same time: the
    password is hashed against a dummy hash when there is no account to check it against."""
    try:
        address = normalize_email(email)
    except StaffError:
        address = None
    account = find(session, address) if address else None
    if account is None or len(password) > MAX_PASSWORD:
        check_password_hash(_dummy_hash(), password[:MAX_PASSWORD])
        return None
    if not check_password_hash(account.password_hash, password):
        return None
    return account if account.disabled_at is None else None


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not anyone's password", method="scrypt")
