"""Who hears what the ledger answered: a hook for metrics, free of any metrics library.

`bot.infra.metrics` subscribes; the ledger stays free of it (import-linter keeps the ledger free of
the web, the queue and the rest of `bot`). An answer is announced once its transaction
commits, so a request rolled back, or retried whole by `bot.infra.db.run_in_transaction`, is heard
once; a conflict is announced at once, since the caller rolls its transaction back.
"""

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

Observer = Callable[[str, str], None]  # (operation, outcome)
POSTED, REJECTED, REPLAYED, CONFLICT = "posted", "rejected", "replayed", "conflict"

_observers: list[Observer] = []
_PENDING = "ledger_answers"  # the key in Session.info where uncommitted answers wait


def subscribe(observer: Observer) -> None:
    """Call `observer(operation, outcome)` for every ledger answer that is committed."""
    if not _observers:
        event.listen(Session, "after_commit", _announce_committed)
        event.listen(Session, "after_transaction_end", _forget_uncommitted)
    if observer not in _observers:
        _observers.append(observer)


def answered(session: Session, operation: str, outcome: str) -> None:
    """Note an answer; it is announced when the session's transaction commits."""
    if not _observers:
        return
    if outcome == CONFLICT:
        _announce(operation, outcome)
        return
    session.info.setdefault(_PENDING, []).append((operation, outcome))


def _announce_committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer one may still fail
        return
    for operation, outcome in session.info.pop(_PENDING, ()):
        _announce(operation, outcome)


def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _announce(operation: str, outcome: str) -> None:
    for observer in _observers:
        try:
            observer(operation, outcome)
        except Exception:  # counting must never break a money movement
            log.exception("ledger observer failed")
