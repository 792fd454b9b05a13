"""A household's answers: to an invitation, to a visit prompt (YES, NO, an amount, or "yes
to all"), "what is this?", and its regular day (EVERY tuesday).

Several open visits are told apart by number ("YES 2"), never guessed; "yes to all" confirms
each with its own amount.
"""

from collections.abc import Iterable
from dataclasses import replace

from conversations import messages as m
from conversations.dates import parse_day
from conversations.engine import Rule, Step, rule
from conversations.flows.answers import Answer, read_answer, split_number
from conversations.flows.anywhere import follow_written_language
from conversations.keywords import Intent, read
from conversations.ports import InvitationView, Match, Role, VisitView
from conversations.states import State
from conversations.talk import Choices, Money, Say, Weekday
from conversations.understanding.numbers import amount_cents


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
    if answer.every and len(visits) > 1:
        _confirm_all(step, visits, answer)
        return
    visit = visits[0] if answer.every else which(visits, answer.number)
    if visit is None:
        labels = tuple((f"#{v.number}", v.worker_name, v.day) for v in visits)
        step.say(m.PROMPTS_WHICH, list=Choices(labels, numbered=False))
    elif answer.declined:
        _decline(step, visit)
    else:
        confirm(step, visit, answer.cents if answer.cents is not None else visit.amount_cents)


def _decline(step: Step, visit: VisitView) -> None:
    step.fund.decline_visit(visit.visit_id)
    step.say(m.VISIT_DECLINED, date=visit.day)
    notice = Say(m.VISIT_DECLINED_NOTICE, {"household": visit.household_label, "date": visit.day})
    step.notify(visit.worker_person_id, "visit_declined", notice)


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
    step.notify(visit.worker_person_id, "receipt", receipt, *_matched([done_.matches]))


def _confirm_all(step: Step, visits: list[VisitView], answer: Answer) -> None:
    """YES to all: every open visit confirmed, each with its own amount (or the one named);
    one thank-you and one receipt per worker."""
    limit = step.fund.rates().max_contribution_cents
    if answer.cents is not None and answer.cents > limit:
        step.say(m.AMOUNT_TOO_BIG, max=Money(limit))
        return
    workers: dict[int, list[VisitView]] = {}
    for visit in visits:
        workers.setdefault(visit.worker_person_id, []).append(visit)
    for worker_person_id, theirs in workers.items():
        done_ = [
            step.fund.confirm_visit(v.visit_id, answer.cents or v.amount_cents) for v in theirs
        ]
        total = Money(sum(d.amount_cents for d in done_))
        step.say(m.ALL_CONFIRMED, len(theirs), amount=total, worker=theirs[0].worker_name)
        receipt = Say(
            m.RECEIPT,
            {
                "household": theirs[0].household_label,
                "amount": total,
                "balance": Money(done_[-1].worker_balance_cents),
            },
        )
        step.notify(worker_person_id, "receipt", receipt, *_matched(d.matches for d in done_))


def _matched(matches: Iterable[tuple[Match, ...]]) -> tuple[Say, ...]:
    """What programs added to match, one sentence per program."""
    totals: dict[str, int] = {}
    for match in (match for group in matches for match in group):
        totals[match.program] = totals.get(match.program, 0) + match.amount_cents
    return tuple(
        Say(m.MATCHED, {"partner": program, "amount": Money(cents)})
        for program, cents in totals.items()
    )


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
)
HOUSEHOLD: tuple[Rule, ...] = (rule("household answer", from_household, household_answer),)
