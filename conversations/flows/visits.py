"""Visits: the worker texts DONE, the household confirms, declines or names an amount.

Households also answer invitations here. Several open visits for one household are told
apart by number ("YES 2"), never guessed.
"""

import re
from dataclasses import replace
from datetime import date, timedelta

from conversations import messages as m
from conversations.dates import parse_day
from conversations.engine import Rule, Step, rule
from conversations.flows.answers import read_answer, split_number
from conversations.flows.anywhere import follow_written_language
from conversations.flows.common import choice, picked
from conversations.keywords import Intent, normalize, read
from conversations.ports import HouseholdView, InvitationView, Role, VisitView
from conversations.states import State
from conversations.talk import Choices, Money, Say, Weekday
from conversations.understanding.numbers import amount_cents

VISIT_LOOKBACK = timedelta(days=14)  # how far back DONE may name a day


def done(step: Step) -> None:
    """DONE [number] [day]: report a visit to one of her active households."""
    active = [h for h in step.fund.households() if h.active]
    if not active:
        step.say(m.DONE_NO_HOUSEHOLDS)
        step.go(State.IDLE)
        return
    named, rest = _named(step.reading.rest, active)
    number, day_words = _leading_number(rest)
    day = _visit_day(step, day_words)
    if number and day is None and _visit_day(step, rest) is not None:
        number, day = "", _visit_day(step, rest)  # "2 days ago" is a day, not household 2
    if day is None:
        step.say(m.NOT_UNDERSTOOD)
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
    return _named(step.reading.text, listed)[0]


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
    if day is None or day > step.inbound.today or day < step.inbound.today - VISIT_LOOKBACK:
        return None
    return day


def _report(step: Step, employment_id: int, day: date) -> None:
    visit = step.fund.report_visit(employment_id, day)
    if not visit.new:
        step.say(m.DONE_ALREADY, household=visit.household_label, date=day)
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


def from_household(step: Step) -> bool:
    """A household's message that is not a global word."""
    return step.profile.role is Role.HOUSEHOLD


def household_answer(step: Step) -> None:
    """YES, NO or an amount: for an invitation first, then for an open visit."""
    if step.reading.language is None:
        _, language = amount_cents(step.reading.text, step.language)
        step.reading = replace(step.reading, language=language)
    follow_written_language(step)
    invitations = step.fund.invitations()
    intent = step.reading.intent
    if intent is Intent.WHO_IS_THIS:
        _who_is_this(step, invitations)
    elif invitations and intent in (Intent.YES, Intent.NO):
        _invitation_answer(step, invitations, accept=intent is Intent.YES)
    else:
        _visit_answer(step)


def _invitation_answer(step: Step, invitations: list[InvitationView], accept: bool) -> None:
    """Two workers' invitations open at once are told apart by number, never guessed."""
    number, _answer = split_number(step.reading.text)
    if len(invitations) == 1 and number in (None, 1):
        chosen = invitations[0]
    elif number is not None and 1 <= number <= len(invitations):
        chosen = invitations[number - 1]
    else:
        labels = tuple((f"#{n}", i.worker_name) for n, i in enumerate(invitations, 1))
        step.say(m.PROMPTS_WHICH, list=Choices(labels, numbered=False))
        return
    _answer_invitation(step, chosen.employment_id, accept=accept)


def _visit_answer(step: Step) -> None:
    """YES, NO or an amount for an open visit; thanks or "ok" with nothing open."""
    intent = step.reading.intent
    visits = step.fund.open_visits()
    if not visits and (intent is Intent.THANKS or step.reading.ack):
        step.say(m.YOU_ARE_WELCOME)
        return
    answer = read_answer(step.reading.text, {v.number for v in visits}, step.language)
    if answer is None:
        step.say(m.AMOUNT_UNCLEAR if visits else m.MENU_HOUSEHOLD)
        return
    if not visits:
        step.say(m.NOTHING_TO_CONFIRM)
        return
    visit = which(visits, answer.number)
    if visit is None:
        labels = tuple((f"#{v.number}", v.worker_name, v.day) for v in visits)
        step.say(m.PROMPTS_WHICH, list=Choices(labels, numbered=False))
        return
    if answer.declined:
        step.fund.decline_visit(visit.visit_id)
        step.say(m.VISIT_DECLINED, date=visit.day)
        notice = Say(
            m.VISIT_DECLINED_NOTICE, {"household": visit.household_label, "date": visit.day}
        )
        step.notify(visit.worker_person_id, "visit_declined", notice)
        return
    confirm(step, visit, answer.cents if answer.cents is not None else visit.amount_cents)


def _who_is_this(step: Step, invitations: list[InvitationView]) -> None:
    """Who invited them and what YES means; with no invitation open, what they can do."""
    if not invitations:
        step.say(m.MENU_HOUSEHOLD)
        return
    invitation = invitations[0]
    step.say(m.INVITATION_WHO, worker=invitation.worker_name, amount=Money(invitation.amount_cents))


def member_goes_on(step: Step) -> None:
    """A household in the language menu that answers a prompt instead: leave the menu."""
    step.go(State.IDLE)
    household_answer(step)


def confirm(step: Step, visit: VisitView, cents: int) -> None:
    """Add the household's contribution for the visit, and send her the receipt."""
    limit = step.fund.rates().max_contribution_cents
    if cents > limit:
        step.say(m.AMOUNT_TOO_BIG, max=Money(limit))
        return
    done_ = step.fund.confirm_visit(visit.visit_id, cents)
    step.say(m.CONTRIBUTION_THANKS, amount=Money(done_.amount_cents), worker=visit.worker_name)
    receipt = Say(
        m.RECEIPT,
        {
            "household": visit.household_label,
            "amount": Money(done_.amount_cents),
            "balance": Money(done_.worker_balance_cents),
        },
    )
    matches = (
        Say(m.MATCHED, {"partner": match.program, "amount": Money(match.amount_cents)})
        for match in done_.matches
    )
    step.notify(visit.worker_person_id, "receipt", receipt, *matches)


def _answer_invitation(step: Step, employment_id: int, accept: bool) -> None:
    invitation = next(i for i in step.fund.invitations() if i.employment_id == employment_id)
    step.fund.answer_invitation(employment_id, accept)
    label = invitation.household_label
    if accept:
        step.say(
            m.HOUSEHOLD_JOINED, amount=Money(invitation.amount_cents), worker=invitation.worker_name
        )
        notice = Say(m.INVITATION_ACCEPTED, {"household": label})
    else:
        step.say(m.HOUSEHOLD_SAID_NO)
        notice = Say(m.INVITATION_DECLINED, {"household": label})
    step.notify(invitation.worker_person_id, "invitation_answer", notice)


def which(visits: list[VisitView], number: int | None) -> VisitView | None:
    """The open visit a household means: the one it names, or the only one."""
    if number is None:
        return visits[0] if len(visits) == 1 else None
    return next((v for v in visits if v.number == number), None)


def schedule(step: Step) -> None:
    """EVERY tuesday (a household): ask about a visit every week on that day; EVERY NO stops."""
    rest = step.reading.rest
    if read(rest).intent is Intent.NO:
        step.fund.set_schedule(None)
        step.say(m.SCHEDULE_OFF)
        return
    day = parse_day(rest, step.language, step.inbound.today) if rest else None
    if day is None:
        step.say(m.SCHEDULE_HOW)
        return
    workers = step.fund.set_schedule(day.weekday())
    if not workers:
        step.say(m.NOTHING_TO_CONFIRM)
        return
    names = ", ".join(dict.fromkeys(w.worker_name for w in workers))
    amount = Money(workers[0].amount_cents)
    step.say(m.SCHEDULE_SET, weekday=Weekday(day.weekday()), amount=amount, worker=names)


COMMANDS: tuple[Rule, ...] = (
    rule(
        "schedule",
        lambda step: step.profile.role is Role.HOUSEHOLD and step.reading.intent is Intent.SCHEDULE,
        schedule,
    ),
    rule(
        "done",
        lambda step: step.profile.role is Role.WORKER and step.reading.intent is Intent.DONE,
        done,
        State.IDLE,
        State.PICKING_VISIT_HOUSEHOLD,
    ),
)
HOUSEHOLD: tuple[Rule, ...] = (rule("household answer", from_household, household_answer),)
PICKING_VISIT_HOUSEHOLD: tuple[Rule, ...] = (
    rule("picked", picked, done_picked, State.IDLE),
    rule("named", names_listed_household, done_named, State.IDLE),
)
