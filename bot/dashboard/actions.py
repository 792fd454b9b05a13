"""What staff do from the dashboard: pay or void a day off, send a failed notice again.

Each runs in one transaction through the fund's own operations, and hands the notices it
wrote to the queue only after commit. Each is safe to repeat: a second click finds the first
one's result and changes nothing.
"""

import logging

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from bot import ledger
from bot.channel import outbox
from bot.dashboard import undelivered
from bot.dashboard.i18n import gettext as _
from bot.dashboard.web import blueprint, runtime
from bot.fund import payouts
from bot.infra.db import run_in_transaction
from bot.ledger import Rejection

log = logging.getLogger(__name__)
MAX_REASON = 200


@blueprint.post("/payouts/<row_id:transfer_id>/pay")
def pay(transfer_id: int) -> ResponseReturnValue:
    """Record a reserved day off paid, how and where: the ledger posts it and she is told."""
    reference = " ".join(request.form.get("reference", "").split())
    try:
        how = payouts.HowPaid(request.form.get("method", ""), reference, g.staff.email)
    except ValueError:
        flash(_("Say how it was paid (cash, check, bank, card) and its reference."), "error")
        return redirect(_back(), 303)
    return _settle(transfer_id, reason=None, how=how)


@blueprint.post("/payouts/<row_id:transfer_id>/void")
def void(transfer_id: int) -> ResponseReturnValue:
    """Cancel a reserved day off, with a reason: the money is hers again and she is told."""
    reason = " ".join(request.form.get("reason", "").split())[:MAX_REASON]
    if not reason:
        flash(_("Say why the day off will not be paid."), "error")
        return redirect(_back(), 303)
    return _settle(transfer_id, reason=reason)


def _settle(
    transfer_id: int, reason: str | None, how: payouts.HowPaid | None = None
) -> ResponseReturnValue:
    def work(session: Session) -> payouts.Settled:
        if how is not None:
            return payouts.pay(session, transfer_id, how)
        return payouts.void(session, transfer_id, reason)

    try:
        settled = run_in_transaction(runtime().sessions, work)
    except ledger.IdempotencyConflict:  # voided before, with another reason
        flash(_("This day off was already settled. Nothing changed."), "info")
        return redirect(_back(), 303)
    except ledger.LedgerError:
        abort(404)
    except payouts.PayoutRefused:
        flash(
            _(
                "This day off is being paid through the payout rail, or her payouts are on "
                "hold. Nothing changed."
            ),
            "error",
        )
        return redirect(_back(), 303)
    if not settled.done:
        flash(_already(settled.already), "info")
        return redirect(_back(), 303)
    outbox.hand_over(runtime(), settled.outbox_ids)
    log.info(
        "staff #%s %s day off #%s", g.staff.id, "paid" if reason is None else "voided", transfer_id
    )
    if reason is None:
        flash(_("Day off #%(id)s is paid. The worker is being told.") % {"id": transfer_id}, "ok")
    else:
        flash(_("Day off #%(id)s is voided. The worker is being told.") % {"id": transfer_id}, "ok")
    return redirect(_back(), 303)


def _already(rejection: Rejection | None) -> str:
    if rejection is Rejection.PENDING_ALREADY_VOIDED:
        return _("This day off was voided before. Nothing changed.")
    if rejection is Rejection.PENDING_ALREADY_POSTED:
        return _("This day off was paid before. Nothing changed.")
    return _("This day off was already settled. Nothing changed.")


@blueprint.post("/messages/<row_id:notice_id>/resend")
def resend(notice_id: int) -> ResponseReturnValue:
    """Send a failed notice again, as a new notice, at most once however often clicked."""
    try:
        resent = run_in_transaction(
            runtime().sessions,
            lambda session: undelivered.resend(session, notice_id),
        )
    except LookupError:
        abort(404)
    outcome = resent.outcome
    if outcome is undelivered.Resend.QUEUED and resent.notice_id is not None:
        outbox.hand_over(runtime(), [resent.notice_id])
        log.info("staff #%s resent notice #%s as #%s", g.staff.id, notice_id, resent.notice_id)
        flash(_("Message #%(id)s is on its way again.") % {"id": notice_id}, "ok")
    elif outcome is undelivered.Resend.ALREADY:
        flash(_("Message #%(id)s was already sent again.") % {"id": notice_id}, "info")
    elif outcome is undelivered.Resend.OPTED_OUT:
        flash(_("This person texted STOP on that channel: nothing was sent."), "error")
    else:
        flash(_("Only failed or undelivered messages can be sent again."), "error")
    return redirect(url_for("dashboard.messages_page"), 303)


def _back() -> str:
    """Back to the page the form was on (the queue or the worker's page)."""
    worker_id = request.form.get("worker", type=int)
    if worker_id:
        return url_for("dashboard.worker_page", worker_id=worker_id)
    return url_for("dashboard.payouts_page")
