"""Who is in the fund: people, workers and contributors, each tied to a ledger account."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.ledger import AccountKind
from bot.models import Contributor, Person, Worker, WorkerStatus, known_as

PAYOUTS_ACCOUNT = "fund:payouts"


def find_person(session: Session, phone: str) -> Person | None:
    """The person with this address (E.164 number or WhatsApp user id), if any."""
    return session.scalar(select(Person).where(known_as(phone)))


def find_worker(session: Session, phone: str) -> Worker | None:
    """The worker with this address (E.164 number or WhatsApp user id), if any."""
    return session.scalar(select(Worker).join(Worker.person).where(known_as(phone)))


def person_for(session: Session, phone: str, *, language: str = "en", time_zone: str) -> Person:
    """The person with this number, created if new."""
    person = find_person(session, phone)
    if person is None:
        person = Person(phone=phone, language=language, time_zone=time_zone)
        session.add(person)
        session.flush()
    return person


def enrol_worker(
    session: Session,
    phone: str,
    *,
    time_zone: str,
    language: str = "en",
    name: str | None = None,
    status: WorkerStatus = WorkerStatus.ACTIVE,
) -> Worker:
    """Make the person with this number a worker with a benefit account (idempotent)."""
    person = person_for(session, phone, language=language, time_zone=time_zone)
    if name and not person.name:
        person.name = name
    worker = session.scalar(select(Worker).where(Worker.person_id == person.id))
    if worker is None:
        account_id = ledger.open_account(session, AccountKind.WORKER, f"worker:{person.id}")
        worker = Worker(person_id=person.id, account_id=account_id, status=status)
        session.add(worker)
        session.flush()
    return worker


def enrol_household(
    session: Session, phone: str, *, time_zone: str, name: str | None = None, language: str = "en"
) -> Contributor:
    """Make the person with this number a household contributor (idempotent)."""
    person = person_for(session, phone, language=language, time_zone=time_zone)
    household = session.scalar(select(Contributor).where(Contributor.person_id == person.id))
    if household is None:
        account_id = ledger.open_account(session, AccountKind.HOUSEHOLD, f"household:{person.id}")
        household = Contributor(
            kind=AccountKind.HOUSEHOLD,
            name=name or person.name or "",
            person_id=person.id,
            account_id=account_id,
        )
        session.add(household)
        session.flush()
    return household


def enrol_partner(session: Session, kind: AccountKind, slug: str, name: str) -> Contributor:
    """A platform or program contributor, known by a short unique slug (idempotent)."""
    if kind not in (AccountKind.PLATFORM, AccountKind.PROGRAM):
        raise ledger.WrongAccountKind(f"a partner is a platform or a program, not {kind}")
    account_id = ledger.open_account(session, kind, f"{kind}:{slug}")
    partner = session.scalar(select(Contributor).where(Contributor.account_id == account_id))
    if partner is None:
        partner = Contributor(kind=kind, name=name, account_id=account_id)
        session.add(partner)
        session.flush()
    return partner


def payouts_account_id(session: Session) -> int:
    """The fund's account that days off are paid out through."""
    return ledger.open_account(session, AccountKind.PAYOUTS, PAYOUTS_ACCOUNT)


def insurer_account_id(session: Session, product: str) -> int:
    """The account premiums for an insurance product (life, disability...) are paid to."""
    return ledger.open_account(session, AccountKind.INSURER, f"insurer:{product}")
