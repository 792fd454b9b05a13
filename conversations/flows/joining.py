"""Joining: a language, the terms, a first name; then she is a worker."""

import re

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.anywhere import follow_written_language, terms_params
from conversations.flows.common import anything, intent
from conversations.keywords import Intent, intent_in
from conversations.names import as_written
from conversations.states import State

NAME = re.compile(r"^[^\W\d_]+(?:[ '\u2019-][^\W\d_]+){0,2}$")
MAX_NAME = 40


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


def is_name(step: Step) -> bool:
    """Letters, one to three words, and not a keyword of her language or English: a name.

    Kay and Ed are names, though they are Kreyòl keywords.
    """
    text = " ".join(step.inbound.text.split())
    if not NAME.match(text) or len(text) > MAX_NAME:
        return False
    return intent_in(text, (step.language, "en")) is None


def give_name(step: Step) -> None:
    """Her name: she is a worker now."""
    name = as_written(step.inbound.text)
    step.fund.join(name)
    step.say(m.JOINED, name=name)
    step.go(State.IDLE)


def name_again(step: Step) -> None:
    """Something that is not a name."""
    step.say(m.NAME_UNCLEAR)


NEW: tuple[Rule, ...] = (rule("welcome", anything, welcome, State.CHOOSING_LANGUAGE),)
CHOOSING_LANGUAGE: tuple[Rule, ...] = (rule("menu again", anything, language_again),)
READING_TERMS: tuple[Rule, ...] = (
    rule("agree", intent(Intent.YES), agree, State.GIVING_NAME),
    rule("disagree", intent(Intent.NO), disagree, State.NEW),
    rule("terms again", anything, terms_again),
)
NAME_FIRST: tuple[Rule, ...] = (rule("name", is_name, give_name, State.IDLE),)
GIVING_NAME: tuple[Rule, ...] = (rule("name again", anything, name_again),)
