"""The app a webhook test talks to when it needs nothing special: its own database, limits
no test conversation reaches, notices kept quiet. A test module that needs other settings
defines its own `app`, which wins over this one."""

import pytest

from bot.app import create_app
from bot.infra.config import Settings
from tests.bot.webhook_client import Twilio


@pytest.fixture
def app(engine):
    app = create_app(
        Settings(
            database_url=engine.url.render_as_string(hide_password=False),
            inbound_limit=(200, 600),
            identical_outbound_limit=(200, 3600),
        )
    )
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def twilio(app):
    return Twilio(app)
