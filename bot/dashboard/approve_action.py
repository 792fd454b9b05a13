"""Approve and send a day off (`PAYOUT_APPROVAL=staff` with a rail that moves money).

The approval is recorded first (who and when; the first one stands), then the day off is
sent through the rail as the payout run would send it: written "sending" before the rail is
called, asked about before any retry, so a double click or a second member of staff never
sends it twice. A payout that waits for her account is sent by the hourly run once she has
one, without another click.
"""

import logging

from flask import abort, flash, g, redirect
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from bot import ledger
from bot.channel import outbox
from bot.dashboard.actions import _back
from bot.dashboard.i18n import gettext as _
from bot.dashboard.web import blueprint, runtime
from bot.fund import payout_approvals, payout_sending, payouts
from bot.infra.db import run_in_transaction
from bot.models import PayoutRecord, PayoutStatus
from bot.payouts_rail.services import payout_provider

log = logging.getLogger(__name__)


def approving() -> bool:
    """Whether staff approve each payout and a rail sends it (not an officer by hand)."""
    settings = runtime().settings
    return settings.payout_approval == "staff" and settings.payout_provider != "manual"


@blueprint.post("/payouts/<row_id:transfer_id>/approve")
def approve(transfer_id: int) -> ResponseReturnValue:
    """Record this staff member's approval, then send the day off through the rail."""
    if not approving():
        abort(404)
    email = g.staff.email
    try:
        run_in_transaction(
            runtime().sessions, lambda s: payout_approvals.approve(s, transfer_id, email)
        )
    except ledger.LedgerError:
        flash(_("This day off was already settled. Nothing changed."), "info")
        return redirect(_back(), 303)
    except payouts.PayoutRefused:
        flash(_("Her payouts are on hold after a change. Nothing was sent."), "error")
        return redirect(_back(), 303)
    settings = runtime().settings
    provider = payout_provider(settings, runtime().sessions)
    try:
        sent = payout_sending.send(runtime().sessions, provider, transfer_id, settings.currency)
    except ledger.LedgerError:  # voided or paid by hand a moment ago
        flash(_("This day off was already settled. Nothing changed."), "info")
        return redirect(_back(), 303)
    outbox.hand_over(runtime(), sent.outbox_ids)
    log.info("staff #%s approved day off #%s: %s", g.staff.id, transfer_id, sent.status)
    flash(_said(transfer_id, sent.status), "error" if sent.status is PayoutStatus.FAILED else "ok")
    return redirect(_back(), 303)


def _said(transfer_id: int, status: PayoutStatus | None) -> str:
    values = {"id": transfer_id}
    if status is PayoutStatus.SENT or status is PayoutStatus.PAID:
        return _("Day off #%(id)s is approved and sent. The worker is being told.") % values
    if status is PayoutStatus.FAILED:
        return _("Day off #%(id)s could not be sent: the money is back in her balance.") % values
    if status is PayoutStatus.SENDING:
        return (
            _("Day off #%(id)s is approved. The payout rail did not answer; it is asked again.")
            % values
        )
    with runtime().sessions() as session:
        record = session.scalar(
            select(PayoutRecord.status).where(PayoutRecord.transfer_id == transfer_id)
        )
    if record is not None:
        return _("Day off #%(id)s was already sent. Nothing changed.") % values
    return _("Day off #%(id)s is approved. It is sent once her payout account is ready.") % values
