"""What a conversation turn produces: replies, notices to other people, and typed values.

Values stay typed (money in cents, days as dates, other message ids) so that each is
formatted in the language of whoever reads it, at the edge.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from conversations.messages import Message


@dataclass(frozen=True)
class Money:
    """An amount in integer cents, formatted in the reader's language."""

    cents: int
    signed: bool = False  # show "+" before money in (history lines)


@dataclass(frozen=True)
class Month:
    """A calendar month ("Dec 2026"), formatted in the reader's language."""

    year: int
    month: int

    @classmethod
    def of(cls, period: str) -> "Month":
        """From a period key such as "2026-12"."""
        year, month = period.split("-")
        return cls(int(year), int(month))


@dataclass(frozen=True)
class Weekday:
    """A day of the week (0 is Monday), named in the reader's language."""

    index: int


@dataclass(frozen=True)
class Choices:
    """A numbered list ("1 Ana, 2 Rosa"), each label a string or another value."""

    labels: tuple[Any, ...]
    numbered: bool = True  # False: a plain list ("life, disability")


Param = str | int | date | Money | Month | Weekday | Message | Choices | tuple[Any, ...]


@dataclass(frozen=True)
class Say:
    """One sentence to render: a message id and its values; `count` picks a plural form."""

    message: Message
    params: dict[str, Param] = field(default_factory=dict)
    count: int | None = None
    line: bool = False  # starts a line of its own (one history entry per line)


@dataclass(frozen=True)
class Notice:
    """A text for someone other than the sender (an invitation, a prompt, a receipt)."""

    person_id: int
    kind: str  # what it is, for the outbox and its templates: "invitation", "receipt"...
    says: tuple[Say, ...]
    channel: str | None = None  # "sms" or "whatsapp"; None: the one she texted from last
