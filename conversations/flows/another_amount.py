"""Another amount: a household that wants to give more or less than a visit suggests.

WhatsApp's "Another amount" button (or the words) asks how much, for that visit (its number
when several are open); the amount she types next is for it. Any other answer is read as
usual.
"""

import re

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.answers import read_answer
from conversations.flows.anywhere import follow_written_language
from conversations.flows.household import (
    confirm,
    from_household,
    household_answer,
    member_goes_on,
    which,
)
from conversations.keywords import Intent
from conversations.ports import Role
from conversations.states import State
from conversations.talk import Choices, Money


def asks_another_amount(step: Step) -> bool:
    """A household's "another amount" (its button, or the words) for a visit to confirm."""
    return step.profile.role is Role.HOUSEHOLD and step.reading.intent is Intent.AMOUNT


def ask_amount(step: Step) -> None:
    """How much, for the visit she means (its number when several are open)."""
    follow_written_language(step)
    visits = step.fund.open_visits()
    said = re.search(r"(?:^|\s)#?(\d{1,2})(?:\s|$)", step.reading.rest)
    visit = which(visits, int(said.group(1)) if said else None)
    if not visits:
        step.say(m.NOTHING_TO_CONFIRM)
    elif visit is None:
        labels = tuple((f"#{v.number}", v.worker_name, v.day) for v in visits)
        step.say(m.PROMPTS_WHICH, list=Choices(labels, numbered=False))
    else:
        step.say(m.AMOUNT_HOW, worker=visit.worker_name, date=visit.day)
        step.go(State.GIVING_AMOUNT, visit=visit.number)
        return
    step.go(State.IDLE)


def gives_amount(step: Step) -> bool:
    """An amount alone, after "how much?"."""
    if step.profile.role is not Role.HOUSEHOLD:
        return False
    answer = read_answer(step.reading.text, set(), step.language)
    return answer is not None and answer.cents is not None and answer.number is None


def give_amount(step: Step) -> None:
    """The amount for the visit she asked about, if it is still open; else as usual."""
    visit = which(step.fund.open_visits(), step.data.get("visit"))
    answer = read_answer(step.reading.text, set(), step.language)
    assert answer is not None and answer.cents is not None
    if visit is not None and answer.cents > step.fund.rates().max_contribution_cents:
        step.say(m.AMOUNT_TOO_BIG, max=Money(step.fund.rates().max_contribution_cents))
        return  # still asking how much
    step.go(State.IDLE)
    if visit is None:
        household_answer(step)  # answered meanwhile: read as any answer
        return
    confirm(step, visit, answer.cents)


IDLE: tuple[Rule, ...] = (
    rule("another amount", asks_another_amount, ask_amount, State.GIVING_AMOUNT),
)
GIVING_AMOUNT: tuple[Rule, ...] = (
    rule("amount given", gives_amount, give_amount, State.IDLE),
    rule("another amount again", asks_another_amount, ask_amount, State.GIVING_AMOUNT, State.IDLE),
    rule("household goes on", from_household, member_goes_on, State.IDLE),
)
