"""The insurance offer after a worker's first contribution: a text per product (what it
covers, its price, the day it is taken, how to stop), sent once, from the clock.

Run from the clock rather than inside the contribution's turn, so it follows her first money
whatever brought it (a household's YES, a platform's jump-start, a program) and the receipt
stays the last word of a contribution.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel import choices, offer_template, outbox
from bot.fund import insurance
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.ledger import Account
from bot.models import Channel, InsuranceOffer, Worker, WorkerStatus
from bot.texting.notices import write_notice_once
from conversations.flows.insurance import offer_says
from conversations.talk import Notice


def offer_after_first_contribution(runtime: Runtime, _period: str | None = None) -> int:
    """Offer insurance to every active worker with money in and no offer yet; return how many."""
    if not runtime.settings.insurance_premiums:
        return 0
    with runtime.sessions() as session:
        worker_ids = list(
            session.scalars(
                select(Worker.id)
                .join(Account, Account.id == Worker.account_id)
                .outerjoin(InsuranceOffer, InsuranceOffer.worker_id == Worker.id)
                .where(
                    Worker.status == WorkerStatus.ACTIVE,
                    Account.credits_posted + Account.credits_pending > 0,  # a pledge counts
                    InsuranceOffer.worker_id.is_(None),
                )
                .order_by(Worker.id)
            )
        )
    offered = 0
    for worker_id in worker_ids:

        def offer(session: Session, worker_id: int = worker_id) -> list[int]:
            return _offer(session, runtime, worker_id)

        outbox_ids = run_in_transaction(runtime.sessions, offer)
        outbox.hand_over(runtime, outbox_ids)
        offered += bool(outbox_ids)
    return offered


def _offer(session: Session, runtime: Runtime, worker_id: int) -> list[int]:
    worker = session.get(Worker, worker_id)
    if worker is None or insurance.was_offered(session, worker_id):
        return []
    products = offer_template.products(runtime.settings.insurance_premiums)
    notice = Notice(worker.person_id, offer_template.KIND, offer_says(products))
    row = write_notice_once(session, notice, f"offer:{worker_id}")
    if row is None:  # another run offered it a moment ago
        return []
    if row.channel == Channel.WHATSAPP:  # each product, and No thanks, as a list to tap
        row.choices = choices.of_replies(notice.says, row.language)
    insurance.offer(session, worker_id)
    return [row.id]
