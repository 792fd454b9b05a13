"""Insurance by consent: a worker's yes per product, her open offer, and when she is charged.

No premium is taken without a GIVEN consent, and the first one only in the month after she
gave it, so the reply to her YES (and a notice late in the month) always comes first.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.orm import as_utc, utcnow
from bot.models import ConsentStatus, InboundMessage, InsuranceConsent, InsuranceOffer

OFFER_LIFETIME = timedelta(days=30)  # a YES answers an offer this long after it was made
# A bare YES, NO or "ok" answers it this long after it was made, or later if she has texted
# nothing else since; after that only YES and a product's number does ("YES 2").
ANSWER_WINDOW = timedelta(hours=1)


def period_start(period: str) -> datetime:
    """The moment a period ('2026-12') begins, in UTC."""
    year, month = (int(part) for part in period.split("-"))
    return datetime(year, month, 1, tzinfo=UTC)


def next_period(period: str) -> str:
    """The month after: '2026-12' -> '2027-01'."""
    year, month = (int(part) for part in period.split("-"))
    return f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}"


def first_charge_day(given_at: datetime) -> date:
    """The first of the month after her yes: the day her first premium is taken."""
    given = as_utc(given_at)
    return date(given.year + given.month // 12, given.month % 12 + 1, 1)


def next_charge_day(today: date) -> date:
    """The next first of a month after today (premiums are taken on the 1st)."""
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def chargeable(session: Session, worker_id: int, period: str) -> list[str]:
    """The products she said YES to before the period began (and has not stopped)."""
    return list(
        session.scalars(
            select(InsuranceConsent.product)
            .where(
                InsuranceConsent.worker_id == worker_id,
                InsuranceConsent.status == ConsentStatus.GIVEN,
                InsuranceConsent.given_at < period_start(period),
            )
            .order_by(InsuranceConsent.id)
        )
    )


def consents(session: Session, worker_id: int) -> list[InsuranceConsent]:
    """Every product she ever said YES to, GIVEN or STOPPED, oldest first."""
    return list(
        session.scalars(
            select(InsuranceConsent)
            .where(InsuranceConsent.worker_id == worker_id)
            .order_by(InsuranceConsent.id)
        )
    )


def held(session: Session, worker_id: int) -> dict[str, datetime]:
    """The products in force (consent GIVEN), with when she gave it."""
    return {
        row.product: row.given_at
        for row in consents(session, worker_id)
        if row.status == ConsentStatus.GIVEN
    }


def give(session: Session, worker_id: int, product: str, message_sid: str) -> bool:
    """Record her YES to a product with the message that gave it; False if she has it."""
    row = session.scalar(
        select(InsuranceConsent)
        .where(InsuranceConsent.worker_id == worker_id, InsuranceConsent.product == product)
        .with_for_update()
    )
    if row is not None and row.status == ConsentStatus.GIVEN:
        return False
    if row is None:
        row = InsuranceConsent(worker_id=worker_id, product=product)
        session.add(row)
    row.status = ConsentStatus.GIVEN
    row.given_at = utcnow()
    row.given_message_sid = message_sid
    row.stopped_at, row.stopped_message_sid = None, None
    session.flush()
    return True


def stop(session: Session, worker_id: int, product: str, message_sid: str) -> bool:
    """Stop a product she holds, recording the message; False if she does not hold it."""
    row = session.scalar(
        select(InsuranceConsent)
        .where(
            InsuranceConsent.worker_id == worker_id,
            InsuranceConsent.product == product,
            InsuranceConsent.status == ConsentStatus.GIVEN,
        )
        .with_for_update()
    )
    if row is None:
        return False
    row.status = ConsentStatus.STOPPED
    row.stopped_at = utcnow()
    row.stopped_message_sid = message_sid
    session.flush()
    return True


def offer(session: Session, worker_id: int) -> None:
    """Record that she was just offered insurance: a YES may answer it."""
    row = session.get(InsuranceOffer, worker_id)
    if row is None:
        session.add(InsuranceOffer(worker_id=worker_id, offered_at=utcnow()))
    else:
        row.offered_at, row.closed_at = utcnow(), None
    session.flush()


def was_offered(session: Session, worker_id: int) -> bool:
    """Whether she was ever offered insurance (the joining offer is made once)."""
    return session.get(InsuranceOffer, worker_id) is not None


def offer_open(session: Session, worker_id: int) -> bool:
    """An offer she has not closed, made within OFFER_LIFETIME."""
    row = session.get(InsuranceOffer, worker_id)
    return (
        row is not None
        and row.closed_at is None
        and utcnow() - as_utc(row.offered_at) <= OFFER_LIFETIME
    )


def offer_is_last_question(
    session: Session, worker_id: int, person_id: int, message_sid: str
) -> bool:
    """An open offer a bare YES, NO or "ok" may still answer: made within ANSWER_WINDOW, or
    she has texted nothing else since (it is the last thing we asked her)."""
    row = session.get(InsuranceOffer, worker_id)
    if row is None or not offer_open(session, worker_id):
        return False
    offered_at = as_utc(row.offered_at)
    if utcnow() - offered_at <= ANSWER_WINDOW:
        return True
    texted_since = session.scalar(
        select(InboundMessage.id)
        .where(
            InboundMessage.person_id == person_id,
            InboundMessage.received_at > offered_at,
            InboundMessage.message_sid != message_sid,
        )
        .limit(1)
    )
    return texted_since is None


def close_offer(session: Session, worker_id: int) -> None:
    """She answered the offer (NO, or took every product): a later YES answers nothing."""
    row = session.get(InsuranceOffer, worker_id)
    if row is not None and row.closed_at is None:
        row.closed_at = utcnow()
