"""The Flask application factory."""

import logging

from flask import Flask

from bot import health, status_webhook, texts, webhook
from bot.config import Settings
from bot.runtime import Runtime
from conversations.dates import warm_up

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app on the given settings (from the environment by default)."""
    runtime = Runtime(settings or Settings.from_env())
    app = Flask(__name__)
    app.extensions["runtime"] = runtime
    app.register_blueprint(health.blueprint)
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(status_webhook.blueprint)
    texts.load_all()  # a broken catalog fails here, not in a person's conversation
    warm_up()  # the first date parse per language is slow; pay it before traffic
    if runtime.settings.twilio_auth_token is None:
        log.warning(
            "TWILIO_AUTH_TOKEN is not set: webhook signatures are checked against the LOCAL "
            "DEVELOPMENT token. Never expose this server to the internet like this."
        )
    return app
