"""The payout run: each hour, payouts whose answer was lost are asked about and settled (and
those sent a day ago and never heard of since), and
the days off that may go are sent through the rail: with `PAYOUT_APPROVAL=auto` those whose
day has come, with `staff` those staff approved (and that were waiting for her account).

Idempotent: a day off has one payout record (unique per reserved day off) and the rail one
key per day off, so two runs at once, or a run repeated, send nothing twice.
"""

import logging
from datetime import datetime, timedelta
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
# A payout sent this long ago whose news (paid or failed) never came is asked about: the
# rail's events may all have been lost. Standard bank payouts take a business day or two.
QUIET_AFTER = timedelta(days=1)


def period_of(now: datetime) -> str:
    """The run's period: one an hour."""
    return now.strftime("%Y%m%dT%H")


def send_due(
    runtime: Runtime, _period: str | None = None, provider: PayoutProvider | None = None
) -> int:
    """Settle payouts left sending, send the days off that may go, ask about payouts sent
    long ago and never heard of; how many payouts moved."""
    provider = provider or payout_provider(runtime.settings, runtime.sessions)
    settings = runtime.settings
    sending, due, quiet = _to_do(runtime, provider)
    moved = 0
    for transfer_id in sending + due + quiet:
        try:
            if transfer_id in quiet:
                sent = payout_sending.ask_about(runtime.sessions, provider, transfer_id)
            else:
                sent = payout_sending.send(
                    runtime.sessions, provider, transfer_id, settings.currency
                )
        except ledger.LedgerError as error:  # settled meanwhile: the others still go
            log.warning("payout run: day off #%s skipped: %s", transfer_id, error)
            continue
        outbox.hand_over(runtime, sent.outbox_ids)
        still = (None, PayoutStatus.SENDING) + (
            (PayoutStatus.SENT,) if transfer_id in quiet else ()
        )
        moved += sent.status not in still
    if moved:
        log.info("payout run: %s payouts moved through %s", moved, provider.name)
    return moved


def _to_do(runtime: Runtime, provider: PayoutProvider) -> tuple[list[int], list[int], list[int]]:
    """Payouts of this rail left sending, days off that may go, payouts sent long ago."""
    settings = runtime.settings
    mine = PayoutRecord.provider == provider.name
    with runtime.sessions() as session:
        sending = list(
            session.scalars(
                select(PayoutRecord.transfer_id).where(
                    mine, PayoutRecord.status == PayoutStatus.SENDING
                )
            )
        )
        today = utcnow().astimezone(ZoneInfo(settings.default_time_zone)).date()
        if settings.payout_approval == "auto":
            due = payout_sending.due(session, today)
        else:
            due = payout_approvals.approved(session)
        quiet = list(
            session.scalars(
                select(PayoutRecord.transfer_id).where(
                    mine,
                    PayoutRecord.status == PayoutStatus.SENT,
                    PayoutRecord.created_at < utcnow() - QUIET_AFTER,
                )
            )
        )
    return sending, due, quiet
