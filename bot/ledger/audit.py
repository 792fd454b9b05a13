"""Recompute every account from its transfers and check the ledger's invariants."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from bot.ledger.models import (
    Account,
    AccountKind,
    LedgerRequest,
    Outcome,
    Phase,
    Transfer,
    TransferKind,
)
from bot.ledger.transfers import COUNTER_EFFECTS

PAYER_KINDS = frozenset({AccountKind.HOUSEHOLD, AccountKind.PLATFORM, AccountKind.PROGRAM})
COUNTERS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


@dataclass(frozen=True)
class Problem:
    """One broken invariant, naming the account (or transfer) it concerns."""

    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.detail}"


def recomputed_counters(session: Session) -> dict[int, dict[str, int]]:
    """Every account's four counters, summed from the transfers alone."""
    counters: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for side, column in (
        ("debits", Transfer.debit_account_id),
        ("credits", Transfer.credit_account_id),
    ):
        rows = session.execute(
            select(column, Transfer.phase, func.sum(Transfer.amount)).group_by(
                column, Transfer.phase
            )
        )
        for account_id, phase, total in rows:
            pending_sign, posted_sign = COUNTER_EFFECTS[phase]
            counters[account_id][f"{side}_pending"] += pending_sign * int(total)
            counters[account_id][f"{side}_posted"] += posted_sign * int(total)
    return counters


def check(session: Session) -> list[Problem]:
    """Return every broken invariant; an empty list means the ledger is sound."""
    problems: list[Problem] = []
    recomputed = recomputed_counters(session)
    totals = dict.fromkeys(COUNTERS, 0)
    for account in session.scalars(select(Account).order_by(Account.id)):
        expected = recomputed.get(account.id, dict.fromkeys(COUNTERS, 0))
        for counter in COUNTERS:
            stored = getattr(account, counter)
            totals[counter] += stored
            if stored != expected[counter]:
                problems.append(
                    Problem(
                        account.code,
                        f"{counter} is {stored}, its transfers sum to {expected[counter]}",
                    )
                )
        spent = account.debits_pending + account.debits_posted
        credited = account.credits_posted + account.credits_pending
        if account.debits_must_not_exceed_credits and spent > credited:
            problems.append(
                Problem(account.code, f"below zero: debits {spent} exceed credits {credited}")
            )
        if account.kind == AccountKind.CLEARING and (
            account.debits_pending or account.credits_pending
        ):
            problems.append(Problem(account.code, "real money is never pending"))
    for phase in ("pending", "posted"):
        if totals[f"debits_{phase}"] != totals[f"credits_{phase}"]:
            problems.append(
                Problem(
                    "ledger",
                    f"{phase} balances do not sum to zero: debits {totals[f'debits_{phase}']}, "
                    f"credits {totals[f'credits_{phase}']}",
                )
            )
    problems.extend(_orphans(session))
    problems.extend(_uncovered_collections(session))
    problems.extend(_stray_real_money(session))
    problems.extend(_over_refunded(session))
    return problems


def _stray_real_money(session: Session) -> list[Problem]:
    """Real money (payments in, refunds out) moves only between the fund's clearing account and
    a payer (a household, a platform, a program), and is never pending."""
    debit, credit = aliased(Account), aliased(Account)

    def between(fund: type[Account], payer: type[Account]) -> ColumnElement[bool]:
        return and_(fund.kind == AccountKind.CLEARING, payer.kind.in_(PAYER_KINDS))

    rows = session.execute(
        select(Transfer.id, Transfer.kind, Transfer.phase, debit.kind, credit.kind)
        .join(debit, debit.id == Transfer.debit_account_id)
        .join(credit, credit.id == Transfer.credit_account_id)
        .where(
            or_(
                and_(Transfer.kind == TransferKind.PAYMENT, ~between(debit, credit)),
                and_(Transfer.kind == TransferKind.REFUND, ~between(credit, debit)),
                and_(
                    Transfer.kind.in_((TransferKind.PAYMENT, TransferKind.REFUND)),
                    Transfer.phase != Phase.POSTED,
                ),
            )
        )
        .order_by(Transfer.id)
        .limit(10)
    )
    return [
        Problem(f"transfer {transfer_id}", f"{kind} ({phase}) from {debit_kind} to {credit_kind}")
        for transfer_id, kind, phase, debit_kind, credit_kind in rows
    ]


def _over_refunded(session: Session) -> list[Problem]:
    """No payer got back more than it paid in."""
    paid = _sums(session, TransferKind.PAYMENT, Transfer.credit_account_id)
    refunded = _sums(session, TransferKind.REFUND, Transfer.debit_account_id)
    codes = {
        account_id: code
        for account_id, code in session.execute(
            select(Account.id, Account.code).where(Account.id.in_(refunded))
        )
    }
    return [
        Problem(codes[account_id], f"refunded {total}, more than it paid ({paid_in})")
        for account_id, total in sorted(refunded.items())
        if total > (paid_in := paid.get(account_id, 0))
    ]


def _sums(
    session: Session, kind: TransferKind, column: InstrumentedAttribute[int]
) -> dict[int, int]:
    rows = session.execute(
        select(column, func.sum(Transfer.amount)).where(Transfer.kind == kind).group_by(column)
    )
    return {account_id: int(total) for account_id, total in rows}


def _uncovered_collections(session: Session) -> list[Problem]:
    """No household has pledges marked collected beyond the money it paid."""
    paid: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(Transfer.credit_account_id, func.sum(Transfer.amount))
        .where(Transfer.kind == TransferKind.PAYMENT)
        .group_by(Transfer.credit_account_id)
    )
    for account_id, total in rows:
        paid[account_id] = int(total)
    collected = session.execute(
        select(Account.code, Transfer.debit_account_id, func.sum(Transfer.amount))
        .join(Account, Account.id == Transfer.debit_account_id)
        .where(Transfer.kind == TransferKind.CONTRIBUTION, Transfer.phase == Phase.POST_PENDING)
        .group_by(Account.code, Transfer.debit_account_id)
    )
    return [
        Problem(code, f"pledges collected ({int(total)}) exceed payments ({paid[account_id]})")
        for code, account_id, total in collected
        if int(total) > paid[account_id]
    ]


def _orphans(session: Session) -> list[Problem]:
    """Every transfer answers exactly one applied request, and every applied request has one."""
    unclaimed = session.scalars(
        select(Transfer.id)
        .outerjoin(LedgerRequest, LedgerRequest.transfer_id == Transfer.id)
        .where(LedgerRequest.key.is_(None))
        .limit(10)
    ).all()
    empty = session.scalars(
        select(LedgerRequest.key)
        .where(LedgerRequest.outcome == Outcome.APPLIED, LedgerRequest.transfer_id.is_(None))
        .limit(10)
    ).all()
    return [Problem(f"transfer {tid}", "has no idempotency record") for tid in unclaimed] + [
        Problem(f"request {key!r}", "is applied but names no transfer") for key in empty
    ]
