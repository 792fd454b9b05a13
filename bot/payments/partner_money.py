"""Partners' money: what a platform or program owes the fund for what it paid into workers'
accounts through the API, and the transfer that settles it.

A partner's contribution, bonus or match is the worker's at once: partners are institutions
the fund vetted and has an agreement with, so the fund carries what they owe, as it would a
grant it was awarded. Until staff record the partner's transfer, the partner's account is
below zero by that much (its receivable); a recorded transfer is real money from the partner
into the fund's clearing account, the same ledger operation as a household's payment.
Provider-neutral: nothing here names a vendor.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.models import Partner
from bot.payments.collections import clearing_account_id


@dataclass(frozen=True)
class PartnerOwed:
    """What one partner owes: its API payments not yet covered by its transfers."""

    partner: Partner
    owed_cents: int  # below zero: paid ahead
    payments: int  # its API payments not (wholly) covered yet
    since: datetime | None  # when the oldest of them was made


def partner_owed(session: Session, partner: Partner) -> PartnerOwed:
    """What the partner owes now."""
    owed = ledger.receivable(session, partner.contributor.account_id)
    return PartnerOwed(partner, owed.owed_cents, owed.items, owed.since)


def partners_owing(session: Session) -> list[PartnerOwed]:
    """Every partner that owes money, longest waiting first."""
    partners = session.scalars(select(Partner).order_by(Partner.id))
    rows = [partner_owed(session, partner) for partner in partners]
    owing = [row for row in rows if row.owed_cents > 0]
    return sorted(owing, key=lambda row: (row.since is None, row.since))


def record_transfer(
    session: Session, partner: Partner, amount_cents: int, reference: str, *, recorded_by: str
) -> bool:
    """Record a transfer the partner made to the fund, once per reference; True if it is new.
    The same reference with another amount raises `ledger.IdempotencyConflict`."""
    result = ledger.receive_payment(
        session,
        key=f"payment:partner:{partner.id}:{reference}",
        clearing_account_id=clearing_account_id(session),
        payer_account_id=partner.contributor.account_id,
        amount_cents=amount_cents,
        reference=reference,
        recorded_by=recorded_by,
    )
    return not result.replayed
