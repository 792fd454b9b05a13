"""The declarative base every table shares, with constraint names Alembic can rely on."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model; one metadata for the whole schema."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # SQLite only auto-numbers a primary key declared INTEGER, so 64-bit ids use a variant.
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        int: BigInteger().with_variant(Integer(), "sqlite"),
        datetime: DateTime(timezone=True),
    }


# Set only by `replaying_at`: `benefits-bot demo` writes three months of history, each row
# stamped with the moment it stands for.
_REPLAYED_NOW: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (stored timestamps are always UTC)."""
    return _REPLAYED_NOW.get() or datetime.now(UTC)


@contextmanager
def replaying_at(moment: datetime) -> Iterator[None]:
    """Within the block, `utcnow()` (and every timestamp written through it) is `moment`."""
    token = _REPLAYED_NOW.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _REPLAYED_NOW.reset(token)


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC datetime (SQLite hands them back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def upsert_insert(session: Session) -> Callable[..., Any]:
    """The dialect's INSERT, which has ON CONFLICT (PostgreSQL and SQLite both do)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
