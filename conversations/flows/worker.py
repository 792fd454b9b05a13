"""A worker's own account: balance, history, and her list of households."""

import re

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.anywhere import follow_written_language, help_
from conversations.flows.common import Matcher, choice, intent, picked
from conversations.flows.joining import welcome
from conversations.keywords import Intent
from conversations.names import as_written, written_tail
from conversations.ports import BalanceView, InviteStatus, Role
from conversations.states import State
from conversations.talk import Choices, Money, Say

HISTORY_LENGTH = 5
WHAT = {
    "day_off": m.PAID_DAY_OFF,
    "insurance": m.INSURANCE_PREMIUM,
    "correction": m.CORRECTION,
}
NEXT_PAGE = "history_next"  # in the conversation's data: where MORE goes on from
PRODUCTS = {"life": m.LIFE_INSURANCE, "disability": m.DISABILITY_INSURANCE}
PHONE_THEN_LABEL = re.compile(r"^([+\d][\d\s().-]{5,24}\d)\s*(.*)$")


def _uncollected(step: Step, view: BalanceView) -> None:
    """What households still owe her: part of her balance, or more than all of it when the
    fund let her spend some of it before they paid (then how much it advanced)."""
    owed = view.uncollected_cents
    if not owed:
        return
    if owed <= view.posted_cents:
        step.say(m.BALANCE_UNCOLLECTED, amount=Money(owed))
        return
    advanced = owed - max(view.posted_cents, 0)
    step.say(m.BALANCE_ADVANCED, amount=Money(owed), advanced=Money(advanced))


def balance(step: Step) -> None:
    """BALANCE: money, what it buys in days off, what is waiting, insurance."""
    view = step.fund.balance()
    step.say(m.BALANCE, balance=Money(view.posted_cents), available=Money(view.available_cents))
    _uncollected(step, view)
    if view.full_days and view.half_day:
        step.say(m.DAYS_OFF_AND_HALF, count=view.full_days)
    elif view.full_days:
        step.say(m.DAYS_OFF, count=view.full_days)
    elif view.half_day:
        step.say(m.HALF_DAY_ONLY)
    else:
        step.say(
            m.NO_DAY_OFF_YET, day_off=Money(view.day_off_cents), half_day=Money(view.half_day_cents)
        )
    if view.pending_days_off:
        step.say(m.PENDING_DAYS_OFF, count=view.pending_days_off)
    if view.insured:
        step.say(
            m.INSURANCE_COVER,
            products=Choices(tuple(PRODUCTS[p] for p in view.insured), numbered=False),
        )
    step.go(State.IDLE)


def history(step: Step) -> None:
    """HISTORY: the last few movements, one a line, newest first; MORE shows older ones."""
    _history_page(step, 0)


def more(step: Step) -> None:
    """MORE: the next page of history (the first, if she has not asked for one)."""
    _history_page(step, int(step.data.get(NEXT_PAGE, 0)))


def _history_page(step: Step, offset: int) -> None:
    lines = step.fund.history(HISTORY_LENGTH + 1, offset)
    page = lines[:HISTORY_LENGTH]
    if not page:
        step.say(m.HISTORY_NO_MORE if offset else m.HISTORY_EMPTY)
        step.go(State.IDLE)
        return
    step.say(m.HISTORY_HEADER)
    for line in page:
        who = line.who if line.who else WHAT.get(line.what or "", m.CORRECTION)
        step.say_line(
            m.HISTORY_LINE, date=line.day, amount=Money(line.amount_cents, signed=True), who=who
        )
    if len(lines) > HISTORY_LENGTH:
        step.say_line(m.HISTORY_MORE)
    step.go(State.IDLE, **{NEXT_PAGE: offset + len(page)})  # after the last: "no older"


def add(step: Step) -> None:
    """ADD and a number (and the name she calls the household by): invite it."""
    match = PHONE_THEN_LABEL.match(step.reading.rest)
    if not step.reading.rest:
        step.say(m.ADD_HOW)
        step.go(State.IDLE)
        return
    if match is None:
        step.say(m.ADD_BAD_NUMBER)
        step.go(State.IDLE)
        return
    label = as_written(written_tail(step.inbound.text, match.group(2))) or None
    invite = step.fund.invite(match.group(1), label)
    household = invite.household
    if invite.status is InviteStatus.INVITED and household is not None:
        step.say(m.ADD_INVITED, household=household.label)
        step.notify(
            household.person_id,
            "invitation",
            Say(
                m.INVITATION,
                {"worker": step.profile.name or "", "amount": Money(invite.amount_cents)},
            ),
            Say(m.LANGUAGE_HINT),  # how to pick another language, in one line
        )
    elif invite.status is InviteStatus.ALREADY and household is not None:
        step.say(m.ADD_ALREADY, household=household.label)
    elif invite.status is InviteStatus.IS_WORKER and household is not None:
        step.say(m.ADD_NOT_WORKER, household=household.label)
    elif invite.status is InviteStatus.SELF:
        step.say(m.ADD_SELF)
    else:
        step.say(m.ADD_BAD_NUMBER)
    step.go(State.IDLE)


def households(step: Step) -> None:
    """HOUSEHOLDS: her list, numbered."""
    listed = step.fund.households()
    if listed:
        step.say(m.HOUSEHOLDS_LIST, list=Choices(tuple(h.label for h in listed)))
    else:
        step.say(m.HOUSEHOLDS_NONE)
    step.go(State.IDLE)


def remove(step: Step) -> None:
    """REMOVE and a number from her list, or the list to pick from."""
    listed = step.fund.households()
    if not listed:
        step.say(m.HOUSEHOLDS_NONE)
        step.go(State.IDLE)
        return
    ids = [h.employment_id for h in listed]
    picked_id = choice(step.reading.rest, ids)
    if picked_id is None:
        step.say(m.REMOVE_WHICH, list=Choices(tuple(h.label for h in listed)))
        step.go(State.PICKING_HOUSEHOLD_TO_REMOVE, ids=ids)
        return
    _remove(step, picked_id)


def remove_picked(step: Step) -> None:
    """A number, after REMOVE showed the list."""
    picked_id = choice(step.reading.text, step.data["ids"])
    assert picked_id is not None
    _remove(step, picked_id)


def _label(step: Step, employment_id: int) -> str | None:
    return next((h.label for h in step.fund.households() if h.employment_id == employment_id), None)


def _remove(step: Step, employment_id: int) -> None:
    """Ask first, saying what the household still owes her: removing it does not cancel that."""
    label = _label(step, employment_id)
    if label is None:
        step.say(m.HOUSEHOLDS_NONE)
        step.go(State.IDLE)
        return
    owed = step.fund.owed_by(employment_id)
    if owed:
        step.say(m.REMOVE_CONFIRM_OWES, household=label, amount=Money(owed))
    else:
        step.say(m.REMOVE_CONFIRM, household=label)
    step.go(State.CONFIRMING_REMOVE, employment=employment_id)


def remove_confirmed(step: Step) -> None:
    """YES: off her list; ADD brings it back."""
    employment_id = int(step.data["employment"])
    label = _label(step, employment_id)
    if label is None:
        step.say(m.HOUSEHOLDS_NONE)
    else:
        step.fund.remove_household(employment_id)
        step.say(m.REMOVED, household=label)
        step.say(m.REMOVED_ADD_BACK)
    step.go(State.IDLE)


def remove_refused(step: Step) -> None:
    """NO: it stays."""
    label = _label(step, int(step.data["employment"]))
    if label is None:
        step.say(m.HOUSEHOLDS_NONE)
    else:
        step.say(m.REMOVE_KEPT, household=label)
    step.go(State.IDLE)


def for_workers(step: Step) -> bool:
    """A worker's command from someone who is not a worker."""
    return step.profile.role is not Role.WORKER and step.reading.intent in WORKER_INTENTS


def workers_only(step: Step) -> None:
    """Explain that this word is for workers; someone new is offered to join, in her words'
    language ("saldo", "cuánto tengo" from an unknown number)."""
    follow_written_language(step)
    if step.profile.role is Role.STRANGER and step.state is State.NEW:
        welcome(step)
        return
    step.say(m.WORKERS_ONLY)


WORKER_INTENTS = frozenset(
    {
        Intent.BALANCE,
        Intent.HISTORY,
        Intent.ADD,
        Intent.HOUSEHOLDS,
        Intent.REMOVE,
        Intent.DONE,
        Intent.DAY_OFF,
        Intent.HALF_DAY,
        Intent.UNDO,
        Intent.INSURANCE,
        Intent.DROP,
        Intent.MISSED,
        Intent.MORE,
        Intent.PAYMENT,
    }
)


def asks_what_this_is(step: Step) -> bool:
    """ "What is this?" from a worker, or from someone new before the terms (the terms answer
    it while she reads them; a household's is about its invitation)."""
    if step.reading.intent is not Intent.WHO_IS_THIS:
        return False
    return step.profile.role is Role.WORKER or step.state in (State.NEW, State.CHOOSING_LANGUAGE)


def what_this_is(step: Step) -> None:
    """Someone new hears who we are and picks a language; a worker gets the help text."""
    if step.profile.role is Role.WORKER:
        help_(step)
    else:
        welcome(step)


def worker_says(*intents: Intent) -> Matcher:
    """Matches a worker's command."""
    return lambda step: step.profile.role is Role.WORKER and step.reading.intent in intents


COMMANDS: tuple[Rule, ...] = (
    rule("not a worker", for_workers, workers_only, State.CHOOSING_LANGUAGE),
    rule("what is this", asks_what_this_is, what_this_is, State.CHOOSING_LANGUAGE),
    rule("balance", worker_says(Intent.BALANCE), balance, State.IDLE),
    rule("history", worker_says(Intent.HISTORY), history, State.IDLE),
    rule("more", worker_says(Intent.MORE), more, State.IDLE),
    rule("add", worker_says(Intent.ADD), add, State.IDLE),
    rule("households", worker_says(Intent.HOUSEHOLDS), households, State.IDLE),
    rule(
        "remove",
        worker_says(Intent.REMOVE),
        remove,
        State.IDLE,
        State.PICKING_HOUSEHOLD_TO_REMOVE,
        State.CONFIRMING_REMOVE,
    ),
)
PICKING_HOUSEHOLD_TO_REMOVE: tuple[Rule, ...] = (
    rule("picked", picked, remove_picked, State.IDLE, State.CONFIRMING_REMOVE),
)
CONFIRMING_REMOVE: tuple[Rule, ...] = (
    rule("yes", intent(Intent.YES), remove_confirmed, State.IDLE),
    rule("no", intent(Intent.NO), remove_refused, State.IDLE),
)
