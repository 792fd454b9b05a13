"""The declarative base every table shares, with constraint names Alembic can rely on."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import (
    DeclarativeBase,
    ORMExecuteState,
    Session,
    configure_mappers,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import instance_state

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


M = TypeVar("M", bound=Base)

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


def columns_of(model: type[Base]) -> tuple[Column[Any], ...]:
    """Every column of the model's table, in the order `attach` takes their values."""
    return tuple(model.__table__.columns)


class JoiningSession(Session):
    """A session whose objects read by Core statements (`attach`) join it only once it is used
    as an ORM: its first ORM statement, flush or `get`, or at the end of the transaction if
    one of them was changed (`bot.infra.db.run_on_connection`). A transaction that only reads
    them (a BALANCE) then never pays for the ORM's bookkeeping: no session transaction, no
    identity map, no unit of work. Until they join, their relationships cannot be loaded
    (DetachedInstanceError): read them after an ORM statement, or by a query of their own."""

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """Session.get, after the objects waiting have joined (it looks in the identity map
        first)."""
        join_waiting(self)
        return super().get(*args, **kwargs)


_WAITING = "orm.waiting"  # in Session.info: objects attached that have not joined yet
_JOINED = "orm.joined"  # in Session.info: they have (the session is in use as an ORM)


def attach(session: Session, model: type[M], values: Sequence[Any]) -> M:
    """The row whose column values (`columns_of(model)`, in order) a Core statement read, as
    the session's object, as if the session had loaded it: changes to it are flushed, nothing
    is read again. Building it costs a fraction of what loading it through the ORM does (the
    inbox reads its rows with one statement and no ORM: `bot.channel.inbox_sql`). In a
    `JoiningSession` not yet used as an ORM, it joins the session when the session is."""
    mapper = model.__mapper__
    keys = _attribute_keys(model)  # the primary key first
    identity_key = mapper.identity_key_from_primary_key([values[0]])
    identity = session.identity_map.get(identity_key)
    if identity is not None:  # already in the session: that one, as a query would answer
        return identity  # type: ignore[return-value]
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(zip(keys, values, strict=True))
    if model in _RELATIONSHIPS_LEFT:
        # What make_transient_to_detached does, less what it would do for nothing here: the
        # identity key is the one just looked up, and the attributes left unloaded are all
        # relationships (they load lazily once she joins a session; nothing listens for
        # their expiry), so marking them expired would change nothing.
        state = instance_state(instance)
        state.key = identity_key
        state._commit_all(state.dict)
    else:
        make_transient_to_detached(instance)
    if isinstance(session, JoiningSession) and not session.info.get(_JOINED):
        session.info.setdefault(_WAITING, []).append(instance)
    else:
        session.add(instance)
    return instance


def join_waiting(session: Session, if_changed: bool = False) -> None:
    """The objects `attach` keeps waiting join the session (`if_changed`: only if one of them
    was changed, for the session to write it); from now on `attach` adds them at once."""
    waiting = session.info.get(_WAITING, ())
    if if_changed and not any(instance_state(instance).modified for instance in waiting):
        return
    session.info[_JOINED] = True
    session.info.pop(_WAITING, None)
    for instance in waiting:
        if instance not in session:  # deleted meanwhile, it is in already: adding would undo it
            session.add(instance)  # nothing ORM ran before: no other object holds their identity


def used_as_orm(session: Session) -> bool:
    """Whether the session has been used as an ORM (its objects joined it, or one was added):
    else flushing or closing it has nothing to do. Asked twice per message, so it reads two
    flags rather than gathering the session's new, changed and deleted objects: in a
    `JoiningSession`, an object can only be changed or deleted once it is in the session, and
    it gets there by joining (an ORM statement, a flush, `get`), or by being added (a new
    object, or one from elsewhere), which `_added` notes."""
    info = session.info
    if not isinstance(session, JoiningSession):
        return bool(info.get(_JOINED) or session.new or session.dirty or session.deleted)
    return bool(info.get(_JOINED) or info.get(_ADDED))


_ADDED = "orm.added"  # in Session.info: an object was added to the session


@event.listens_for(JoiningSession, "transient_to_pending")
@event.listens_for(JoiningSession, "detached_to_persistent")
def _added(session: Session, _instance: Any) -> None:
    session.info[_ADDED] = True


@event.listens_for(JoiningSession, "do_orm_execute")
def _before_a_statement(state: ORMExecuteState) -> None:
    join_waiting(state.session)


@event.listens_for(JoiningSession, "before_flush")
def _before_a_flush(session: Session, _context: Any, _instances: Any) -> None:
    join_waiting(session)


_KEYS: dict[type[Base], tuple[str, ...]] = {}
# Models whose every attribute besides their columns is a relationship (`attach` then skips
# what only matters for a column left unloaded), with no listener of `expire`.
_RELATIONSHIPS_LEFT: set[type[Base]] = set()


def _attribute_keys(model: type[Base]) -> tuple[str, ...]:
    keys = _KEYS.get(model)
    if keys is None:
        configure_mappers()  # what a first query would do: relationships and attributes set up
        mapper = model.__mapper__
        columns = columns_of(model)
        if tuple(mapper.primary_key) != columns[:1]:
            raise TypeError(f"{model.__name__}: attach needs one primary key, its first column")
        keys = tuple(mapper.get_property_by_column(c).key for c in columns)
        manager = mapper.class_manager
        left = set(manager) - set(keys)
        if not manager.dispatch.expire and not any(
            manager[key].impl.accepts_scalar_loader for key in left
        ):
            _RELATIONSHIPS_LEFT.add(model)
        _KEYS[model] = keys
    return keys
