"""DONE for a household that texted STOP: she is told it cannot be asked and what to do,
not "I asked them"; the visit waits, and the household's YES after START confirms it."""

from sqlalchemy import select

from bot.models import OutboundMessage, OutboundStatus, Visit, VisitStatus
from tests.bot.test_webhook import HOUSEHOLD, WORKER, app, join, make_app, twilio  # noqa: F401


def outbox(app):  # noqa: F811
    with app.extensions["runtime"].sessions() as session:
        return [(row.kind, row.status) for row in session.scalars(select(OutboundMessage))]


def visits(app):  # noqa: F811
    with app.extensions["runtime"].sessions() as session:
        return [visit.status for visit in session.scalars(select(Visit))]


def test_done_after_the_household_stopped_says_so_and_how_to_come_back(app, twilio):  # noqa: F811
    join(twilio)
    twilio.text(WORKER, f"add {HOUSEHOLD} Ana")
    twilio.text(HOUSEHOLD, "yes")
    stopped = twilio.text(HOUSEHOLD, "STOP")  # household wording: no "your money stays yours"
    assert "we cannot ask you about visits" in stopped and "money" not in stopped
    told = twilio.text(WORKER, "done yesterday")
    assert told.startswith("Ana has stopped our texts, so I could not ask them about ")
    assert "text START, then YES, to this number" in told and "I asked" not in told
    assert ("visit_prompt", OutboundStatus.SUPPRESSED) not in outbox(app)
    assert not [kind for kind, _ in outbox(app) if kind == "visit_prompt"]
    assert "stopped our texts" in twilio.text(WORKER, "done yesterday")  # asked again: the same
    assert visits(app) == [VisitStatus.REPORTED]
    twilio.text(HOUSEHOLD, "START")
    twilio.text(HOUSEHOLD, "yes")
    assert visits(app) == [VisitStatus.CONFIRMED]


def test_in_spanish(app, twilio):  # noqa: F811
    for text in ("hola", "2", "si", "Lucía"):
        twilio.text(WORKER, text)
    twilio.text(WORKER, f"agregar {HOUSEHOLD} Ana")
    twilio.text(HOUSEHOLD, "si")
    twilio.text(HOUSEHOLD, "STOP")
    told = twilio.text(WORKER, "listo ayer")
    assert told.startswith("Ana ha dejado de recibir nuestros mensajes")
    assert "START" in told and "Gracias" not in told
