"""`benefits-bot serve`: the app under gunicorn, the same server the Procfile runs."""

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from bot.ops import gunicorn_config


class Server(BaseApplication):
    """gunicorn with its options given in code rather than on its command line."""

    def __init__(self, app_factory: Any, options: dict[str, Any]) -> None:
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand gunicorn the Procfile's settings (`bot.ops.gunicorn_config`), then our options."""
        for name, value in vars(gunicorn_config).items():
            if name in self.cfg.settings:  # type: ignore[union-attr]
                self.cfg.set(name, value)  # type: ignore[union-attr]
        for name, value in self.options.items():
            self.cfg.set(name, value)  # type: ignore[union-attr]

    def load(self) -> Flask:
        """Build the app in each worker process, after the fork."""
        return self.app_factory()
