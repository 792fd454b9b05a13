"""A household's HISTORY: what it added to each worker's benefits this year."""

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.keywords import Intent
from conversations.ports import Role
from conversations.states import State
from conversations.talk import Choices, Money


def household_history(step: Step) -> None:
    """HISTORY or BALANCE from a household: its contributions this year, per worker."""
    given = step.fund.given_this_year()
    year = str(step.inbound.today.year)
    if not given:
        step.say(m.HOUSEHOLD_GIVEN_NONE, year=year)
    else:
        totals = tuple((g.worker_name, Money(g.amount_cents)) for g in given)
        step.say(m.HOUSEHOLD_GIVEN, year=year, list=Choices(totals, numbered=False))
    step.go(State.IDLE)


# "How much have I given?", "balance", "history" from a household: what it gave this year.
ASKS_GIVEN = frozenset({Intent.HISTORY, Intent.BALANCE, Intent.MORE})

COMMANDS: tuple[Rule, ...] = (
    rule(
        "household history",
        lambda step: step.profile.role is Role.HOUSEHOLD and step.reading.intent in ASKS_GIVEN,
        household_history,
        State.IDLE,
    ),
)
