"""Matchers and small helpers the flows share."""

import re
from collections.abc import Callable, Sequence

from conversations.engine import Step
from conversations.keywords import Intent
from conversations.ports import Role

Matcher = Callable[[Step], bool]
# In IDLE's data: the last reply refused a day off, so a bare YES next answers no older question.
REFUSED = "refused"


def intent(*intents: Intent) -> Matcher:
    """Matches a message that starts with one of these keywords."""
    return lambda step: step.reading.intent in intents


def role(*roles: Role) -> Matcher:
    """Matches a message from a person in one of these roles."""
    return lambda step: step.profile.role in roles


def both(*matchers: Matcher) -> Matcher:
    """Matches when every matcher does."""
    return lambda step: all(matcher(step) for matcher in matchers)


def anything(_step: Step) -> bool:
    """Matches every message."""
    return True


def choice(text: str, options: Sequence[int]) -> int | None:
    """The option a person picked by its number in a list ("2", "#2"), if in range."""
    match = re.fullmatch(r"#?(\d{1,3})", text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return options[number - 1] if 1 <= number <= len(options) else None


def picked(step: Step) -> bool:
    """Matches a bare number, as an answer to a numbered list."""
    return choice(step.reading.text, step.data.get("ids", [])) is not None
