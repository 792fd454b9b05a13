"""An account's counters already read in this transaction, so that a balance needs no second read.

A caller that read an account's counters in a statement of its own (the inbox reads them with
everything else it reads once the person texting is locked) hands them over with `remember`;
`bot.ledger.reads.balance` then answers from them instead of reading them again, until the
ledger writes: every write of counters goes through `bot.ledger.transfers.submit`, which
forgets them first. They are kept for the session's current transaction only.
"""

from typing import Any

from sqlalchemy.orm import Session

_KEY = "ledger.known_counters"  # in Session.info: (transaction, {account id: counters})

# debits_pending, debits_posted, credits_pending, credits_posted: as bot.ledger.reads reads them
Counters = tuple[int, int, int, int]


def remember(session: Session, account_id: int, counters: Counters) -> None:
    """The account's counters, read in the session's current transaction."""
    session.info[_KEY] = (session.get_transaction(), {account_id: counters})


def recall(session: Session, account_id: int) -> Counters | None:
    """The counters remembered for the account in this transaction, if nothing wrote since."""
    known: tuple[Any, dict[int, Counters]] | None = session.info.get(_KEY)
    if known is None or known[0] is not session.get_transaction():
        return None
    return known[1].get(account_id)


def forget(session: Session) -> None:
    """The ledger is about to write: whatever was remembered may no longer hold."""
    session.info.pop(_KEY, None)
