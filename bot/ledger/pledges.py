"""Money households promise and money that really arrives: pledges, payments and refunds.

A household's confirmed contribution is a pledge: a pending transfer from the household to the
worker (TigerBeetle's two-phase transfer). It counts in her balance but is not hers to spend
until it is collected (posted), except what the fund chooses to advance. Real money is a
separate, posted transfer between the fund's clearing account and the contributor: a payment
in, a refund or lost dispute back out. A pledge is collected only against a payment, so a
household's collected pledges never exceed what it paid (`bot.ledger.audit` checks it).
"""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.ledger.models import Account, AccountKind, Phase, Transfer, TransferKind
from bot.ledger.operations import WORKER, resolve
from bot.ledger.transfers import Plan, TransferResult, check_amount, check_memo, submit

HOUSEHOLD = frozenset({AccountKind.HOUSEHOLD})
PAYERS = frozenset({AccountKind.HOUSEHOLD, AccountKind.PLATFORM, AccountKind.PROGRAM})
CLEARING = frozenset({AccountKind.CLEARING})


def pledge(
    session: Session,
    *,
    key: str,
    household_account_id: int,
    worker_account_id: int,
    amount_cents: int,
    reference: str | None = None,
) -> TransferResult:
    """Record a household's confirmed contribution as owed to the worker (pending)."""
    call = {
        "contributor": household_account_id,
        "worker": worker_account_id,
        "amount": check_amount(amount_cents),
        "reference": reference,
    }
    plan = Plan(
        operation="pledge",
        kind=TransferKind.CONTRIBUTION,
        phase=Phase.PENDING,
        debit_account_id=household_account_id,
        credit_account_id=worker_account_id,
        amount=amount_cents,
        debit_kinds=HOUSEHOLD,
        credit_kinds=WORKER,
        memo=check_memo({"reference": reference}),
    )
    return submit(session, key, call, plan)


def collect_pledge(session: Session, *, key: str, pledge_transfer_id: int) -> TransferResult:
    """Mark a pledge collected: the money is the worker's to spend. At most once per pledge."""
    return resolve(
        session, key, pledge_transfer_id, Phase.POST_PENDING, None, kind=TransferKind.CONTRIBUTION
    )


def receive_payment(
    session: Session,
    *,
    key: str,
    clearing_account_id: int,
    payer_account_id: int,
    amount_cents: int,
    reference: str,
    recorded_by: str | None = None,
) -> TransferResult:
    """Record real money in from a household or partner (a settled charge, cash, a check).

    `recorded_by` (a staff email, "cli") is kept in the memo, not in what a repeat must match:
    the same payment recorded again from another place is still the same payment."""
    plan = _cash_plan(
        TransferKind.PAYMENT, clearing_account_id, payer_account_id, amount_cents, reference
    )
    call = _cash_call(plan)
    if recorded_by is not None:
        plan = replace(plan, memo=check_memo({**plan.memo, "recorded_by": recorded_by[:200]}))
    return submit(session, key, call, plan)


def return_payment(
    session: Session,
    *,
    key: str,
    clearing_account_id: int,
    payer_account_id: int,
    amount_cents: int,
    reference: str,
) -> TransferResult:
    """Record money going back to a payer (a refund, a lost dispute): the payer owes it again."""
    plan = _cash_plan(
        TransferKind.REFUND, payer_account_id, clearing_account_id, amount_cents, reference
    )
    return submit(session, key, _cash_call(plan), plan)


def _cash_plan(
    kind: TransferKind, debit_account_id: int, credit_account_id: int, amount: int, reference: str
) -> Plan:
    into_fund = kind is TransferKind.PAYMENT
    return Plan(
        operation="payment" if into_fund else "refund",
        kind=kind,
        phase=Phase.POSTED,
        debit_account_id=debit_account_id,
        credit_account_id=credit_account_id,
        amount=check_amount(amount),
        debit_kinds=CLEARING if into_fund else PAYERS,
        credit_kinds=PAYERS if into_fund else CLEARING,
        memo=check_memo({"reference": reference}),
    )


def _cash_call(plan: Plan) -> dict[str, object]:
    return {
        "debit": plan.debit_account_id,
        "credit": plan.credit_account_id,
        "amount": plan.amount,
        "reference": plan.memo["reference"],
    }


def open_pledges(session: Session, household_account_id: int) -> list[Transfer]:
    """A household's pledges not collected yet, oldest first."""
    resolution = aliased(Transfer)
    return list(
        session.scalars(
            select(Transfer)
            .where(
                Transfer.debit_account_id == household_account_id,
                Transfer.kind == TransferKind.CONTRIBUTION,
                Transfer.phase == Phase.PENDING,
                ~select(resolution.id).where(resolution.pending_id == Transfer.id).exists(),
            )
            .order_by(Transfer.id)
        )
    )


def unapplied_cents(session: Session, payer_account_id: int) -> int:
    """What a payer paid that no pledge has used yet: payments, less refunds, less pledges
    collected. Below zero when money went back for pledges already collected (owed again)."""

    def total(kind: TransferKind, phase: Phase, column: object) -> int:
        return int(
            session.scalar(
                select(func.coalesce(func.sum(Transfer.amount), 0)).where(
                    column == payer_account_id, Transfer.kind == kind, Transfer.phase == phase
                )
            )
            or 0
        )

    paid = total(TransferKind.PAYMENT, Phase.POSTED, Transfer.credit_account_id)
    refunded = total(TransferKind.REFUND, Phase.POSTED, Transfer.debit_account_id)
    collected = total(TransferKind.CONTRIBUTION, Phase.POST_PENDING, Transfer.debit_account_id)
    return paid - refunded - collected


def settle(session: Session, household_account_id: int) -> list[TransferResult]:
    """Collect the household's oldest pledges that what it paid covers, whole pledges only.

    Call it after the household's account is locked in this transaction (recording a payment
    locks it), so two payments settling at once each see the other's pledges collected."""
    unapplied = unapplied_cents(session, household_account_id)
    results = []
    for open_pledge in open_pledges(session, household_account_id):
        if open_pledge.amount > unapplied:
            break
        result = collect_pledge(
            session, key=f"collect:{open_pledge.id}", pledge_transfer_id=open_pledge.id
        )
        if result.applied:
            unapplied -= open_pledge.amount
            results.append(result)
    return results


@dataclass(frozen=True)
class Receivable:
    """What a payer whose money is posted at once (a partner) owes the fund: what it put into
    workers' accounts less what it paid in, and since when."""

    owed_cents: int  # below zero: paid ahead
    items: int  # its transfers out not yet covered by what it paid in
    since: datetime | None  # when the oldest of them was made


def receivable(session: Session, account_id: int) -> Receivable:
    """What the account owes: its posted debits (contributions, bonuses, matches, refunds to
    it) less its posted credits (payments, reversals); the uncovered debits counted oldest
    first, as a payment covers the oldest first."""
    account = session.get_one(Account, account_id)
    owed = account.debits_posted - account.credits_posted
    if owed <= 0:
        return Receivable(owed, 0, None)
    running = (
        select(
            Transfer.created_at,
            func.sum(Transfer.amount).over(order_by=Transfer.id).label("running"),
        )
        .where(Transfer.debit_account_id == account_id, Transfer.phase == Phase.POSTED)
        .subquery()
    )
    uncovered = select(running.c.created_at).where(running.c.running > account.credits_posted)
    since = session.scalar(uncovered.order_by(running.c.running).limit(1))
    items = session.scalar(select(func.count()).select_from(uncovered.subquery())) or 0
    return Receivable(owed, int(items), since)
