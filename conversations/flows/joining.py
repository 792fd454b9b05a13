"""Joining: a language, the terms, a first name; then she is a worker."""

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.anywhere import follow_written_language, terms_params
from conversations.flows.common import anything, intent
from conversations.keywords import Intent, read
from conversations.names import first_name, written_tail
from conversations.ports import Role
from conversations.states import State


def welcome(step: Step) -> None:
    """A first text from an unknown number: who we are, and the language menu, in the
    language of her words when they say which ("hola", "bonjou")."""
    follow_written_language(step)
    step.say(m.WELCOME)
    step.go(State.CHOOSING_LANGUAGE)


def language_again(step: Step) -> None:
    """Anything but a number in the language menu: the menu again."""
    step.say(m.LANGUAGE_MENU)


def agree(step: Step) -> None:
    """YES to the terms: ask her first name."""
    step.say(m.ASK_NAME)
    step.go(State.GIVING_NAME)


def disagree(step: Step) -> None:
    """NO to the terms: nothing happens."""
    step.say(m.NOT_JOINED)
    step.go(State.NEW)


def terms_again(step: Step) -> None:
    """Anything else while reading the terms."""
    step.say(m.TERMS, **terms_params(step))
    step.say(m.TERMS_AGAIN)


def _name(step: Step) -> str | None:
    """Her first name out of the message, unless the message says something else: a command
    or a question in her language or English ("pronto", "trabalhei ontem", "what is this").

    Kay and Ed are names, though they are Kreyòl keywords.
    """
    return _name_in(step.inbound.text, step)


def _name_in(text: str, step: Step) -> str | None:
    name = first_name(text)
    if name is None:
        return None
    reading = read(name)
    if reading.intent is None or not reading.sure:
        return name
    if reading.language in (step.language, "en", None) or len(name.split()) > 1:
        return None
    return name


def is_name(step: Step) -> bool:
    """A first name, alone or in "me llamo Lucía", "I'm Grace", "Liza po", "Joana!"."""
    return _name(step) is not None


def give_name(step: Step) -> None:
    """Her name: she is a worker now."""
    name = _name(step)
    assert name is not None
    step.fund.join(name)
    step.say(m.JOINED, name=name)
    step.go(State.IDLE)


def name_again(step: Step) -> None:
    """Something that is not a name."""
    step.say(m.NAME_UNCLEAR)


NOT_COMMANDS = frozenset(
    {Intent.HELP, Intent.MENU, Intent.LANGUAGE, Intent.STOP, Intent.START, Intent.YES}
    | {Intent.NO, Intent.THANKS, Intent.GREETING, Intent.WHO_IS_THIS, Intent.NAME}
)


def asks_a_question(step: Step) -> bool:
    """ "What is this?", "o que é isso?" (or any question) instead of her name."""
    reading = step.reading
    return reading.intent is Intent.WHO_IS_THIS or (
        reading.intent is None and step.inbound.text.rstrip().endswith("?")
    )


def what_the_fund_is(step: Step) -> None:
    """Say what the fund is, and ask her name again."""
    step.say(m.NAME_WHAT_FUND)


def gives_a_command(step: Step) -> bool:
    """A command before she has a name ("adicionar ...", "pronto", "balance")."""
    return step.reading.intent is not None and step.reading.intent not in NOT_COMMANDS


def name_first(step: Step) -> None:
    """Her name comes first; the command works once she has joined."""
    step.say(m.NAME_FIRST)


def renames(step: Step) -> bool:
    """A worker's NAME [name] ("my name is Lucía", "cambiar nombre"), or Kreyòl NON and a
    name with no question open (bare NON is no)."""
    if step.profile.role is not Role.WORKER:
        return False
    if step.reading.intent is Intent.NAME:
        return True
    words = step.reading.text.split()
    return (
        step.state is State.IDLE
        and step.reading.intent is Intent.NO
        and len(words) > 1
        and words[0] == "non"
        and _name_in(written_tail(step.inbound.text, step.reading.rest), step) is not None
    )


def rename(step: Step) -> None:
    """NAME and a name: households see it from now on; NAME alone asks for it."""
    rest = step.reading.rest
    name = _name_in(written_tail(step.inbound.text, rest), step) if rest else None
    if name is None and rest:
        step.say(m.NAME_UNCLEAR)
        step.go(State.GIVING_NEW_NAME)
    elif name is None:
        step.say(m.NAME_ASK_NEW)
        step.go(State.GIVING_NEW_NAME)
    else:
        _renamed(step, name)


def give_new_name(step: Step) -> None:
    """Her new name, after NAME asked for it."""
    name = _name(step)
    assert name is not None
    _renamed(step, name)


def _renamed(step: Step, name: str) -> None:
    step.fund.rename(name)
    step.say(m.NAME_CHANGED, name=name)
    step.go(State.IDLE)


NEW: tuple[Rule, ...] = (rule("welcome", anything, welcome, State.CHOOSING_LANGUAGE),)
CHOOSING_LANGUAGE: tuple[Rule, ...] = (rule("menu again", anything, language_again),)
READING_TERMS: tuple[Rule, ...] = (
    rule("agree", intent(Intent.YES), agree, State.GIVING_NAME),
    rule("disagree", intent(Intent.NO), disagree, State.NEW),
    rule("terms again", anything, terms_again),
)
NAME_FIRST: tuple[Rule, ...] = (
    rule("name", is_name, give_name, State.IDLE),
    rule("a question", asks_a_question, what_the_fund_is),
    rule("a command", gives_a_command, name_first),
)
GIVING_NAME: tuple[Rule, ...] = (rule("name again", anything, name_again),)
COMMANDS: tuple[Rule, ...] = (rule("name", renames, rename, State.IDLE, State.GIVING_NEW_NAME),)
NEW_NAME_FIRST: tuple[Rule, ...] = (rule("new name", is_name, give_new_name, State.IDLE),)
