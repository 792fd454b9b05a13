"""The payout run: each hour, payouts whose answer was lost are asked about and settled, and
the days off that may go are sent through the rail: with `PAYOUT_APPROVAL=auto` those whose
day has come, with `staff` those staff approved (and that were waiting for her account).

Idempotent: a day off has one payout record (unique per reserved day off) and the rail one
key per day off, so two runs at once, or a run repeated, send nothing twice.
"""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import ledger
from bot.channel import outbox
from bot.fund import payout_approvals, payout_sending
from bot.infra.orm import utcnow
from bot.infra.runtime import Runtime
from bot.models import PayoutRecord, PayoutStatus
from bot.payouts_rail.interfaces import PayoutProvider
from bot.payouts_rail.services import payout_provider

log = logging.getLogger(__name__)


def period_of(now: datetime) -> str:
    """The run's period: one an hour."""
    return now.strftime("%Y%m%dT%H")


def send_due(
    runtime: Runtime, _period: str | None = None, provider: PayoutProvider | None = None
) -> int:
    """Settle payouts left sending, then send the days off that may go; how many payouts
    moved."""
    provider = provider or payout_provider(runtime.settings, runtime.sessions)
    settings = runtime.settings
    with runtime.sessions() as session:
        sending = list(
            session.scalars(
                select(PayoutRecord.transfer_id).where(
                    PayoutRecord.status == PayoutStatus.SENDING,
                    PayoutRecord.provider == provider.name,
                )
            )
        )
        today = utcnow().astimezone(ZoneInfo(settings.default_time_zone)).date()
        if settings.payout_approval == "auto":
            due = payout_sending.due(session, today)
        else:
            due = payout_approvals.approved(session)
    moved = 0
    for transfer_id in sending + due:
        try:
            sent = payout_sending.send(runtime.sessions, provider, transfer_id, settings.currency)
        except ledger.LedgerError as error:  # settled meanwhile: the others still go
            log.warning("payout run: day off #%s skipped: %s", transfer_id, error)
            continue
        outbox.hand_over(runtime, sent.outbox_ids)
        moved += sent.status not in (None, PayoutStatus.SENDING)
    if moved:
        log.info("payout run: %s payouts moved through %s", moved, provider.name)
    return moved
