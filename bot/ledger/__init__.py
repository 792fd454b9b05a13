"""The benefits ledger: double entry in integer cents, idempotent, never below zero.

Pure domain code on SQLAlchemy sessions: no Flask, Twilio, RQ or Babel here. Functions take
a session first and never commit; the caller owns the transaction.
"""

from bot.ledger.audit import Problem, check
from bot.ledger.errors import (
    IdempotencyConflict,
    InvalidAmount,
    InvalidKey,
    InvalidReference,
    LedgerError,
    UnknownAccount,
    UnknownTransfer,
    WrongAccountKind,
)
from bot.ledger.models import (
    Account,
    AccountKind,
    LedgerRequest,
    Outcome,
    Phase,
    Rejection,
    Transfer,
    TransferKind,
)
from bot.ledger.operations import (
    charge_premium,
    contribute,
    grant_bonus,
    open_account,
    pay_day_off,
    reserve_day_off,
    reverse,
    void_day_off,
)
from bot.ledger.pledges import (
    Receivable,
    collect_pledge,
    open_pledges,
    pledge,
    receivable,
    receive_payment,
    return_payment,
    settle,
    unapplied_cents,
)
from bot.ledger.reads import Balance, Movement, balance, history, moved, moved_money
from bot.ledger.transfers import MAX_TRANSFER_CENTS, TransferResult

__all__ = [
    "MAX_TRANSFER_CENTS",
    "Account",
    "AccountKind",
    "Balance",
    "IdempotencyConflict",
    "InvalidAmount",
    "InvalidKey",
    "InvalidReference",
    "LedgerError",
    "LedgerRequest",
    "Movement",
    "Outcome",
    "Phase",
    "Problem",
    "Receivable",
    "Rejection",
    "Transfer",
    "TransferKind",
    "TransferResult",
    "UnknownAccount",
    "UnknownTransfer",
    "WrongAccountKind",
    "balance",
    "charge_premium",
    "check",
    "collect_pledge",
    "contribute",
    "grant_bonus",
    "history",
    "moved",
    "moved_money",
    "open_account",
    "open_pledges",
    "pay_day_off",
    "pledge",
    "receivable",
    "receive_payment",
    "reserve_day_off",
    "return_payment",
    "reverse",
    "settle",
    "unapplied_cents",
    "void_day_off",
]
