"""API keys: issued once in clear, kept as a hash, found by a prefix, revocable.

A key reads `bbk_<prefix>_<secret>`: the 12-hex-digit prefix finds the row (it is safe to show
and to log), the 43-character secret carries 256 bits of randomness. Only the SHA-256 of the
whole key is stored; a high-entropy secret needs no slow password hash.
"""

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.orm import utcnow
from bot.models import Partner, PartnerKey

KEY = re.compile(r"^bbk_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
PREFIX = re.compile(r"^(?:bbk_)?(?P<prefix>[0-9a-f]{12})$")
# Compared against when the prefix is unknown, so a miss costs the same as a wrong secret.
NO_SUCH_HASH = hashlib.sha256(b"no such key").hexdigest()


class UnknownKey(LookupError):
    """No key has that prefix or id."""


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def shown_prefix(key: PartnerKey) -> str:
    """How a key is named on screen and in logs: `bbk_<prefix>`, never its secret."""
    return f"bbk_{key.prefix}"


def issue_key(session: Session, partner: Partner) -> str:
    """A new key for the partner; the clear text is returned once and never stored."""
    prefix = secrets.token_hex(6)
    key = f"bbk_{prefix}_{secrets.token_urlsafe(32)}"
    session.add(PartnerKey(partner_id=partner.id, prefix=prefix, secret_hash=hash_key(key)))
    session.flush()
    return key


def authenticate(session: Session, authorization: str | None) -> Partner | None:
    """The partner whose live key is in the `Authorization: Bearer <key>` header, if any."""
    scheme, _, key = (authorization or "").partition(" ")
    match = KEY.match(key.strip())
    if scheme.lower() != "bearer" or match is None:
        return None
    row = session.execute(
        select(PartnerKey.secret_hash, PartnerKey.revoked_at, Partner)
        .join(Partner, Partner.id == PartnerKey.partner_id)
        .where(PartnerKey.prefix == match["prefix"])
    ).one_or_none()
    stored = row.secret_hash if row is not None else NO_SUCH_HASH
    if not hmac.compare_digest(stored, hash_key(key.strip())) or row is None:
        return None
    return None if row.revoked_at is not None else row.Partner


def find_key(session: Session, prefix_or_id: str) -> PartnerKey:
    """A key by its prefix (with or without `bbk_`) or its id."""
    text = prefix_or_id.strip()
    by_prefix = PREFIX.match(text)
    key = None
    if by_prefix is not None:
        key = session.scalar(select(PartnerKey).where(PartnerKey.prefix == by_prefix["prefix"]))
    if key is None and text.isdigit() and len(text) < 19:
        key = session.get(PartnerKey, int(text))
    if key is None:
        raise UnknownKey(f"no key {text[:20]!r} (give its bbk_ prefix or its id)")
    return key


def revoke(session: Session, prefix_or_id: str) -> PartnerKey:
    """Revoke a key for good; revoking it again changes nothing."""
    key = find_key(session, prefix_or_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key
