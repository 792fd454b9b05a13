"""A small fund for ledger tests: workers, contributors, the payouts account and an insurer."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import ledger
from bot.ledger import AccountKind


@dataclass(frozen=True)
class Fund:
    workers: tuple[int, ...]
    households: tuple[int, ...]
    platform: int
    program: int
    payouts: int
    insurer: int

    @property
    def contributors(self) -> tuple[int, ...]:
        return (*self.households, self.platform, self.program)


def open_fund(sessions: sessionmaker[Session], workers: int = 2) -> Fund:
    with sessions.begin() as session:
        return Fund(
            workers=tuple(
                ledger.open_account(session, AccountKind.WORKER, f"worker:{n}")
                for n in range(workers)
            ),
            households=tuple(
                ledger.open_account(session, AccountKind.HOUSEHOLD, f"household:{n}")
                for n in range(2)
            ),
            platform=ledger.open_account(session, AccountKind.PLATFORM, "platform:cleanly"),
            program=ledger.open_account(session, AccountKind.PROGRAM, "program:state"),
            payouts=ledger.open_account(session, AccountKind.PAYOUTS, "fund:payouts"),
            insurer=ledger.open_account(session, AccountKind.INSURER, "insurer:life"),
        )


def row_counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """How many transfers and idempotency records exist."""
    with sessions() as session:
        transfers = session.scalar(select(func.count()).select_from(ledger.Transfer))
        requests = session.scalar(select(func.count()).select_from(ledger.LedgerRequest))
    return transfers or 0, requests or 0
