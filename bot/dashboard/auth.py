"""Signing staff in and out, and who is signed in.

The session cookie holds the account id, when the sign-in happened and the account's session
version then; every request reads the account again, so a disabled account, or a cookie kept
from before a sign-out or a new password (the version moved on), is out at its next click.
"""

import logging
import time
from dataclasses import dataclass

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from bot.dashboard import accounts
from bot.dashboard.i18n import gettext as _
from bot.dashboard.web import SESSION_LIFETIME, blueprint, runtime
from bot.infra.db import run_in_transaction
from bot.infra.orm import utcnow
from bot.models import StaffAccount
from conversations.keywords import LANGUAGES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member."""

    id: int
    email: str


def current_staff() -> Staff | None:
    """The enabled account this session signed in as, within the session's lifetime."""
    staff_id, since, version = session.get("staff_id"), session.get("since"), session.get("version")
    if not all(isinstance(value, int) for value in (staff_id, since, version)):
        return None
    if time.time() - since > SESSION_LIFETIME.total_seconds():
        session.clear()
        return None
    with runtime().sessions() as db:
        account = db.get(StaffAccount, staff_id)
        ended = account is None or account.session_version != version  # signed out since
        if ended or account.disabled_at is not None:
            session.clear()
            return None
        return Staff(account.id, account.email)


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form; a wrong address or password gets one answer, after the same work."""
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("dashboard/login.html", next=target)
    email = request.form.get("email", "")[: accounts.MAX_EMAIL + 1]
    password = request.form.get("password", "")
    throttle = current_app.extensions["login_throttle"]
    client = request.remote_addr or "unknown"
    if throttle.blocked(email, client):
        log.warning("dashboard sign-in refused: too many failures")
        flash(_("Too many failed attempts. Wait 15 minutes and try again."), "error")
        return render_template("dashboard/login.html", next=target, email=email), 429

    def sign_in(db: Session) -> tuple[int, int] | None:
        account = accounts.verify(db, email, password)
        if account is None:
            return None
        account.last_login_at = utcnow()
        return account.id, account.session_version

    signed_in = run_in_transaction(runtime().sessions, sign_in)
    if signed_in is None:
        throttle.failed(email, client)
        flash(_("That email and password do not match an account."), "error")
        return render_template("dashboard/login.html", next=target, email=email), 401
    chosen = session.get("language")
    session.clear()  # nothing from before the sign-in survives it
    session.permanent = True
    staff_id, version = signed_in
    session.update(staff_id=staff_id, since=int(time.time()), version=version)
    if chosen:
        session["language"] = chosen
    log.info("staff #%s signed in", staff_id)
    return redirect(target or url_for("dashboard.overview_page"), 303)


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (a POST, so that a link on another site cannot do it) everywhere: a copy of
    this cookie, or one on another computer, stops working too."""
    staff = g.staff

    def end_sessions(db: Session) -> None:
        account = db.get(StaffAccount, staff.id)
        if account is not None:
            accounts.end_sessions(account)

    if staff is not None:
        run_in_transaction(runtime().sessions, end_sessions)
        log.info("staff #%s signed out", staff.id)
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("dashboard.login"), 303)


@blueprint.post("/language")
def language() -> ResponseReturnValue:
    """Keep the staff member's language for this session."""
    chosen = request.form.get("language")
    if chosen in LANGUAGES:
        session["language"] = chosen
    return redirect(_safe_next(request.form.get("next")) or url_for("dashboard.overview_page"), 303)


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the dashboard: never another site (`//evil`, `/\\evil`)."""
    if not target or not target.startswith("/staff/") or target.startswith("/staff//"):
        return None
    if "\\" in target or any(ord(character) < 32 for character in target):
        return None
    return target
