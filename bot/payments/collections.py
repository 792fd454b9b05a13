"""The fund's rules for money in: what each household owes, when to charge it, and what a
payment, a decline, a refund or a dispute changes. Provider-neutral: the provider is the
`CollectionsService` handed in; nothing here names a vendor.

Each function takes a session first and never commits; it answers the outbox ids of the
notices it wrote, for the caller to hand over after its commit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.infra.config import Settings
from bot.infra.orm import as_utc, utcnow
from bot.ledger import AccountKind
from bot.models import Contributor
from bot.payments import notices
from bot.payments.fees import surcharge_cents
from bot.payments.interfaces import CollectionsService
from bot.payments.models import ChargeStatus, CollectionCharge
from conversations import messages as m
from conversations.talk import Money, Say

CLEARING_ACCOUNT = "fund:clearing"
ACTIVE = (ChargeStatus.PROCESSING, ChargeStatus.RETRYING)


def clearing_account_id(session: Session) -> int:
    """The fund's clearing account: where real money from payers lands."""
    return ledger.open_account(session, AccountKind.CLEARING, CLEARING_ACCOUNT)


@dataclass(frozen=True)
class Owed:
    """What one household owes: its uncollected pledges, less what it paid ahead."""

    household: Contributor
    owed_cents: int
    pledges: int
    since: datetime | None  # when its oldest uncollected pledge was confirmed
    charge_status: ChargeStatus | None  # its latest charge's


def owed(session: Session, household: Contributor) -> Owed:
    """What the household owes now."""
    pledges = ledger.open_pledges(session, household.account_id)
    unapplied = ledger.unapplied_cents(session, household.account_id)
    latest = session.scalar(
        select(CollectionCharge.status)
        .where(CollectionCharge.household_id == household.id)
        .order_by(CollectionCharge.id.desc())
        .limit(1)
    )
    return Owed(
        household=household,
        owed_cents=sum(p.amount for p in pledges) - unapplied,
        pledges=len(pledges),
        since=pledges[0].created_at if pledges else None,
        charge_status=ChargeStatus(latest) if latest else None,
    )


def everyone_owing(session: Session) -> list[Owed]:
    """Every household that owes money, longest waiting first."""
    households = session.scalars(
        select(Contributor)
        .join(ledger.Account, ledger.Account.id == Contributor.account_id)
        .where(Contributor.kind == AccountKind.HOUSEHOLD)
        .order_by(Contributor.id)
    )
    rows = [owed(session, household) for household in households]
    owing = [row for row in rows if row.owed_cents > 0]
    return sorted(owing, key=lambda row: (row.since is None, row.since or utcnow()))


@dataclass(frozen=True)
class Recorded:
    """A payment recorded: whether it is new, and how many pledges it collected."""

    new: bool
    collected: int
    outbox_ids: tuple[int, ...]


def record_payment(
    session: Session,
    household: Contributor,
    amount_cents: int,
    reference: str,
    *,
    key: str,
    fee_cents: int = 0,
    recorded_by: str | None = None,
) -> Recorded:
    """Record money received from a household; it collects its oldest pledges first. The
    receipt says what it paid, `fee_cents` included (the provider keeps that part).
    `recorded_by` names the staff member (or "cli") who recorded cash, a check, a transfer."""
    payment = ledger.receive_payment(
        session,
        key=key,
        clearing_account_id=clearing_account_id(session),
        payer_account_id=household.account_id,
        amount_cents=amount_cents,
        reference=reference[:200],
        recorded_by=recorded_by,
    )
    collected = ledger.settle(session, household.account_id)
    if payment.replayed:
        return Recorded(False, len(collected), ())
    receipt = notices.tell_household(
        session,
        household,
        "charge_receipt",
        Say(m.CHARGE_RECEIPT, {"amount": Money(amount_cents + fee_cents)}),
    )
    return Recorded(True, len(collected), receipt)


def record_return(
    session: Session, household: Contributor, amount_cents: int, reference: str, key: str
) -> bool:
    """Record money going back to a household (a refund, a lost dispute); it owes it again.
    Nothing the worker was credited is taken back. True if it is new."""
    result = ledger.return_payment(
        session,
        key=key,
        clearing_account_id=clearing_account_id(session),
        payer_account_id=household.account_id,
        amount_cents=amount_cents,
        reference=reference[:200],
    )
    return not result.replayed


def due(session: Session, settings: Settings, service: CollectionsService) -> list[Contributor]:
    """Households to charge now: pledges owed since COLLECT_EVERY or reaching COLLECT_AT_CENTS,
    a method saved, and no charge under way (nor one given up on since it was saved)."""
    if not service.charges_automatically():
        return []
    oldest = utcnow() - timedelta(days=settings.collect_every_days)
    households = []
    for row in everyone_owing(session):
        if row.charge_status in (*ACTIVE, ChargeStatus.GAVE_UP):
            continue
        if row.owed_cents < settings.collect_at_cents and (
            row.since is None or as_utc(row.since) > oldest
        ):
            continue
        if service.can_charge(session, row.household):
            households.append(row.household)
    return households


def open_charge(
    session: Session, settings: Settings, service: CollectionsService, household: Contributor
) -> CollectionCharge | None:
    """A new charge of the household's uncollected pledges (less what it paid ahead)."""
    pledges = ledger.open_pledges(session, household.account_id)
    amount = sum(p.amount for p in pledges) - max(
        ledger.unapplied_cents(session, household.account_id), 0
    )
    if not pledges or amount <= 0:
        return None
    method = service.method_type(session, household)
    fee = surcharge_cents(amount, method) if settings.fees_paid_by == "household" else 0
    charge = CollectionCharge(
        household_id=household.id,
        batch=f"upto-{pledges[-1].id}",
        amount_cents=amount,
        fee_cents=fee,
        provider=service.name,
    )
    session.add(charge)
    session.flush()
    return charge


def charge_succeeded(session: Session, charge: CollectionCharge, reference: str) -> Recorded:
    """The provider took the money: record it (once), collect the pledges, send a receipt."""
    household = session.get_one(Contributor, charge.household_id)
    charge.status = ChargeStatus.SUCCEEDED
    charge.next_attempt_at = None
    key = f"payment:{charge.provider}:{reference}"
    return record_payment(
        session, household, charge.amount_cents, reference, key=key, fee_cents=charge.fee_cents
    )


def charge_failed(
    session: Session,
    settings: Settings,
    charge: CollectionCharge,
    failure_code: str,
    link: str | None,
) -> tuple[int, ...]:
    """The attempt was declined: try again on the schedule, or give up after the last retry
    (the pledges stay owed and staff see them). Household and workers are told."""
    charge.failure_code = failure_code[:64]
    household = session.get_one(Contributor, charge.household_id)
    amount = Money(charge.amount_cents + charge.fee_cents)
    retries = settings.collect_retry_days
    if charge.attempts <= len(retries):
        charge.status = ChargeStatus.RETRYING
        charge.next_attempt_at = utcnow() + timedelta(days=retries[charge.attempts - 1])
        say = Say(
            m.CHARGE_FAILED,
            {"amount": amount, "date": charge.next_attempt_at.date(), "link": link or ""},
        )
    else:
        charge.status = ChargeStatus.GAVE_UP
        charge.next_attempt_at = None
        say = Say(m.CHARGE_GAVE_UP, {"amount": amount, "link": link or ""})
    told = notices.tell_household(session, household, f"charge_{charge.status}", say)
    return told + notices.tell_workers_late(session, household, charge)


def claim_retry(session: Session, charge: CollectionCharge) -> bool:
    """Take a due retry for this run: the next attempt, once however many runs race."""
    if charge.status != ChargeStatus.RETRYING:
        return False
    charge.status = ChargeStatus.PROCESSING
    charge.attempts += 1
    charge.next_attempt_at = None
    return True


def retry_now(session: Session, household_id: int) -> None:
    """A new way to pay was saved: a declined charge is tried again at the next run (a given
    up one gets one more try)."""
    for charge in session.scalars(
        select(CollectionCharge)
        .where(
            CollectionCharge.household_id == household_id,
            CollectionCharge.status.in_((ChargeStatus.RETRYING, ChargeStatus.GAVE_UP)),
        )
        .with_for_update()
    ):
        charge.status = ChargeStatus.RETRYING
        charge.next_attempt_at = utcnow()


def retries_due(session: Session) -> list[int]:
    """Ids of declined charges whose next attempt is due."""
    return list(
        session.scalars(
            select(CollectionCharge.id)
            .where(
                CollectionCharge.status == ChargeStatus.RETRYING,
                CollectionCharge.next_attempt_at <= utcnow(),
            )
            .order_by(CollectionCharge.next_attempt_at)
        )
    )
