"""Visits: the worker texts DONE (with a day, a household's number or its name), and the
household is asked to confirm; its answers are in `household`.
"""

import re
from datetime import date, timedelta

from rapidfuzz.distance import DamerauLevenshtein

from conversations import messages as m
from conversations.dates import find_day, loosely_past, parse_day
from conversations.engine import Rule, Step, rule
from conversations.flows.common import choice, picked
from conversations.keywords import Intent, normalize
from conversations.ports import HouseholdView, Role, VisitStanding, VisitView
from conversations.states import State
from conversations.talk import Choices, Money, Say

VISIT_LOOKBACK = timedelta(days=14)  # how far back DONE may name a day
# Words around a household's name in a sentence ("for ana", "donde la sra gomez", "lakay madam
# pierre", "kina mrs santos"): never a name, never a day.
CONNECTORS = frozenset(
    {"for", "at", "house", "home", "s", "mrs", "mr", "ms", "miss"}
    | {"donde", "casa", "en", "sra", "senora", "senor", "sr", "dona", "don", "seu"}
    | {"lakay", "kay", "madam", "madanm", "msye", "mesye"}
    | {"kina", "ni", "gng", "g", "ate", "kuya"}
)
MIN_ROUGH_NAME = 4  # a shorter name must be written exactly


def done(step: Step) -> None:
    """DONE [number] [day]: report a visit to one of her active households."""
    active = [h for h in step.fund.households() if h.active]
    if not active:
        step.say(m.DONE_NO_HOUSEHOLDS)
        step.go(State.IDLE)
        return
    named, rest = _named(step.reading.rest, active)
    if named is None:
        rough, rest = _named_roughly(rest, active)
        named = rough[0] if len(rough) == 1 else None
        active = [h for h in active if h.employment_id in rough] or active
    rest = " ".join(w for w in rest.split() if w not in CONNECTORS)
    number, day_words = _leading_number(rest)
    day = _visit_day(step, day_words)
    if number and day is None and _visit_day(step, rest) is not None:
        number, day = "", _visit_day(step, rest)  # "2 days ago" is a day, not household 2
    if day is None and not _too_old(step, rest):
        step.say(m.NOT_UNDERSTOOD)
    if day is None:
        step.go(State.IDLE)
        return
    ids = [h.employment_id for h in active]
    picked_id = ids[0] if len(ids) == 1 and not number else choice(number, ids)
    picked_id = named or picked_id
    if picked_id is None:
        step.say(m.DONE_WHICH, list=Choices(tuple(h.label for h in active)))
        step.go(State.PICKING_VISIT_HOUSEHOLD, ids=ids, day=day.isoformat())
        return
    _report(step, picked_id, day)


def _named_roughly(rest: str, active: list[HouseholdView]) -> tuple[list[int], str]:
    """'gomes yesterday' -> ([Sra. Gómez's employment], 'yesterday'): the households one of
    whose names (titles aside) a word is, or is one slip from; the words left."""
    words = rest.split()
    found: dict[int, set[int]] = {}
    for household in active:
        names = [w for w in normalize(household.label).split() if w not in CONNECTORS]
        for position, word in enumerate(words):
            if any(_same_name(word, name) for name in names):
                found.setdefault(household.employment_id, set()).add(position)
    used = set().union(*found.values()) if found else set()
    return list(found), " ".join(w for i, w in enumerate(words) if i not in used)


def _same_name(word: str, name: str) -> bool:
    if word == name:
        return True
    short = min(len(word), len(name)) < MIN_ROUGH_NAME
    return not short and DamerauLevenshtein.distance(word, name) <= 1


def _too_old(step: Step, words: str) -> bool:
    """A day named beyond the window ("done 11/20" 15 days back, "2 weeks ago"): say so."""
    today = step.inbound.today
    said = loosely_past(words, step.language, today) if words else None
    if said is None or said > today - VISIT_LOOKBACK:  # "2 weeks ago" is not within 14 days
        return False
    step.say(m.DONE_TOO_OLD, days=str(VISIT_LOOKBACK.days), date=said)
    return True


def _named(rest: str, active: list[HouseholdView]) -> tuple[int | None, str]:
    """'ana yesterday' -> (Ana's employment, 'yesterday'): a household named by its label."""
    words = rest.split()
    for household in active:
        label = normalize(household.label).split()
        for start in range(len(words) - len(label) + 1):
            if label and words[start : start + len(label)] == label:
                left = words[:start] + words[start + len(label) :]
                return household.employment_id, " ".join(left)
    return None, rest


def _leading_number(rest: str) -> tuple[str, str]:
    """'2 yesterday' -> ('2', 'yesterday'); '11/20' and 'friday' have no household number."""
    match = re.fullmatch(r"#?(\d{1,2})(?:\s+(.*))?", rest)
    if match is None:
        return "", rest
    return match.group(1), match.group(2) or ""


def done_picked(step: Step) -> None:
    """A number, after DONE showed her households."""
    picked_id = choice(step.reading.text, step.data["ids"])
    assert picked_id is not None
    _report(step, picked_id, date.fromisoformat(step.data["day"]))


def _named_in_list(step: Step) -> int | None:
    """The household of the list she named ("ana", "Mrs. Johnson") instead of its number."""
    listed = [h for h in step.fund.households() if h.employment_id in step.data.get("ids", ())]
    named = _named(step.reading.text, listed)[0]
    rough = _named_roughly(step.reading.text, listed)[0]
    return named or (rough[0] if len(rough) == 1 else None)


def names_listed_household(step: Step) -> bool:
    """Her answer to "Which household?" is one of the listed names."""
    return _named_in_list(step) is not None


def done_named(step: Step) -> None:
    """A name, after DONE showed her households."""
    picked_id = _named_in_list(step)
    assert picked_id is not None
    _report(step, picked_id, date.fromisoformat(step.data["day"]))


def _visit_day(step: Step, words: str) -> date | None:
    if not words:
        return step.inbound.today
    day = parse_day(words, step.language, step.inbound.today, prefer="past")
    if day is None and len(words.split()) > 1:
        day = find_day(words, step.language, step.inbound.today, prefer="past")
    if day is None or day > step.inbound.today or day < step.inbound.today - VISIT_LOOKBACK:
        return None
    return day


ALREADY = {
    VisitStanding.ASKED: m.DONE_ALREADY,
    VisitStanding.CONFIRMED: m.DONE_ALREADY_CONFIRMED,
    VisitStanding.PAID: m.DONE_ALREADY_PAID,
}


def _report(step: Step, employment_id: int, day: date) -> None:
    visit = step.fund.report_visit(employment_id, day)
    if visit.household_stopped and visit.standing is VisitStanding.ASKED:
        # Kept open: once the household texts START, its YES confirms it.
        step.say(m.DONE_HOUSEHOLD_STOPPED, household=visit.household_label, date=day)
    elif not visit.new:
        amount = Money(visit.amount_cents)
        step.say(ALREADY[visit.standing], household=visit.household_label, date=day, amount=amount)
    else:
        step.say(
            m.DONE_REPORTED,
            household=visit.household_label,
            amount=Money(visit.amount_cents),
            date=day,
        )
        step.notify(visit.household_person_id, "visit_prompt", prompt(visit))
    step.go(State.IDLE)


def prompt(visit: VisitView) -> Say:
    """The household's question about one visit; numbered when others are open."""
    params = {"worker": visit.worker_name, "date": visit.day, "amount": Money(visit.amount_cents)}
    if visit.number > 1 or visit.others_open:
        return Say(m.VISIT_PROMPT_NUMBERED, {**params, "number": str(visit.number)})
    return Say(m.VISIT_PROMPT, params)


COMMANDS: tuple[Rule, ...] = (
    rule(
        "done",
        lambda step: step.profile.role is Role.WORKER and step.reading.intent is Intent.DONE,
        done,
        State.IDLE,
        State.PICKING_VISIT_HOUSEHOLD,
    ),
)
PICKING_VISIT_HOUSEHOLD: tuple[Rule, ...] = (
    rule("picked", picked, done_picked, State.IDLE),
    rule("named", names_listed_household, done_named, State.IDLE),
)
