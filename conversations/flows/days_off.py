"""A paid day off: she names a day, sees what it pays, confirms; she can call it back."""

from datetime import date, timedelta

from conversations import messages as m
from conversations.dates import day_of_month, find_day, parse_day
from conversations.engine import Rule, Step, rule
from conversations.flows import unsure
from conversations.flows.common import REFUSED, choice, intent, picked
from conversations.keywords import Intent, read
from conversations.ports import DayOff, DayOffStatus, Role
from conversations.states import State
from conversations.talk import Choices, Money
from conversations.understanding.day_parts import half_day

BOOKING_HORIZON = timedelta(days=90)
RECENT_PAST = timedelta(days=60)  # '11/20' said on Nov 22 means two days ago, not next year


def ask(step: Step) -> None:
    """DAY OFF / HALF DAY and a day: quote it and ask YES; a recent past day is a claim."""
    half = step.reading.intent is Intent.HALF_DAY
    day = _requested_day(step)
    if day is None:
        step.say(m.DAY_OFF_HOW)
        step.go(State.IDLE)
    elif day < step.inbound.today:
        _claim_day(step, day, half)
    elif day > step.inbound.today + BOOKING_HORIZON:
        step.say(m.DAY_OFF_TOO_FAR, days=str(BOOKING_HORIZON.days))
        step.go(State.IDLE)
    else:
        _quote(step, day, half)


def _quote(step: Step, day: date, half: bool) -> None:
    """What a day off from today on pays; YES books it."""
    quote = step.fund.day_off_quote(day, half)
    if quote.status is not DayOffStatus.BOOKED:
        _refusal(step, quote)
        step.go(State.IDLE, **{REFUSED: True})
        return
    message = m.HALF_DAY_OFF_CONFIRM if half else m.DAY_OFF_CONFIRM
    after = Money(quote.available_cents - quote.amount_cents)
    step.say(message, date=day, amount=Money(quote.amount_cents), after=after)
    step.go(State.CONFIRMING_DAY_OFF, day=day.isoformat(), half=half)


def claim(step: Step) -> None:
    """SICK and a past day ("I was sick yesterday", "el sabado no fui porque estaba enferma",
    "my client cancelled today"): a paid day or half day off after the fact, within the fund's
    window, through the same reservation as a planned one; today counts as missed, a later
    day is a planned one."""
    half, plain = half_day(step.reading.text)
    without_half = read(plain)
    words = without_half.rest if without_half.intent is Intent.MISSED else step.reading.rest
    today = step.inbound.today
    day = find_day(words, step.language, today, prefer="past") if words else None
    if day is None:
        step.say(m.PAST_DAY_HOW)
        step.go(State.IDLE)
    elif day > today:
        _quote(step, day, half)
    else:
        _claim_day(step, day, half)


def _claim_day(step: Step, day: date, half: bool) -> None:
    """A past day: within the window, quote it and ask YES to claim it."""
    window = step.fund.rates().past_day_off_days
    if step.inbound.today - day > timedelta(days=window):
        step.say(m.PAST_DAY_TOO_OLD, days=str(window), date=day)
        step.go(State.IDLE)
        return
    quote = step.fund.day_off_quote(day, half)
    if quote.status is not DayOffStatus.BOOKED:
        _refusal(step, quote)
        step.go(State.IDLE, **{REFUSED: True})
        return
    message = m.PAST_HALF_DAY_CONFIRM if half else m.PAST_DAY_CONFIRM
    after = Money(quote.available_cents - quote.amount_cents)
    step.say(message, date=day, amount=Money(quote.amount_cents), after=after)
    step.go(State.CONFIRMING_DAY_OFF, day=day.isoformat(), half=half, past=True)


def _requested_day(step: Step) -> date | None:
    """The day she named; a recent past date without a year stays in the past ('11/20')."""
    words, today = step.reading.rest, step.inbound.today
    if not words:
        return None
    day = parse_day(words, step.language, today) or day_of_month(words.lstrip("#"), today)
    if day is not None and day > today + BOOKING_HORIZON:
        before = parse_day(words, step.language, today, prefer="past")
        if before is not None and today - before <= RECENT_PAST:
            return before
    return day


def book(step: Step) -> None:
    """YES: reserve it (the ledger's pending payout)."""
    day = date.fromisoformat(step.data["day"])
    if day < step.inbound.today and not step.data.get("past"):  # answered after midnight
        step.say(m.DAY_OFF_PAST, date=day)
        step.go(State.IDLE)
        return
    booked = step.fund.book_day_off(day, bool(step.data["half"]))
    if booked.status is DayOffStatus.BOOKED:
        message = m.HALF_DAY_BOOKED if booked.half else m.DAY_OFF_BOOKED
        step.say(message, date=booked.day, amount=Money(booked.amount_cents))
        step.go(State.IDLE)
    else:
        _refusal(step, booked)
        step.go(State.IDLE, **{REFUSED: True})


def keep(step: Step) -> None:
    """NO: nothing booked."""
    step.say(m.HALF_DAY_NOT_BOOKED if step.data.get("half") else m.DAY_OFF_NOT_BOOKED)
    step.go(State.IDLE)


def _refusal(step: Step, day_off: DayOff) -> None:
    if day_off.status is DayOffStatus.ALREADY and day_off.day < step.inbound.today:
        step.say(m.PAST_DAY_ALREADY, date=day_off.day)
    elif day_off.status is DayOffStatus.ALREADY:
        step.say(m.DAY_OFF_ALREADY, date=day_off.day)
    elif day_off.status is DayOffStatus.WORKED:
        step.say(m.PAST_DAY_WORKED, date=day_off.day)
    else:
        step.say(
            m.HALF_DAY_SHORT if day_off.half else m.DAY_OFF_SHORT,
            amount=Money(day_off.amount_cents),
            available=Money(day_off.available_cents),
        )
        half_day = step.fund.rates().half_day_cents
        if not day_off.half and day_off.available_cents >= half_day:
            step.say(m.HALF_DAY_FITS, amount=Money(half_day))


def undo(step: Step) -> None:
    """UNDO [number]: call back a day off not paid yet."""
    waiting = step.fund.days_off()
    if not waiting:
        step.say(m.UNDO_NOTHING)
        step.go(State.IDLE)
        return
    ids = [d.pending_id for d in waiting if d.pending_id is not None]
    picked_id = (
        ids[0] if len(ids) == 1 and not step.reading.rest else choice(step.reading.rest, ids)
    )
    if picked_id is None:
        labels = tuple((d.day, m.HALF_DAY_LABEL) if d.half else d.day for d in waiting)
        step.say(m.UNDO_WHICH, list=Choices(labels))
        step.go(State.PICKING_DAY_OFF_TO_UNDO, ids=ids)
        return
    _undo(step, picked_id)


def undo_picked(step: Step) -> None:
    """A number, after UNDO showed the list."""
    picked_id = choice(step.reading.text, step.data["ids"])
    assert picked_id is not None
    _undo(step, picked_id)


def _undo(step: Step, pending_id: int) -> None:
    undone = step.fund.undo_day_off(pending_id)
    if undone.status is DayOffStatus.CALLED_BACK:
        message = m.HALF_DAY_UNDONE if undone.half else m.UNDONE
        step.say(message, date=undone.day, amount=Money(undone.amount_cents))
    else:
        step.say(m.UNDO_NOTHING)
    step.go(State.IDLE)


COMMANDS: tuple[Rule, ...] = (
    rule(
        "day off",
        lambda step: (
            step.profile.role is Role.WORKER
            and step.reading.intent in (Intent.DAY_OFF, Intent.HALF_DAY)
        ),
        ask,
        State.IDLE,
        State.CONFIRMING_DAY_OFF,
    ),
    rule(
        "missed day",
        lambda step: step.profile.role is Role.WORKER and step.reading.intent is Intent.MISSED,
        claim,
        State.IDLE,
        State.CONFIRMING_DAY_OFF,
    ),
    rule(
        "undo",
        lambda step: step.profile.role is Role.WORKER and step.reading.intent is Intent.UNDO,
        undo,
        State.IDLE,
        State.PICKING_DAY_OFF_TO_UNDO,
    ),
)
CONFIRMING_DAY_OFF: tuple[Rule, ...] = (
    rule("yes", intent(Intent.YES), book, State.IDLE),
    rule("no", intent(Intent.NO), keep, State.IDLE),
    rule("unclear", lambda step: True, unsure.not_understood, *unsure.UNSURE),
)
PICKING_DAY_OFF_TO_UNDO: tuple[Rule, ...] = (rule("picked", picked, undo_picked, State.IDLE),)
