"""HISTORY through the webhook: newest first by the day of the work, whatever order the
households confirmed in; MORE goes on in that order."""

from tests.bot.test_webhook import WORKER, app, join, make_app, twilio  # noqa: F401

ANA, CASA = "+12125550199", "+12125550188"


def lines(reply: str) -> list[str]:
    return [line for line in reply.splitlines()[1:] if "$" in line]


def test_history_is_newest_first_by_the_day_worked_not_the_day_confirmed(twilio):  # noqa: F811
    join(twilio)
    for phone, name in ((ANA, "Ana"), (CASA, "Casa")):
        twilio.text(WORKER, f"add {phone} {name}")
        twilio.text(phone, "yes")
    for days_ago in range(6, 0, -1):  # Ana for six days back, each asked and left open
        day = f"{days_ago} days ago" if days_ago > 1 else "yesterday"
        twilio.text(WORKER, f"done ana {day}")
    twilio.text(WORKER, "done casa today")
    twilio.text(CASA, "yes")  # Casa first, for today
    assert "6 visits" in twilio.text(ANA, "yes to all")  # then Ana's six older days
    first = lines(twilio.text(WORKER, "history"))
    assert first[0].endswith("Casa") and all(line.endswith("Ana") for line in first[1:])
    older = lines(twilio.text(WORKER, "more"))
    assert len(first) == 5 and len(older) == 2
    days = [line.split(": ")[0] for line in first + older]
    assert len(set(days)) == 7  # seven days, each once, newest first
