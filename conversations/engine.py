"""The conversation engine: stored state + an inbound text -> next state, replies, notices.

Flows are tables of rules (matcher, handler, the states it may go to), one table per state,
plus words that win in any state. The engine sends nothing and commits nothing; `bot` applies
the turn. The tables are checked when they are built: every state has rules, every target is
a state, and every state can be reached from NEW (or is one the fund opens from outside).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from conversations import messages as m
from conversations.keywords import DEFAULT_FUND_OPT_OUT_WORDS, Intent, Reading, read
from conversations.messages import Message
from conversations.ports import Fund, Profile, Role
from conversations.states import ASKED_BY_THE_FUND, JOINING, QUESTIONS, State
from conversations.talk import Notice, Param, Say

QUESTION_LIFETIME = timedelta(days=1)
# A bare YES, NO or "ok" answers a question asked this long ago only if it is still the last
# thing she was asked (nothing else was answered since, ASIDE in its data).
ANSWER_WINDOW = timedelta(hours=1)
ASIDE = "aside"  # in a question's data: a word that works anywhere was answered since
MISSES = "misses"  # in a conversation's data: texts not understood in a row
MAX_TEXT = 1600  # Twilio's limit; anything longer is not a person typing


@dataclass(frozen=True)
class Conversation:
    """What is stored between messages."""

    state: State = State.NEW
    language: str = "en"
    data: Mapping[str, Any] = field(default_factory=dict)
    asked_at: datetime | None = None


@dataclass(frozen=True)
class Inbound:
    """A message as the engine sees it."""

    text: str
    now: datetime  # aware
    today: date  # in the person's time zone
    has_media: bool = False
    media: str = ""  # what came besides the text: "photo", "voice", "video", "file", or unknown
    # The fund's own opt-out words besides Twilio's (the OPT_OUT_WORDS setting), normalized.
    opt_out_words: frozenset[str] = DEFAULT_FUND_OPT_OUT_WORDS


@dataclass(frozen=True)
class Turn:
    """The result of one message: the next conversation, the reply, texts for others."""

    conversation: Conversation
    replies: tuple[Say, ...]
    notices: tuple[Notice, ...]
    opted_out: bool | None = None  # True: STOP was recorded, False: START; None: neither


class Step:
    """A handler's view of one turn: what came in, and what it says and where it goes."""

    def __init__(self, conversation: Conversation, inbound: Inbound, fund: Fund) -> None:
        self.conversation = conversation
        self.inbound = inbound
        self.fund = fund
        self.reading: Reading = _opt_out_or(read(inbound.text), inbound, conversation.state)
        # A typo's likeliest meaning is only acted on once she confirms it.
        self.guess: Reading | None = None if self.reading.sure else self.reading
        if self.guess is not None:
            self.reading = Reading(None, self.reading.rest, self.reading.text)
        self.choose: Callable[[Step], Rule] | None = None  # the engine's choice of rule
        self.opted_out: bool | None = None
        self.missed = False  # this text was not understood (counted in the data's MISSES)
        self.profile: Profile = fund.profile()
        self.language = conversation.language
        self.data: dict[str, Any] = dict(conversation.data)
        self.state = conversation.state
        self.says: list[Say] = []
        self.notices: list[Notice] = []
        self.allowed: frozenset[State] = frozenset()
        self.asked = False  # a rule (re)asked a question this turn

    def say(self, message: Message, count: int | None = None, **params: Param) -> None:
        """Add a sentence to the reply."""
        self.says.append(Say(message, params, count))

    def say_line(self, message: Message, **params: Param) -> None:
        """Add a sentence on a line of its own (a history entry, an offer's product)."""
        self.says.append(Say(message, params, line=True))

    def notify(self, person_id: int, kind: str, *says: Say, channel: str | None = None) -> None:
        """Send a text to someone else (or to her, apart from the reply; on a channel of her
        choosing), after the turn commits."""
        self.notices.append(Notice(person_id, kind, says, channel))

    def go(self, state: State, **data: Any) -> None:
        """Move to a state (one the rule declared), with the data its question needs."""
        if state not in self.allowed:
            raise RuleError(f"a rule went to {state} without declaring it")
        self.state = state
        self.data = data
        self.asked = True


class RuleError(Exception):
    """A flow table is inconsistent."""


@dataclass(frozen=True, eq=False)
class Rule:
    """When `matches`, `handle` the step; it may only go to `goes_to`.

    Each rule is one object, equal only to itself: the engine asks whether the rule chosen
    is one of a table's, and comparing field by field cost more than running the rule."""

    name: str
    matches: Callable[[Step], bool]
    handle: Callable[[Step], None]
    goes_to: frozenset[State] = frozenset()


def rule(
    name: str, matches: Callable[[Step], bool], handle: Callable[[Step], None], *goes_to: State
) -> Rule:
    """A rule; with no targets it leaves the state as it is."""
    return Rule(name, matches, handle, frozenset(goes_to))


class Engine:
    """Runs the flow tables."""

    def __init__(
        self,
        anywhere: Iterable[Rule],
        flows: Mapping[State, Iterable[Rule]],
        fallback: Rule,
        first: Mapping[State, Iterable[Rule]] | None = None,
    ) -> None:
        self.anywhere = tuple(anywhere)
        self.flows = {state: tuple(rules) for state, rules in flows.items()}
        self.fallback = fallback
        # Rules of a state that win even over the words that work anywhere (a name that
        # happens to be a keyword is still a name when we asked for one).
        self.first = {state: tuple(rules) for state, rules in (first or {}).items()}
        self._check()

    def run(self, conversation: Conversation, inbound: Inbound, fund: Fund) -> Turn:
        """Answer one message."""
        if len(inbound.text) > MAX_TEXT:
            inbound = replace(inbound, text=inbound.text[:MAX_TEXT])
        if _expired(conversation, inbound.now):
            conversation = replace(conversation, state=_after_expiry(conversation.state), data={})
            expired = True
        else:
            expired = False
        step = Step(conversation, inbound, fund)
        _settle(step)
        if _answers_an_old_question(step):
            step.state, step.data = State.IDLE, {}  # it answers no question left behind
        if expired:
            step.say(m.EXPIRED)
        step.choose = self._choose
        chosen = self._choose(step)
        step.allowed = chosen.goes_to | {step.state}
        chosen.handle(step)
        if not step.missed:
            step.data.pop(MISSES, None)  # only misses in a row lead to the numbered menu
        if chosen in self.anywhere and step.state == conversation.state and not step.asked:
            step.data[ASIDE] = True
        if step.state not in QUESTIONS:
            asked_at = None
        elif step.asked or step.state != conversation.state:
            asked_at = inbound.now
        else:
            asked_at = conversation.asked_at
        next_conversation = Conversation(step.state, step.language, step.data, asked_at)
        return Turn(next_conversation, tuple(step.says), tuple(step.notices), step.opted_out)

    def _choose(self, step: Step) -> Rule:
        for candidate in (*self.first.get(step.state, ()), *self.anywhere, *self.flows[step.state]):
            if candidate.matches(step):
                return candidate
        return self.fallback

    def _check(self) -> None:
        missing = set(State) - set(self.flows)
        if missing:
            raise RuleError(f"no rules for {sorted(missing)}")
        edges: dict[State, set[State]] = {state: set() for state in State}
        for state, rules in self.flows.items():
            for candidate in (*rules, *self.first.get(state, ()), *self.anywhere, self.fallback):
                edges[state] |= candidate.goes_to
        reached = {State.NEW, *ASKED_BY_THE_FUND}  # the fund opens those from outside
        frontier = list(reached)
        while frontier:
            for target in edges[frontier.pop()] - reached:
                reached.add(target)
                frontier.append(target)
        unreachable = set(State) - reached
        if unreachable:
            raise RuleError(f"states no rule reaches: {sorted(unreachable)}")

    def mermaid(self) -> str:
        """The flow as a Mermaid state diagram, generated from the tables."""
        lines = ["stateDiagram-v2", f"    [*] --> {State.NEW.value}"]
        for state, rules in self.flows.items():
            for candidate in rules:
                for target in sorted(candidate.goes_to):
                    lines.append(f"    {state.value} --> {target.value}: {candidate.name}")
        return "\n".join(lines)


def _expired(conversation: Conversation, now: datetime) -> bool:
    return (
        conversation.state in QUESTIONS
        and conversation.asked_at is not None
        and now - conversation.asked_at > QUESTION_LIFETIME
    )


def _answers_an_old_question(step: Step) -> bool:
    """A bare YES, NO or "ok" to a question asked over ANSWER_WINDOW ago, when something else
    was answered since: she is not answering it ("jajaja ok" hours after HELP)."""
    asked_at = step.conversation.asked_at
    reading = step.reading
    return (
        step.state in QUESTIONS - JOINING
        and bool(step.data.get(ASIDE))
        and asked_at is not None
        and step.inbound.now - asked_at > ANSWER_WINDOW
        and (reading.ack or (reading.intent in (Intent.YES, Intent.NO) and not reading.rest))
    )


def _settle(step: Step) -> None:
    """Match the state to the role: a member is past joining, a stranger is not past it."""
    if step.profile.role is not Role.STRANGER and step.state in JOINING - {State.CHOOSING_LANGUAGE}:
        step.state = State.IDLE
    elif step.profile.role is Role.STRANGER and step.state not in JOINING:
        step.state = State.NEW
    step.data = {} if step.state != step.conversation.state else step.data


def _opt_out_or(reading: Reading, inbound: Inbound, state: State) -> Reading:
    """The fund's own opt-out words end all texts only as the whole message, and not when
    they are also an everyday answer to an open question ("cancelar" = no to this day off)."""
    if reading.text not in inbound.opt_out_words:
        return reading
    if state in QUESTIONS and reading.intent in (Intent.YES, Intent.NO):
        return reading
    return Reading(Intent.STOP, "", reading.text)


def _after_expiry(state: State) -> State:
    return State.NEW if state in JOINING else State.IDLE
