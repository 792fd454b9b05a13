"""Money staff record by hand: cash, a check or a bank transfer from a household, a partner's
transfer. The console command and the dashboard's forms both come here, so the same payment
recorded from either is one payment (keyed by the payer and its reference)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.fund.membership import find_person
from bot.infra.phone import mask_phone
from bot.ledger import MAX_TRANSFER_CENTS, AccountKind
from bot.models import Contributor, Partner
from bot.partners.registry import find_partner
from bot.payments import collections, partner_money

MAX_REFERENCE = 100  # the ledger's idempotency keys are at most 128 characters


class UnknownPayer(LookupError):
    """No household has that number, or no partner that name."""


class UnknownHousehold(UnknownPayer):
    """No household has that number (or id)."""


class UnknownPartner(UnknownPayer):
    """No partner has that name (or id)."""


class BadPayment(ValueError):
    """An amount that is not a positive whole number of cents, or no reference."""


def checked(cents: int, reference: str) -> str:
    """The reference with its spaces tidied, if the amount and the reference will do."""
    tidy = " ".join(reference.split())
    if not 0 < cents <= MAX_TRANSFER_CENTS:
        raise BadPayment(f"the amount must be 1 to {MAX_TRANSFER_CENTS} cents")
    if not tidy or len(tidy) > MAX_REFERENCE:
        raise BadPayment(
            f"the reference (a receipt, check or transfer number) is 1 to "
            f"{MAX_REFERENCE} characters"
        )
    return tidy


def household_by_phone(session: Session, number: str) -> Contributor:
    """The household with this (normalized) number."""
    person = find_person(session, number)
    household = (
        session.scalar(
            select(Contributor).where(
                Contributor.person_id == person.id, Contributor.kind == AccountKind.HOUSEHOLD
            )
        )
        if person
        else None
    )
    if household is None:
        raise UnknownHousehold(f"no household has the number {mask_phone(number)}")
    return household


def household_by_id(session: Session, household_id: int) -> Contributor:
    """The household with this id (a dashboard's pick)."""
    household = session.get(Contributor, household_id)
    if household is None or household.kind != AccountKind.HOUSEHOLD:
        raise UnknownHousehold(f"no household #{household_id}")
    return household


def partner_by_name(session: Session, name: str) -> Partner:
    """The partner with this name, whatever its case."""
    partner = find_partner(session, name)
    if partner is None:
        raise UnknownPartner(f"no partner is named {' '.join(name.split())[:40]!r}")
    return partner


def record_household(
    session: Session, household: Contributor, cents: int, reference: str, *, recorded_by: str
) -> collections.Recorded:
    """Record money a household paid the fund itself; it collects its oldest pledges first.
    The same reference for the same household again changes nothing."""
    reference = checked(cents, reference)
    key = f"payment:manual:{household.id}:{reference}"
    return collections.record_payment(
        session, household, cents, reference, key=key, recorded_by=recorded_by
    )


def record_partner(
    session: Session, partner: Partner, cents: int, reference: str, *, recorded_by: str
) -> bool:
    """Record a partner's transfer into the fund; True if new (the same reference again
    changes nothing)."""
    reference = checked(cents, reference)
    return partner_money.record_transfer(
        session, partner, cents, reference, recorded_by=recorded_by
    )


def partner_by_id(session: Session, partner_id: int) -> Partner:
    """The partner with this id (a dashboard's pick)."""
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise UnknownPartner(f"no partner #{partner_id}")
    return partner


def partners(session: Session) -> list[Partner]:
    """Every partner, by name: who a transfer can be recorded from."""
    return list(session.scalars(select(Partner).order_by(Partner.name)))
