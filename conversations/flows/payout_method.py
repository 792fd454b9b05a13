"""How she is paid: PAYMENT shows it and the ways to change it; a change waits for a one-time
code sent to her number in a text of its own, and takes effect after a hold during which her
payouts wait. The right code is announced on every other channel she uses too, so that a
change she did not make reaches her wherever she reads.

NO (or UNDO's word) drops the change while it waits for its code. CANCEL alone stays
Twilio's opt-out word: it ends all texts, as Twilio itself does with it.
"""

import re

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.common import choice
from conversations.keywords import Intent
from conversations.payout_ports import (
    PayoutChangeStatus,
    PayoutCodeResult,
    PayoutCodeStatus,
    PayoutMethodView,
)
from conversations.ports import Role
from conversations.states import State
from conversations.talk import Choices, Say
from conversations.understanding.payout_methods import method_named

# The methods the texts can name; a method the fund offers without a name here is not listed.
METHOD_LABELS = {
    "cash": m.PAYOUT_CASH,
    "check": m.PAYOUT_CHECK,
    "bank": m.PAYOUT_BANK,
    "card": m.PAYOUT_CARD,
}
CODE = re.compile(r"(?<!\d)(\d{3})[ .-]?(\d{3})(?!\d)")
DIGIT = re.compile(r"\d")
METHODS = "methods"  # in the conversation's data: the list she was shown, in order


def code_in(text: str) -> str | None:
    """The six-digit code a message carries ("123456", "my code is 123 456"), if it carries
    one and no other digits."""
    found = CODE.findall(text)
    if len(found) != 1 or len(DIGIT.findall(text)) != 6:
        return None
    return "".join(found[0])


def label(method: str | None) -> m.Message | None:
    """How the texts name a method."""
    return METHOD_LABELS.get(method or "")


def show(step: Step) -> None:
    """PAYMENT: how she is paid, whether payouts wait, and the numbered list to change it;
    PAYMENT and a method ("PAYMENT card") asks for that change at once."""
    view = step.fund.payout_method()
    methods = [method for method in view.offered if method in METHOD_LABELS]
    wanted = method_named(step.reading.rest) if step.reading.rest else None
    if wanted in methods and not view.locked:
        _request(step, wanted)
        return
    _say_current(step, view)
    if view.locked:
        step.say(m.PAYOUT_LOCKED_NOW)
        step.go(State.IDLE)
        return
    _ask(step, methods)


def _say_current(step: Step, view: PayoutMethodView) -> None:
    current = label(view.current)
    if current is None:
        step.say(m.PAYOUT_METHOD_NOT_CHOSEN)
    else:
        step.say(m.PAYOUT_METHOD_IS, method=current)
    if view.held_until is not None:
        step.say(m.PAYOUT_HELD, date=view.held_until)


def _ask(step: Step, methods: list[str]) -> None:
    step.say(m.PAYOUT_METHOD_PICK, list=Choices(tuple(METHOD_LABELS[x] for x in methods)))
    step.go(State.CHOOSING_PAYOUT_METHOD, **{METHODS: methods})


def _picked(step: Step) -> str | None:
    methods = step.data.get(METHODS, [])
    named = method_named(step.inbound.text)
    return named if named in methods else choice(step.reading.text, methods)


def picks_method(step: Step) -> bool:
    """A number from the list, or a method's name ("tarjeta", "kat", "by check")."""
    return _picked(step) is not None


def method_picked(step: Step) -> None:
    """Her choice from the list: a change that waits for its code."""
    method = _picked(step)
    assert method is not None
    _request(step, method)


def ask_again(step: Step) -> None:
    """Anything else while the list is open: the list again."""
    _ask(step, list(step.data.get(METHODS, [])))


def _request(step: Step, method: str) -> None:
    request = step.fund.request_payout_change(method)
    shown = METHOD_LABELS[method]
    if request.status is PayoutChangeStatus.CODE_SENT and request.code is not None:
        minutes = str(request.minutes)
        step.say(m.PAYOUT_CODE_SENT, minutes=minutes, method=shown)
        code = Say(m.PAYOUT_CODE, {"code": request.code, "minutes": minutes})
        step.notify(step.profile.person_id, "payout_code", code)
        step.go(State.ENTERING_PAYOUT_CODE, method=method)
        return
    if request.status is PayoutChangeStatus.SAME:
        step.say(m.PAYOUT_METHOD_SAME, method=shown)
    elif request.status is PayoutChangeStatus.LOCKED:
        step.say(m.PAYOUT_LOCKED_NOW)
    else:
        step.say(m.PAYOUT_METHOD_KEPT)
    step.go(State.IDLE)


def gives_code(step: Step) -> bool:
    """A worker's text carrying a six-digit code."""
    return step.profile.role is Role.WORKER and code_in(step.inbound.text) is not None


def enter_code(step: Step) -> None:
    """Her code: the change made (and announced), a wrong try, a lock, or too late."""
    code = code_in(step.inbound.text)
    assert code is not None
    result = step.fund.enter_payout_code(code)
    if result.status is PayoutCodeStatus.CONFIRMED:
        _confirmed(step, result)
    elif result.status is PayoutCodeStatus.WRONG:
        step.say(m.PAYOUT_CODE_WRONG, count=result.tries_left)
        step.go(State.ENTERING_PAYOUT_CODE)
        return
    elif result.status is PayoutCodeStatus.LOCKED:
        step.say(m.PAYOUT_CODE_LOCKED)
    elif result.status is PayoutCodeStatus.EXPIRED:
        step.say(m.PAYOUT_CODE_EXPIRED)
    else:
        step.say(m.PAYOUT_CODE_NONE)
    step.go(State.IDLE)


def _confirmed(step: Step, result: PayoutCodeResult) -> None:
    shown = label(result.method)
    assert shown is not None and result.effective is not None
    changed = Say(
        m.PAYOUT_CHANGED, {"method": shown, "hours": result.hold_hours, "date": result.effective}
    )
    step.says.append(changed)
    for channel in result.other_channels:
        step.notify(step.profile.person_id, "payout_changed", changed, channel=channel)
    if result.setup_link is not None:  # a rail that pays into an account she sets up
        setup = Say(m.PAYOUT_SETUP, {"link": result.setup_link})
        step.notify(step.profile.person_id, "payout_setup", setup)


def cancels(step: Step) -> bool:
    """NO, or UNDO's word ("anular", "anile"), while a change is open."""
    return step.reading.intent in (Intent.NO, Intent.UNDO)


def cancel(step: Step) -> None:
    """Drop the change (a code sent for it no longer works)."""
    step.fund.cancel_payout_change()
    step.say(m.PAYOUT_METHOD_KEPT)
    step.go(State.IDLE)


def code_how(step: Step) -> None:
    """Anything else while a code is awaited: how to answer (not counted as a wrong code)."""
    step.say(m.PAYOUT_CODE_HOW)


COMMANDS: tuple[Rule, ...] = (
    rule(
        "payment",
        lambda step: step.profile.role is Role.WORKER and step.reading.intent is Intent.PAYMENT,
        show,
        State.IDLE,
        State.CHOOSING_PAYOUT_METHOD,
        State.ENTERING_PAYOUT_CODE,
    ),
)
# A code texted after she went on to something else still answers the change waiting.
IDLE: tuple[Rule, ...] = (
    rule("payout code", gives_code, enter_code, State.IDLE, State.ENTERING_PAYOUT_CODE),
)
CANCEL = rule("payout change dropped", cancels, cancel, State.IDLE)
# These win over the words that work anywhere: UNDO's word drops the change, not a day off.
CHOOSING_FIRST: tuple[Rule, ...] = (CANCEL,)
ENTERING_FIRST: tuple[Rule, ...] = (*IDLE, CANCEL)
CHOOSING_PAYOUT_METHOD: tuple[Rule, ...] = (
    rule("method picked", picks_method, method_picked, State.IDLE, State.ENTERING_PAYOUT_CODE),
    rule("unclear", lambda step: True, ask_again),
)
ENTERING_PAYOUT_CODE: tuple[Rule, ...] = (rule("unclear", lambda step: True, code_how),)
