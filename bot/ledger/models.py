"""Ledger tables: accounts with running counters, immutable transfers, idempotency records.

The shape follows TigerBeetle: an account keeps four counters (pending and posted, debits
and credits) updated in the same transaction as the transfer that moves them, so a balance
is one row read however long the history. Transfers are never updated or deleted.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class AccountKind(StrEnum):
    """Who an account belongs to."""

    WORKER = "worker"  # a worker's benefit account: may never go below zero
    HOUSEHOLD = "household"  # an employer who contributes per visit
    PLATFORM = "platform"  # a gig platform that contributes per job or gives a jump-start
    PROGRAM = "program"  # a public or sectoral program that tops accounts up
    PAYOUTS = "payouts"  # the fund's account that days off are paid out through
    INSURER = "insurer"  # an insurer that premiums are paid to
    # The fund's real money: what reached its bank or its payment provider. Money in makes it
    # go below zero (the outside world gave it), as a TigerBeetle "operator" account does.
    CLEARING = "clearing"


CONTRIBUTOR_KINDS = frozenset({AccountKind.HOUSEHOLD, AccountKind.PLATFORM, AccountKind.PROGRAM})


class TransferKind(StrEnum):
    """What a transfer is for, in the fund's terms."""

    CONTRIBUTION = "contribution"
    BONUS = "bonus"
    DAY_OFF = "day_off"
    PREMIUM = "premium"
    REVERSAL = "reversal"
    PAYMENT = "payment"  # real money in from a contributor: a settled charge, cash, a check
    REFUND = "refund"  # real money back out to a contributor: a refund or a lost dispute


class Phase(StrEnum):
    """How a transfer moves the counters (TigerBeetle's two-phase transfers)."""

    POSTED = "posted"  # moves posted counters at once
    PENDING = "pending"  # reserves: moves pending counters
    POST_PENDING = "post_pending"  # completes a pending transfer: pending -> posted
    VOID_PENDING = "void_pending"  # cancels a pending transfer: releases pending


class Outcome(StrEnum):
    """What became of a request."""

    APPLIED = "applied"
    REJECTED = "rejected"


class Rejection(StrEnum):
    """Why a well-formed request was refused; recorded so that a retry gets the same answer."""

    INSUFFICIENT_FUNDS = "insufficient_funds"
    PENDING_ALREADY_POSTED = "pending_already_posted"
    PENDING_ALREADY_VOIDED = "pending_already_voided"
    ALREADY_REVERSED = "already_reversed"


class Account(Base):
    """A ledger account and its running counters, in cents."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint(
            "debits_pending >= 0 AND debits_posted >= 0 "
            "AND credits_pending >= 0 AND credits_posted >= 0",
            name="counters_not_negative",
        ),
        # Invariant 2, enforced by the database as well as by the code: never below zero,
        # counting money pledged to her and not collected yet (a pledge is a pending credit).
        # How much of that she may spend is the fund's choice, made when she spends it.
        CheckConstraint(
            "NOT debits_must_not_exceed_credits "
            "OR debits_pending + debits_posted <= credits_posted + credits_pending",
            name="debits_within_credits",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AccountKind] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    debits_must_not_exceed_credits: Mapped[bool] = mapped_column(default=False)
    debits_pending: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    debits_posted: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    credits_pending: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    credits_posted: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Transfer(Base):
    """One movement of a positive amount from one account to another. Never changed."""

    __tablename__ = "ledger_transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="distinct_accounts"),
        Index("ix_ledger_transfers_debit_account_id_id", "debit_account_id", "id"),
        Index("ix_ledger_transfers_credit_account_id_id", "credit_account_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TransferKind] = mapped_column(String(16))
    phase: Mapped[Phase] = mapped_column(String(16))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount: Mapped[int]
    # A pending transfer is posted or voided at most once: the unique key guarantees it.
    pending_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"), unique=True)
    memo: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerRequest(Base):
    """The first answer to an idempotency key, kept so that a retry gets it again."""

    __tablename__ = "ledger_requests"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    operation: Mapped[str] = mapped_column(String(32))
    request_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[Outcome] = mapped_column(String(16))
    rejection: Mapped[Rejection | None] = mapped_column(String(32))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
