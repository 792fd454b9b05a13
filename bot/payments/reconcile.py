"""Reconciliation: the provider's balance transactions against the ledger's real money.

Every payment, refund and dispute the provider reports should be in the ledger under the
provider's id, with the same amount, and every such ledger transfer should be in the
provider's report. Each difference is listed; payouts (provider to the fund's bank) and the
provider's fees are listed for the totals, since the ledger tracks what payers paid.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ledger import Account, Transfer, TransferKind
from bot.payments.collections import CLEARING_ACCOUNT
from bot.payments.interfaces import ProviderLine
from bot.payments.models import CollectionCharge

# What a provider's balance transaction type is in the ledger's terms, and its sign there.
KINDS = {"charge": TransferKind.PAYMENT, "payment": TransferKind.PAYMENT}
RETURNS = {"refund": TransferKind.REFUND, "adjustment": TransferKind.REFUND}


@dataclass(frozen=True)
class Difference:
    """One thing the provider and the ledger do not agree on."""

    reference: str
    provider_cents: int | None  # None: the provider does not report it
    ledger_cents: int | None  # None: the ledger does not have it
    what: str

    def __str__(self) -> str:
        provider, ledger = self.provider_cents, self.ledger_cents
        return f"{self.reference}: {self.what} (provider {provider}, ledger {ledger})"


@dataclass(frozen=True)
class Reconciliation:
    """The comparison, with the totals it covered."""

    differences: list[Difference]
    matched: int
    fees_cents: int
    payouts_cents: int


def reconcile(
    session: Session, provider_name: str, lines: list[ProviderLine], since: datetime
) -> Reconciliation:
    """Compare the provider's lines since `since` with the ledger's payments and refunds."""
    ledger_money = _ledger_money(session, provider_name, since)
    differences: list[Difference] = []
    matched = fees = payouts = 0
    seen: set[str] = set()
    for line in lines:
        fees += line.fee_cents
        if line.kind == "payout":
            payouts += -line.amount_cents
            continue
        if line.kind not in KINDS and line.kind not in RETURNS:
            continue
        seen.add(line.reference)
        recorded = ledger_money.get(line.reference)
        if recorded is None:
            differences.append(
                Difference(line.reference, line.amount_cents, None, "not in the ledger")
            )
        elif recorded != line.amount_cents:
            differences.append(
                Difference(line.reference, line.amount_cents, recorded, "amounts differ")
            )
        else:
            matched += 1
    for reference, cents in ledger_money.items():
        if reference not in seen:
            differences.append(Difference(reference, None, cents, "not reported by the provider"))
    return Reconciliation(differences, matched, fees, payouts)


def _ledger_money(session: Session, provider_name: str, since: datetime) -> dict[str, int]:
    """Payments (+) and refunds (-) the ledger recorded from this provider, by its id."""
    # Read only: a fund that never received money has no clearing account yet.
    clearing = session.scalar(select(Account.id).where(Account.code == CLEARING_ACCOUNT))
    if clearing is None:
        return {}
    rows = session.execute(
        select(Transfer.kind, Transfer.amount, Transfer.memo).where(
            Transfer.kind.in_((TransferKind.PAYMENT, TransferKind.REFUND)),
            (Transfer.debit_account_id == clearing) | (Transfer.credit_account_id == clearing),
            Transfer.created_at >= since,
        )
    )
    fees = dict(
        session.execute(
            select(CollectionCharge.reference, CollectionCharge.fee_cents).where(
                CollectionCharge.provider == provider_name, CollectionCharge.fee_cents > 0
            )
        ).all()
    )
    money: dict[str, int] = {}
    for kind, amount, memo in rows:
        reference = str((memo or {}).get("reference") or "")
        if not reference.startswith(("ch_", "py_", "re_", "dp_", "pi_")):
            continue  # cash and checks staff recorded: not the provider's
        sign = 1 if kind == TransferKind.PAYMENT else -1
        # The household paid the fee on top: the provider reports it, the ledger does not.
        surcharge = fees.get(reference, 0) if kind == TransferKind.PAYMENT else 0
        money[reference] = money.get(reference, 0) + sign * (amount + surcharge)
    return money
