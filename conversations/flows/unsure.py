"""When a message is not understood at once: ask, rather than fail.

A typo's likeliest meaning is confirmed in one short question ("Did you mean BALANCE?");
two misses in a row get a numbered menu she answers with a digit; "thanks" and "ok" get a
friendly word. "I did not understand" is the first miss only.
"""

from conversations import messages as m
from conversations.engine import MISSES, Rule, Step, rule
from conversations.flows.common import intent
from conversations.keywords import Intent, read
from conversations.messages import Message
from conversations.ports import Role
from conversations.states import State

COMMAND_NAMES: dict[Intent, Message] = {
    Intent.BALANCE: m.COMMAND_BALANCE,
    Intent.HISTORY: m.COMMAND_HISTORY,
    Intent.DAY_OFF: m.COMMAND_DAY_OFF,
    Intent.HALF_DAY: m.COMMAND_HALF_DAY,
    Intent.UNDO: m.COMMAND_UNDO,
    Intent.DONE: m.COMMAND_DONE,
    Intent.HELP: m.COMMAND_HELP,
    Intent.MENU: m.COMMAND_MENU,
    Intent.LANGUAGE: m.COMMAND_LANGUAGE,
    Intent.HOUSEHOLDS: m.COMMAND_HOUSEHOLDS,
}
# The numbered menu's choices, as the words that ask for them.
NUMBERED_MENU = ("balance", "history", "day off", "done", "households", "help")
NEEDS_WORKER = frozenset(COMMAND_NAMES) - {Intent.HELP, Intent.MENU, Intent.LANGUAGE}


def not_understood(step: Step) -> None:
    """Nothing matched: confirm a likely meaning, else say so once, then show the menu."""
    guess = step.guess
    if guess is not None and guess.intent in COMMAND_NAMES and _may(step, guess.intent):
        step.say(m.GUESS, command=COMMAND_NAMES[guess.intent])
        step.go(State.CONFIRMING_GUESS, text=guess.corrected)
        return
    if step.reading.ack and step.profile.role is not Role.STRANGER:
        you_are_welcome(step)  # a member's "ok" no open question takes: friendly, not a miss
        return
    misses = int(step.data.get(MISSES, 0)) + 1
    if misses >= 2 and step.profile.role is Role.WORKER:
        step.say(m.MENU_NUMBERED)
        step.go(State.PICKING_FROM_MENU)
        return
    step.say(m.NOT_UNDERSTOOD)
    step.data[MISSES] = misses
    step.missed = True


def _may(step: Step, guessed: Intent | None) -> bool:
    return step.profile.role is Role.WORKER or guessed not in NEEDS_WORKER


def thanked(step: Step) -> bool:
    """Thanks, or a bare "ok" with no question open."""
    return step.reading.intent is Intent.THANKS or step.reading.ack


def member_thanks(step: Step) -> bool:
    """A member's thanks, in any state: never answered with "I did not understand"."""
    return step.reading.intent is Intent.THANKS and step.profile.role is not Role.STRANGER


def you_are_welcome(step: Step) -> None:
    """A short friendly word back."""
    step.say(m.YOU_ARE_WELCOME)


def yes_or_no_alone(step: Step) -> bool:
    """A member's YES or NO with no question waiting for it (an open offer would have
    matched before)."""
    return step.profile.role is not Role.STRANGER and step.reading.intent in (
        Intent.YES,
        Intent.NO,
    )


def nothing_open(step: Step) -> None:
    """Say that no question waits for it; not a miss, so it never leads to the menu."""
    step.say(m.NOTHING_OPEN_YES if step.reading.intent is Intent.YES else m.NOTHING_OPEN_NO)


def guess_confirmed(step: Step) -> None:
    """YES to "Did you mean...?": do what the corrected text asks."""
    redo(step, step.data["text"])


def guess_refused(step: Step) -> None:
    """NO to "Did you mean...?": the numbered menu, to pick what she meant."""
    step.say(m.MENU_NUMBERED)
    step.go(State.PICKING_FROM_MENU)


def picks_from_menu(step: Step) -> bool:
    """A digit from the numbered menu."""
    return step.reading.text in {str(n) for n in range(1, len(NUMBERED_MENU) + 1)}


def menu_picked(step: Step) -> None:
    """1-6 in the numbered menu: as if she had texted the word."""
    redo(step, NUMBERED_MENU[int(step.reading.text) - 1])


def redo(step: Step, text: str) -> None:
    """Answer `text` as if she had sent it, with no question open."""
    assert step.choose is not None
    step.state, step.data = State.IDLE, {}
    step.reading = read(text)
    chosen = step.choose(step)
    step.allowed = chosen.goes_to | {step.state}
    chosen.handle(step)


AFTER_REDO = (
    State.IDLE,
    State.CONFIRMING_DAY_OFF,
    State.PICKING_DAY_OFF_TO_UNDO,
    State.PICKING_VISIT_HOUSEHOLD,
    State.PICKING_HOUSEHOLD_TO_REMOVE,
    State.CHOOSING_LANGUAGE,
)
UNSURE = (State.CONFIRMING_GUESS, State.PICKING_FROM_MENU)  # where a miss may lead
FALLBACK = rule("not understood", lambda step: True, not_understood, *UNSURE)
ANYWHERE: tuple[Rule, ...] = (rule("thanks", member_thanks, you_are_welcome),)
IDLE: tuple[Rule, ...] = (
    rule("ok", thanked, you_are_welcome),
    rule("yes or no alone", yes_or_no_alone, nothing_open),
)
CONFIRMING_GUESS: tuple[Rule, ...] = (
    rule("guess confirmed", intent(Intent.YES), guess_confirmed, *AFTER_REDO),
    rule("guess refused", intent(Intent.NO), guess_refused, State.PICKING_FROM_MENU),
)
PICKING_FROM_MENU: tuple[Rule, ...] = (
    rule("menu picked", picks_from_menu, menu_picked, *AFTER_REDO),
)
