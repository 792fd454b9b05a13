"""The Flask application factory."""

import logging
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.channel import spool, status_webhook, webhook
from bot.channel.spool import drainer as spool_drainer
from bot.dashboard import web as dashboard
from bot.infra.config import Settings
from bot.infra.logs import configure_logging
from bot.infra.runtime import Runtime
from bot.ops import body_limits, health, observers, startup_warnings
from bot.ops.metrics_view import blueprint as metrics_blueprint
from bot.partners.api import blueprint as partner_api
from bot.payments.stripe import connect_views
from bot.payments.stripe import views as stripe_views
from bot.texting import texts
from conversations.dates import warm_up

log = logging.getLogger(__name__)
SESSIONLESS_PATHS = frozenset({"/webhooks/twilio/messages", "/webhooks/twilio/status"})


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per key, not per request.

    Flask opens a session for every request, webhooks included, and builds a new signer each
    time; the signer holds only the keys and settings, so one serves every thread."""

    def __init__(self) -> None:
        self._signers: dict[tuple[Any, ...], Any] = {}

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """No session for Twilio's webhooks: nothing there reads or writes one, and opening
        (then saving) the staff's cookie session cost every message a dozen lookups."""
        if request.path in SESSIONLESS_PATHS:
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> Any:
        """The signer for the app's current keys (made again only when they change)."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = super().get_signing_serializer(app)
            if signer is not None:
                self._signers = {keys: signer}  # the old keys' signer is of no more use
        return signer


def create_app(settings: Settings | None = None, *, server: bool = True) -> Flask:
    """Build the web app on the given settings (from the environment by default).

    server=False: for `chat`, which serves nobody: no warnings about serving unprotected."""
    runtime = Runtime(settings or Settings.from_env())
    observers.count_ledger_answers()
    configure_logging(runtime.settings)  # before Flask, so it adds no handler of its own
    app = Flask(__name__)
    app.session_interface = CookieSessions()
    if runtime.settings.trusted_proxies:  # the client address is the one they forwarded
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=runtime.settings.trusted_proxies)
    app.extensions["runtime"] = runtime
    body_limits.init_app(app)  # first: a body over the limit is refused before it is read
    app.register_blueprint(health.blueprint)
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(status_webhook.blueprint)
    app.register_blueprint(partner_api)  # /api/v1 for platforms and programs, by API key
    app.register_blueprint(metrics_blueprint)  # GET /metrics, for the fund's scraper only
    app.register_blueprint(stripe_views.blueprint)  # Stripe's webhook, households' pay links
    app.register_blueprint(connect_views.blueprint)  # workers' payout setup links
    dashboard.init_app(app)  # the staff dashboard at /staff, behind a login
    texts.load_all()  # a broken catalog fails here, not in a person's conversation
    warm_up()  # the first date parse per language is slow; pay it before traffic
    if spool.files(runtime).has_entries():  # kept on this machine's disk before a restart
        spool_drainer.ensure_running(runtime)
    if server:
        startup_warnings.for_server(runtime.settings)
    return app
