"""Money in, for staff: who owes the fund and since when, the provider's money against the
ledger, and recording cash, a check or a transfer from a household or a partner.

What it shows and what it records come from `bot.payments`, through the same functions as
`benefits-bot collections list|reconcile|record|record-partner`: this module only reads the
forms and says what happened in the staff member's language.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from bot import ledger
from bot.channel import outbox
from bot.dashboard.amounts import NotAnAmount, parse_cents
from bot.dashboard.i18n import gettext as _
from bot.dashboard.i18n import money
from bot.dashboard.web import blueprint, runtime
from bot.infra.db import run_in_transaction
from bot.infra.phone import InvalidPhoneNumber, normalize_phone
from bot.models import Contributor, Partner
from bot.payments import collections, owing, partner_money, recording, runner
from bot.payments.interfaces import ProviderUnavailable
from bot.payments.reconcile import Reconciliation

log = logging.getLogger(__name__)
T = TypeVar("T")
RECONCILE_DAYS = 35  # as `collections reconcile` by default


class FormError(ValueError):
    """What is wrong with a form, in the staff member's words."""


@dataclass(frozen=True)
class Entered:
    """A payment form as staff filled it in, shown again beside its error."""

    kind: str  # household or partner
    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None


@blueprint.get("/collections")
def collections_page() -> ResponseReturnValue:
    """Who owes the fund and since when, the provider against the ledger, and the forms."""
    picked = request.args.get("household", "")
    return _page(Entered("household", {"household": picked} if picked.isdigit() else {}))


@blueprint.post("/collections/households")
def record_household() -> ResponseReturnValue:
    """Record cash, a check or a transfer from a household: its oldest pledges are paid."""
    entered = _entered("household", ("household", "phone", "amount", "reference"))

    def work(session: Session) -> collections.Recorded:
        household = _household(session, entered)
        return recording.record_household(
            session, household, cents, entered.values["reference"], recorded_by=g.staff.email
        )

    try:
        cents = _amount(entered)
        recorded = _record(work)
    except FormError as error:
        return _page(Entered("household", entered.values, str(error)), 400)
    outbox.hand_over(runtime(), recorded.outbox_ids)
    if recorded.new:
        log.info("staff #%s recorded %s cents from a household", g.staff.id, cents)
        text = _("%(amount)s is recorded. The household is being texted a receipt.")
        flash(text % {"amount": money(cents)}, "ok")
    else:
        text = _(
            "That payment was recorded before (same household and reference). Nothing changed."
        )
        flash(text, "info")
    return redirect(url_for("dashboard.collections_page"), 303)


@blueprint.post("/collections/partners")
def record_partner() -> ResponseReturnValue:
    """Record a partner's transfer into the fund: what it owes for its API payments falls."""
    entered = _entered("partner", ("partner", "amount", "reference"))

    def work(session: Session) -> tuple[bool, str]:
        partner = _partner(session, entered)
        new = recording.record_partner(
            session, partner, cents, entered.values["reference"], recorded_by=g.staff.email
        )
        return new, partner.name

    try:
        cents = _amount(entered)
        new, name = _record(work)
    except FormError as error:
        return _page(Entered("partner", entered.values, str(error)), 400)
    if new:
        log.info("staff #%s recorded a partner's transfer of %s cents", g.staff.id, cents)
        text = _("%(amount)s from %(partner)s is recorded as received.")
        flash(text % {"amount": money(cents), "partner": name}, "ok")
    else:
        text = _("That transfer was recorded before (same partner and reference). Nothing changed.")
        flash(text, "info")
    return redirect(url_for("dashboard.collections_page"), 303)


def _page(entered: Entered, status: int = 200) -> ResponseReturnValue:
    with runtime().sessions() as session:
        rows = owing.everyone_owing(session)
        partners = [
            partner_money.partner_owed(session, partner) for partner in recording.partners(session)
        ]
    page = render_template(
        "dashboard/collections.html",
        rows=rows,
        partners=partners,
        provider=runner.service(runtime()).name,
        reconciled=_reconciled(),
        days=RECONCILE_DAYS,
        entered=entered,
    )
    return page, status


def _reconciled() -> Reconciliation | None:
    """The provider's money against the ledger; None when the provider cannot be asked."""
    try:
        return runner.reconcile_recent(runtime(), RECONCILE_DAYS)
    except ProviderUnavailable as error:
        log.warning("collections page: %s", error)
        return None


def _entered(kind: str, names: tuple[str, ...]) -> Entered:
    return Entered(kind, {name: " ".join(request.form.get(name, "").split()) for name in names})


def _amount(entered: Entered) -> int:
    """The amount in cents, once amount and reference are both sound."""
    try:
        cents = parse_cents(entered.values["amount"])
    except NotAnAmount:
        text = _("Write the amount in dollars and cents, such as %(example)s.")
        raise FormError(text % {"example": money(1250)}) from None
    if not 0 < cents <= ledger.MAX_TRANSFER_CENTS:
        text = _("The amount must be more than zero and at most %(max)s.")
        raise FormError(text % {"max": money(ledger.MAX_TRANSFER_CENTS)})
    reference = entered.values["reference"]
    if not reference or len(reference) > recording.MAX_REFERENCE:
        text = _(
            "Write the reference (receipt, check or transfer number), at most %(count)s characters."
        )
        raise FormError(text % {"count": recording.MAX_REFERENCE})
    return cents


def _household(session: Session, entered: Entered) -> Contributor:
    """The household typed (its number) or else picked."""
    phone, picked = entered.values["phone"], entered.values["household"]
    if phone:
        try:
            number = normalize_phone(phone, runtime().settings.default_region)
        except InvalidPhoneNumber:
            raise FormError(_("That is not a phone number: type it with its area code.")) from None
        return recording.household_by_phone(session, number)
    if not picked.isdigit():
        raise FormError(_("Pick the household, or type its phone number."))
    return recording.household_by_id(session, int(picked))


def _partner(session: Session, entered: Entered) -> Partner:
    picked = entered.values["partner"]
    if not picked.isdigit():
        raise FormError(_("Pick the partner that made the transfer."))
    return recording.partner_by_id(session, int(picked))


def _record(work: Callable[[Session], T]) -> T:
    """Record in one transaction; what the fund refuses becomes the form's error."""
    try:
        return run_in_transaction(runtime().sessions, work)
    except recording.UnknownPartner:
        raise FormError(_("No such partner.")) from None
    except recording.UnknownHousehold:
        raise FormError(_("No household has that phone number.")) from None
    except ledger.IdempotencyConflict:
        raise FormError(
            _("That reference was recorded before with another amount. Nothing changed.")
        ) from None
