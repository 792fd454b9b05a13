"""The Flask application factory."""

import logging
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from bot import health, spool, status_webhook, texts, webhook
from bot.config import Settings
from bot.dashboard import web as dashboard
from bot.logs import configure_logging
from bot.metrics_view import blueprint as metrics_blueprint
from bot.partners.api import blueprint as partner_api
from bot.payments.stripe import views as stripe_views
from bot.runtime import Runtime
from bot.spool import drainer as spool_drainer
from conversations.dates import warm_up

log = logging.getLogger(__name__)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per key, not per request.

    Flask opens a session for every request, webhooks included, and builds a new signer each
    time; the signer holds only the keys and settings, so one serves every thread."""

    def __init__(self) -> None:
        self._signers: dict[tuple[Any, ...], Any] = {}

    def get_signing_serializer(self, app: Flask) -> Any:
        """The signer for the app's current keys (made again only when they change)."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = super().get_signing_serializer(app)
            if signer is not None:
                self._signers = {keys: signer}  # the old keys' signer is of no more use
        return signer


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app on the given settings (from the environment by default)."""
    runtime = Runtime(settings or Settings.from_env())
    configure_logging(runtime.settings)  # before Flask, so it adds no handler of its own
    app = Flask(__name__)
    app.session_interface = CookieSessions()
    app.extensions["runtime"] = runtime
    app.register_blueprint(health.blueprint)
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(status_webhook.blueprint)
    app.register_blueprint(partner_api)  # /api/v1 for platforms and programs, by API key
    app.register_blueprint(metrics_blueprint)  # GET /metrics, for the fund's scraper only
    app.register_blueprint(stripe_views.blueprint)  # Stripe's webhook, households' pay links
    dashboard.init_app(app)  # the staff dashboard at /staff, behind a login
    texts.load_all()  # a broken catalog fails here, not in a person's conversation
    warm_up()  # the first date parse per language is slow; pay it before traffic
    if spool.files(runtime).has_entries():  # kept on this machine's disk before a restart
        spool_drainer.ensure_running(runtime)
    if runtime.settings.twilio_auth_token is None:
        log.warning(
            "TWILIO_AUTH_TOKEN is not set: webhook signatures are checked against the LOCAL "
            "DEVELOPMENT token. Never expose this server to the internet like this."
        )
    return app
