"""The Flask application factory."""

from flask import Flask

from bot import health
from bot.config import Settings
from bot.runtime import Runtime


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app on the given settings (from the environment by default)."""
    runtime = Runtime(settings or Settings.from_env())
    app = Flask(__name__)
    app.extensions["runtime"] = runtime
    app.register_blueprint(health.blueprint)
    return app
