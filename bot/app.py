"""The Flask application factory."""

import logging

from flask import Flask

from bot import health, spool, status_webhook, texts, webhook
from bot.config import Settings
from bot.dashboard import web as dashboard
from bot.logs import configure_logging
from bot.metrics_view import blueprint as metrics_blueprint
from bot.partners.api import blueprint as partner_api
from bot.runtime import Runtime
from bot.spool import drainer as spool_drainer
from conversations.dates import warm_up

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app on the given settings (from the environment by default)."""
    runtime = Runtime(settings or Settings.from_env())
    configure_logging(runtime.settings)  # before Flask, so it adds no handler of its own
    app = Flask(__name__)
    app.extensions["runtime"] = runtime
    app.register_blueprint(health.blueprint)
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(status_webhook.blueprint)
    app.register_blueprint(partner_api)  # /api/v1 for platforms and programs, by API key
    app.register_blueprint(metrics_blueprint)  # GET /metrics, for the fund's scraper only
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
