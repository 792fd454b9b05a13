"""Insurance premiums, taken only for the products a worker said YES to, and the notices
around them: before a product's first premium, when her balance is low, paid or paused.

Each runs worker by worker, one transaction each, idempotent per period: premiums go through
the ledger under a key per worker, product and month, and each notice has a dedupe key.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ledger
from bot.fund import insurance, membership
from bot.fund.insurance import next_period
from bot.fund.worker_money import her_balance
from bot.infra.runtime import Runtime
from bot.ledger import Transfer
from bot.models import CoverStatus, InsuranceCover, OutboundMessage, Worker
from bot.ops.worker_runs import each_worker
from bot.texting.notices import write_notice_once
from conversations import messages as m
from conversations.talk import Choices, Money, Month, Notice, Say

PRODUCT_NAMES = {"life": m.LIFE_INSURANCE, "disability": m.DISABILITY_INSURANCE}


def charge_premiums(runtime: Runtime, period: str) -> int:
    """Charge each active worker this month's premiums for the products she said YES to
    before the month began (never any other); return how many were charged now."""
    return each_worker(runtime, lambda session, worker: _charge(session, runtime, worker, period))


def warn_low_balances(runtime: Runtime, period: str) -> int:
    """Warn workers whose available money cannot pay next month's premiums."""
    return each_worker(runtime, lambda session, worker: _warn(session, runtime, worker, period))


def _charge(session: Session, runtime: Runtime, worker: Worker, period: str) -> list[int]:
    covered, lapsed, paid = [], [], 0
    premiums = runtime.settings.insurance_premiums
    for product in insurance.chargeable(session, worker.id, period):
        cents = premiums.get(product)
        if cents is None or session.scalar(
            select(InsuranceCover.id).where(
                InsuranceCover.worker_id == worker.id,
                InsuranceCover.product == product,
                InsuranceCover.period == period,
            )
        ):
            continue
        result = ledger.charge_premium(
            session,
            key=f"premium:{product}:{worker.id}:{period}",
            worker_account_id=worker.account_id,
            insurer_account_id=membership.insurer_account_id(session, product),
            amount_cents=cents,
            period=period,
            advance_cents=runtime.settings.advance_uncollected_cents,
        )
        status = CoverStatus.COVERED if result.applied else CoverStatus.LAPSED
        session.add(
            InsuranceCover(
                worker_id=worker.id,
                product=product,
                period=period,
                status=status,
                transfer_id=result.transfer_id,
            )
        )
        (covered if result.applied else lapsed).append(product)
        paid += cents if result.applied else 0
    notices = []
    month = Month.of(period)
    if covered:
        say = Say(
            m.PREMIUM_PAID,
            {"month": month, "amount": Money(paid), "products": products_named(covered)},
        )
        notices.append(
            write_notice_once(
                session,
                Notice(worker.person_id, "premium_paid", (say,)),
                f"premium:{worker.id}:{period}",
            )
        )
    if lapsed:
        say = Say(m.INSURANCE_LAPSED, {"month": month, "products": products_named(lapsed)})
        notices.append(
            write_notice_once(
                session,
                Notice(worker.person_id, "insurance_lapsed", (say,)),
                f"lapsed:{worker.id}:{period}",
            )
        )
    session.flush()
    return [row.id for row in notices if row is not None]


def _warn(session: Session, runtime: Runtime, worker: Worker, period: str) -> list[int]:
    premiums = runtime.settings.insurance_premiums
    chosen = [p for p in insurance.held(session, worker.id) if p in premiums]
    rows = [_first_charge_notice(session, runtime, worker, period, chosen)]
    needed = sum(premiums[p] for p in chosen)
    available = her_balance(session, runtime.settings, worker.account_id).available_cents
    if needed and available < needed:
        say = Say(m.INSURANCE_LOW, {"available": Money(available), "amount": Money(needed)})
        rows.append(
            write_notice_once(
                session,
                Notice(worker.person_id, "insurance_low", (say,)),
                f"low:{worker.id}:{period}",
            )
        )
    session.flush()
    return [row.id for row in rows if row is not None]


def _first_charge_notice(
    session: Session, runtime: Runtime, worker: Worker, period: str, chosen: list[str]
) -> OutboundMessage | None:
    """Before a product's first premium: what will be taken, when, and how to stop it."""
    charged_before = set(
        session.scalars(select(InsuranceCover.product).where(InsuranceCover.worker_id == worker.id))
    )
    first = [p for p in chosen if p not in charged_before]
    if not first:
        return None
    amount = sum(runtime.settings.insurance_premiums[p] for p in first)
    say = Say(
        m.PREMIUM_SOON,
        {
            "date": insurance.period_start(next_period(period)).date(),
            "amount": Money(amount),
            "products": products_named(first),
        },
    )
    return write_notice_once(
        session,
        Notice(worker.person_id, "premium_soon", (say,)),
        f"soon:{worker.id}:{period}",
    )


def premiums_taken(session: Session, worker: Worker, period: str) -> tuple[Say, ...]:
    """What the month's premiums took, and for which products she chose (why)."""
    rows = session.execute(
        select(InsuranceCover.product, Transfer.amount)
        .join(Transfer, Transfer.id == InsuranceCover.transfer_id)
        .where(
            InsuranceCover.worker_id == worker.id,
            InsuranceCover.period == period,
            InsuranceCover.status == CoverStatus.COVERED,
        )
        .order_by(InsuranceCover.id)
    ).all()
    if not rows:
        return ()
    amount = Money(sum(cents for _, cents in rows))
    return (
        Say(
            m.STATEMENT_PREMIUMS,
            {"amount": amount, "products": products_named([p for p, _ in rows])},
        ),
    )


def products_named(products: list[str]) -> Choices:
    return Choices(tuple(PRODUCT_NAMES[p] for p in products), numbered=False)
