"""Moving a worker to a new phone number from her page: staff say why and how they checked
who she is; both are kept with the move, both numbers are told, and her payouts wait."""

import logging

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from bot.channel import outbox
from bot.dashboard.i18n import gettext as _
from bot.dashboard.web import blueprint, runtime
from bot.fund import number_moves
from bot.infra.db import run_in_transaction
from bot.infra.phone import InvalidPhoneNumber, mask_phone, normalize_phone

log = logging.getLogger(__name__)


@blueprint.post("/workers/<row_id:worker_id>/number")
def move_number(worker_id: int) -> ResponseReturnValue:
    """Give her account a new number, after checking who she is, with a reason."""
    back = url_for("dashboard.worker_page", worker_id=worker_id)
    settings = runtime().settings
    reason = _field("reason")
    checked = _field("identity_check")
    try:
        new_phone = normalize_phone(request.form.get("phone", ""), settings.default_region)
    except InvalidPhoneNumber:
        flash(_("That is not a phone number."), "error")
        return redirect(back, 303)
    if not (reason and checked):
        flash(_("Say why, and how you checked who she is."), "error")
        return redirect(back, 303)
    try:
        move = run_in_transaction(
            runtime().sessions,
            lambda session: number_moves.move_number(
                session,
                worker_id,
                new_phone,
                reason=reason,
                identity_check=checked,
                staff_email=g.staff.email,
                hold_hours=settings.payout_change_hold_hours,
            ),
        )
    except LookupError:
        abort(404)
    except number_moves.MoveRefused:
        flash(_("That number already belongs to someone the fund knows, or is hers."), "error")
        return redirect(back, 303)
    outbox.hand_over(runtime(), move.outbox_ids)
    log.info("staff #%s moved worker #%s to %s", g.staff.id, worker_id, mask_phone(new_phone))
    flash(_("Her account now uses the new number. Both numbers are being told."), "ok")
    return redirect(back, 303)


def _field(name: str) -> str:
    return " ".join(request.form.get(name, "").split())[: number_moves.MAX_TEXT]
