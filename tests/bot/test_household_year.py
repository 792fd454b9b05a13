"""In January each household hears, in its language, what it added to each worker the year
before: once, from the clock; and a household's HISTORY says the same for this year."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import ledger
from bot.app import create_app
from bot.infra.config import Settings
from bot.models import OutboundMessage
from bot.ops import clock, household_year
from tests.bot.webhook_client import Twilio

WORKER = "+12125550123"
HOUSEHOLD = "+12125550199"


@pytest.fixture
def app(engine):
    app = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)))
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


def totals(app):
    with app.extensions["runtime"].sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.body).where(OutboundMessage.kind == "yearly_total")
            )
        )


def test_each_household_gets_its_yearly_total_once_in_its_language(app):
    twilio = Twilio(app)
    for text in ("hi", "1", "yes", "Maria", f"ADD {HOUSEHOLD} Ana"):
        twilio.text(WORKER, text)
    twilio.text(HOUSEHOLD, "ESPAÑOL")
    twilio.text(HOUSEHOLD, "si")
    twilio.text(WORKER, "done")
    twilio.text(HOUSEHOLD, "10")
    assert f"Usted ha aportado en {datetime.now(UTC).year}: Maria $10.00" in twilio.text(
        HOUSEHOLD, "historial"
    )
    runtime = app.extensions["runtime"]
    year = datetime.now(UTC).year
    assert household_year.send_yearly_totals(runtime, str(year)) == 1
    assert household_year.send_yearly_totals(runtime, str(year)) == 0
    assert household_year.send_yearly_totals(runtime, str(year - 1)) == 0  # nothing then
    assert totals(app) == [
        f"Para sus registros: en {year} usted ha aportado $10.00 al fondo de beneficios de Maria."
    ]
    with runtime.sessions() as session:
        assert ledger.check(session) == []


def test_the_clock_sends_them_in_january_only(app):
    runtime = app.extensions["runtime"]
    january = clock.tick(runtime, now=datetime(2027, 1, 1, 9, tzinfo=UTC))
    assert "yearly-totals-2026" in january
    december = clock.tick(runtime, now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert not any(job.startswith("yearly-totals") for job in december)
