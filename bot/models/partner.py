"""Partners: gig platforms and public or sectoral programs that pay in through the API.

A partner is a contributor with API keys. It enrols workers, records contributions and a
one-time jump-start bonus per worker, and a program may match households' contributions to the
workers it enrolled, up to a monthly cap. It sees only what it put in.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.infra.orm import Base, utcnow
from bot.ledger.models import AccountKind
from bot.models.contributor import Contributor
from bot.models.worker import Worker

PARTNER_KINDS = (AccountKind.PLATFORM, AccountKind.PROGRAM)


class Partner(Base):
    """A platform or program that calls the API; its money moves through its contributor."""

    __tablename__ = "partners"
    __table_args__ = (CheckConstraint("kind IN ('platform', 'program')", name="kind_is_partner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)  # also what workers read
    kind: Mapped[AccountKind] = mapped_column(String(16))
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contributor: Mapped[Contributor] = relationship()


class PartnerKey(Base):
    """An API key: found by its prefix, checked against the hash of the whole key."""

    __tablename__ = "partner_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the key, hex
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    partner: Mapped[Partner] = relationship()


class PartnerWorker(Base):
    """A worker a partner enrolled: it may pay into her account, and a program matches her."""

    __tablename__ = "partner_workers"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True, index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker: Mapped[Worker] = relationship()


class PartnerConsent(Base):
    """A partner asked to add a member of the fund: it is linked to her only on her YES."""

    __tablename__ = "partner_consents"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True, index=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    declined_at: Mapped[datetime | None]  # she said NO: the partner cannot ask her again


class PartnerRequest(Base):
    """The first answer to a partner's Idempotency-Key, replayed to any repeat of it."""

    __tablename__ = "partner_requests"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    response_body: Mapped[str | None] = mapped_column(Text)  # the JSON exactly as sent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerMoneyKind(StrEnum):
    """What a partner's money into a worker's account was for."""

    CONTRIBUTION = "contribution"  # per job, under the partner's own reference
    BONUS = "bonus"  # the one-time jump-start
    MATCH = "match"  # a program's match of a household's contribution


class PartnerContribution(Base):
    """Money a partner put into a worker's account: what the partner may read back."""

    __tablename__ = "partner_contributions"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        Index("ix_partner_contributions_partner_id_id", "partner_id", "id"),
        Index("ix_partner_contributions_partner_id_reference", "partner_id", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    kind: Mapped[PartnerMoneyKind] = mapped_column(String(16))
    amount_cents: Mapped[int]
    reference: Mapped[str | None] = mapped_column(String(64))
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker: Mapped[Worker] = relationship()


class MatchingRule(Base):
    """A program's offer: `percent` of each household contribution to a worker it enrolled,
    at most `monthly_cap_cents` per worker per month."""

    __tablename__ = "matching_rules"
    __table_args__ = (
        CheckConstraint("percent BETWEEN 1 AND 100", name="percent_in_range"),
        CheckConstraint("monthly_cap_cents > 0", name="cap_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), unique=True)
    percent: Mapped[int] = mapped_column(SmallInteger)
    monthly_cap_cents: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    partner: Mapped[Partner] = relationship()


class MatchTally(Base):
    """How much a rule matched for a worker in a month (2026-12). Its row is locked while a
    match is decided, so that concurrent contributions never take the total past the cap."""

    __tablename__ = "match_tallies"
    __table_args__ = (CheckConstraint("matched_cents >= 0", name="matched_not_negative"),)

    rule_id: Mapped[int] = mapped_column(ForeignKey("matching_rules.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    matched_cents: Mapped[int] = mapped_column(default=0)
