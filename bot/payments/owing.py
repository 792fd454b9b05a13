"""Who owes the fund money, in one list: households (pledges confirmed and not paid, less
what they paid ahead) and partners (API payments their transfers have not covered yet).
`benefits-bot collections list` and the dashboard's collections page both read it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.orm import as_utc
from bot.models import Contributor, Employment
from bot.payments import collections, partner_money
from bot.payments.models import ChargeStatus


@dataclass(frozen=True)
class Owing:
    """One payer that owes money, and since when."""

    kind: str  # household, platform or program
    payer_id: int  # the household's contributor id, or the partner's id
    name: str
    phone: str | None  # a household's number
    owed_cents: int
    pledges: int  # a household's unpaid visits; a partner's uncovered API payments
    since: datetime | None
    charge_status: ChargeStatus | None  # a household's latest charge's

    @property
    def gave_up(self) -> bool:
        """Declined after the last retry: the pledges stay owed and staff follow it up."""
        return self.charge_status is ChargeStatus.GAVE_UP

    def as_json(self) -> dict[str, Any]:
        """The row as `collections list --json` prints it."""
        return {
            "kind": self.kind,
            "name": self.name,
            "phone": self.phone,
            "owed_cents": self.owed_cents,
            "pledges": self.pledges,
            "since": as_utc(self.since).isoformat() if self.since else None,
            "charge": self.charge_status.value if self.charge_status else None,
        }


def everyone_owing(session: Session) -> list[Owing]:
    """Every household and partner that owes money, longest waiting first."""
    rows = [
        Owing(
            kind="household",
            payer_id=row.household.id,
            name=household_name(session, row.household),
            phone=row.household.person.phone if row.household.person else None,
            owed_cents=row.owed_cents,
            pledges=row.pledges,
            since=row.since,
            charge_status=row.charge_status,
        )
        for row in collections.everyone_owing(session)
    ]
    rows += [
        Owing(
            kind=str(row.partner.kind),
            payer_id=row.partner.id,
            name=row.partner.name,
            phone=None,
            owed_cents=row.owed_cents,
            pledges=row.payments,
            since=row.since,
            charge_status=None,
        )
        for row in partner_money.partners_owing(session)
    ]
    return sorted(rows, key=lambda row: (row.since is None, row.since and as_utc(row.since)))


def household_name(session: Session, household: Contributor) -> str:
    """What staff know a household by: its own name, else what its first worker calls it."""
    if household.name:
        return household.name
    label = session.scalar(
        select(Employment.label)
        .where(Employment.household_id == household.id, Employment.label.is_not(None))
        .order_by(Employment.id)
        .limit(1)
    )
    return label or ""
