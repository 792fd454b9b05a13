"""The dashboard's blueprint on the app: session cookies, CSRF, sign-in guard, headers.

Every route of the blueprint is behind the sign-in guard below except the few named in
PUBLIC_ENDPOINTS; a new route is private unless it is added there.
"""

import logging
import secrets
from datetime import timedelta

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

from bot.dashboard import i18n, labels
from bot.dashboard.throttle import LoginThrottle
from bot.infra.runtime import Runtime
from bot.models import PAYOUT_METHODS

log = logging.getLogger(__name__)

blueprint = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/staff",
    template_folder="templates",
    static_folder="static",
)
csrf = CSRFProtect()
PUBLIC_ENDPOINTS = frozenset({"dashboard.login", "dashboard.language", "dashboard.static"})
SESSION_LIFETIME = timedelta(hours=12)
MAX_ROW_ID = 2**63 - 1  # PostgreSQL's BIGINT
# Made when this module is imported: `benefits-bot serve` imports it before gunicorn forks,
# so its workers share the key; processes started separately do not.
_PROCESS_KEY = secrets.token_hex(32)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # Flask-WTF compares the referrer on HTTPS
}


class RowId(IntegerConverter):
    """A row id in an address: a whole number a BIGINT column holds, else no such page.

    A larger number would reach the database and fail there (a 500); this way it is a 404."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)


def init_app(app: Flask) -> None:
    """Configure sessions and CSRF for the dashboard and register its routes."""
    from bot.dashboard import (  # noqa: F401, PLC0415
        actions,
        approve_action,
        auth,
        collections,
        export,
        number_move_action,
        pages,
    )

    settings = app.extensions["runtime"].settings
    app.secret_key = settings.secret_key or _PROCESS_KEY
    app.config.update(
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        WTF_CSRF_CHECK_DEFAULT=False,  # only the dashboard's forms: webhooks carry no token
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session it belongs to
    )
    csrf.init_app(app)
    i18n.install(app)
    app.jinja_env.globals.update(
        label=labels.label,
        error_text=labels.error_text,
        payout_methods=PAYOUT_METHODS,
        # Staff approve each payout and a rail sends it: an "Approve and send" button.
        approve_and_send=(
            settings.payout_approval == "staff" and settings.payout_provider != "manual"
        ),
    )
    i18n.load_all()
    app.extensions["login_throttle"] = LoginThrottle(app.extensions["runtime"].redis)
    app.url_map.converters["row_id"] = RowId  # before the blueprint's rules are bound
    app.register_blueprint(blueprint)


def runtime() -> Runtime:
    """The process's runtime (database sessions, settings, the queue)."""
    return current_app.extensions["runtime"]


@blueprint.before_request
def guard() -> ResponseReturnValue | None:
    """Sign-in first, then CSRF: an anonymous visitor is sent to the sign-in page."""
    if request.endpoint == "dashboard.static":
        return None
    from bot.dashboard.auth import current_staff  # noqa: PLC0415

    g.language = i18n.choose_language()
    g.staff = current_staff()
    if g.staff is None and request.endpoint not in PUBLIC_ENDPOINTS:
        wanted = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("dashboard.login", next=wanted), 303)
    csrf.protect()
    return None


@blueprint.after_request
def headers(response: Response) -> Response:
    """No framing, no foreign content, and pages with people's data never cached."""
    response.headers.update(SECURITY_HEADERS)
    if request.endpoint != "dashboard.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(404)
def missing(_error: Exception) -> ResponseReturnValue:
    """No such worker, payout or notice."""
    return render_template("dashboard/error.html", problem="missing"), 404


@blueprint.errorhandler(CSRFError)
def expired_form(_error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: most often a page left open across a new sign-in."""
    return render_template("dashboard/error.html", problem="form"), 400
