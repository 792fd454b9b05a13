"""Transcripts: who texts what, and which messages come back, in every language.

A transcript is a table of rows `(who, text, replies)` or `(who, text, replies, notices)`:
`replies` is a message id or a tuple of them (or `say(id, key=value)` to check some values),
and `notices` the texts that go to other people, `sent(to, kind, say(...))`. A row without
notices asserts that none were sent. The runner keeps each person's Conversation between
messages, as the real service stores the Turn's next Conversation, on a fixed Sunday; a test
may move the clock on to let a question expire.
"""

import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from conversations import messages as m
from conversations.dates import warm_up
from conversations.engine import Conversation, Engine, Inbound, Rule, RuleError, Step, Turn, rule
from conversations.flows import days_off
from conversations.flows.common import anything
from conversations.flows.table import ANYWHERE, FLOWS, build_engine, not_understood
from conversations.keywords import KEYWORDS, LANGUAGE_MENU_ORDER, Intent, read
from conversations.messages import Message
from conversations.ports import Fund
from conversations.states import State
from conversations.talk import Choices, Money, Param
from conversations.understanding.vocabulary import EXTRA
from tests.conversations import segment_tally
from tests.conversations.fake_fund import (
    EmploymentStatus,
    FakeFund,
    Person,
    ReservationStatus,
    VisitStatus,
    World,
)

SUNDAY = date(2026, 11, 22)
YESTERDAY = date(2026, 11, 21)
LAST_FRIDAY = date(2026, 11, 20)
MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)

PHONES = {
    "maria": "+12125550101",  # a worker
    "rosa": "+12125550102",  # another worker
    "ana": "+12125550199",  # a household
    "casa": "+12125550188",  # another household
    "new": "+12125550150",  # a stranger
}
NAMES = {message: name for name, message in vars(m).items() if isinstance(message, Message)}
ENGINE = build_engine()


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()


# -- The words each language texts ------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """What a person texts in one language: its keywords (from KEYWORDS) and its days."""

    code: str
    stop: str  # Twilio's opt-out words are the same few in every language
    friday: str  # the coming Friday, 2026-11-27
    monday: str  # tomorrow, 2026-11-23
    yesterday: str
    tomorrow: str
    past: str  # 2026-11-20 with its year, the way the language writes dates
    far: str  # 2027-12-05
    name: str  # the language's own name, accents and all

    def __getitem__(self, intent: Intent) -> str:
        """The language's first keyword for the intent."""
        return KEYWORDS[self.code][intent][0]

    @property
    def number(self) -> str:
        """Its number in the language menu."""
        return str(LANGUAGE_MENU_ORDER.index(self.code) + 1)

    @property
    def yes(self) -> str:
        return self[Intent.YES]

    @property
    def no(self) -> str:
        return self[Intent.NO]

    @property
    def day_off_friday(self) -> str:
        return f"{self[Intent.DAY_OFF]} {self.friday}"

    @property
    def half_day_monday(self) -> str:
        return f"{self[Intent.HALF_DAY]} {self.monday}"


WORDS = {
    "en": Words(
        "en", "stop", "friday", "monday", "yesterday", "tomorrow", "11/20/2026", "12/5/2027",
        "English",
    ),
    "es": Words(
        "es", "parar", "el viernes", "el lunes", "ayer", "mañana", "20/11/2026", "5/12/2027",
        "Español",
    ),
    "pt_BR": Words(
        "pt_BR", "STOP", "sexta", "segunda", "ontem", "amanhã", "20/11/2026", "5/12/2027",
        "Português",
    ),
    "ht": Words(
        "ht", "STOP", "vandredi", "lendi", "ye", "demen", "20/11/2026", "5/12/2027", "Kreyòl"
    ),
    "tl": Words(
        "tl", "STOP", "biyernes", "lunes", "kahapon", "bukas", "20/11/2026", "5/12/2027",
        "Tagalog",
    ),
}  # fmt: skip
EVERY_LANGUAGE = pytest.mark.parametrize("lang", list(WORDS.values()), ids=list(WORDS))


def other_language(lang: Words) -> Words:
    return WORDS["es"] if lang.code == "en" else WORDS["en"]


# -- Expected replies and notices -------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """An expected sentence: its message id, some of its values, and its count if given."""

    message: Message
    params: dict[str, Param] = field(default_factory=dict)
    count: int | None = None


@dataclass(frozen=True)
class Sent:
    """An expected notice: to whom (a name in PHONES), what kind, and its sentences."""

    to: str
    kind: str
    says: tuple[Said, ...]


def say(message: Message, count: int | None = None, **params: Param) -> Said:
    return Said(message, params, count)


def sent(to: str, kind: str, *says: Message | Said) -> Sent:
    return Sent(to, kind, tuple(_said(s) for s in says))


Expected = Message | Said | tuple[Message | Said, ...]
Row = tuple[str, str, Expected] | tuple[str, str, Expected, tuple[Sent, ...]]


def _said(expected: Message | Said) -> Said:
    return expected if isinstance(expected, Said) else Said(expected)


def names(messages: Sequence[Message]) -> list[str]:
    return [NAMES.get(message, message.msgid) for message in messages]


# -- The runner -------------------------------------------------------------------------------


class Chat:
    """People texting the engine, over a shared in-memory world."""

    def __init__(self) -> None:
        self.world = World(NOW.date())
        self.now = NOW
        self.stored: dict[int, Conversation] = {}

    @property
    def today(self) -> date:
        return self.now.date()

    def advance(self, delta: timedelta) -> None:
        self.now += delta
        self.world.today = self.today
        self.world.now = self.now

    def person(self, who: str) -> Person:
        return self.world.person(PHONES[who])

    def handle(self, person_id: int) -> str:
        phone = self.world.people[person_id].phone
        return next(who for who, number in PHONES.items() if number == phone)

    def worker(self, who: str = "maria", lang: str = "en", cents: int = 0) -> Person:
        return self.world.add_worker(PHONES[who], who.capitalize(), lang, cents)

    def household(
        self,
        worker: Person,
        who: str = "ana",
        lang: str = "en",
        status: EmploymentStatus = EmploymentStatus.ACTIVE,
    ) -> int:
        employment = self.world.add_household(worker, PHONES[who], who.capitalize(), status)
        self.person(who).language = lang
        return employment.employment_id

    def state(self, who: str) -> State:
        return self.stored.get(self.person(who).person_id, Conversation()).state

    def text(self, who: str, text: str, *, media: bool = False, channel: str = "sms") -> Turn:
        """One message, as the service handles it: the stored conversation in, the next out."""
        person = self.person(who)
        stored = self.stored.get(person.person_id, Conversation())
        conversation = replace(stored, language=person.language)
        inbound = Inbound(text, self.now, self.today, has_media=media)
        turn = ENGINE.run(conversation, inbound, FakeFund(self.world, person.person_id, channel))
        self.stored[person.person_id] = turn.conversation
        self.world.last_text[person.person_id] = self.now
        person.language = turn.conversation.language
        if turn.replies and channel == "sms":
            segment_tally.record(turn.replies, person.language, "reply")
        for notice in turn.notices:
            recipient = self.world.people[notice.person_id]
            segment_tally.record(notice.says, recipient.language, "notice")
        return turn

    def play(self, rows: Sequence[Row]) -> list[Turn]:
        """Text each row and check its replies and notices."""
        turns = []
        for number, row in enumerate(rows, 1):
            who, text, expected = row[0], row[1], row[2]
            notices = row[3] if len(row) == 4 else ()
            turn = self.text(who, text)
            self.check(turn, expected, notices, f"row {number}: {who} texts {text[:40]!r}")
            turns.append(turn)
        return turns

    def check(self, turn: Turn, expected: Expected, notices: tuple[Sent, ...], where: str) -> None:
        wanted = [_said(e) for e in (expected if isinstance(expected, tuple) else (expected,))]
        got = [s.message for s in turn.replies]
        assert got == [w.message for w in wanted], (
            f"{where}: got {names(got)}, wanted {names([w.message for w in wanted])}"
        )
        for want, actual in zip(wanted, turn.replies, strict=True):
            _check_values(want, actual.params, actual.count, where)
        got_notices = [(self.handle(n.person_id), n.kind, n) for n in turn.notices]
        assert [(to, kind) for to, kind, _ in got_notices] == [(s.to, s.kind) for s in notices], (
            f"{where}: notices {[(to, kind) for to, kind, _ in got_notices]}"
        )
        for want_notice, (_, _, notice) in zip(notices, got_notices, strict=True):
            got = [s.message for s in notice.says]
            assert got == [w.message for w in want_notice.says], f"{where}: notice {names(got)}"
            for want, actual in zip(want_notice.says, notice.says, strict=True):
                _check_values(want, actual.params, actual.count, where)


def _check_values(want: Said, params: dict[str, Param], count: int | None, where: str) -> None:
    for key, value in want.params.items():
        assert key in params, f"{where}: {NAMES[want.message]} has no {key}"
        assert params[key] == value, (
            f"{where}: {NAMES[want.message]} {key}={params[key]!r}, wanted {value!r}"
        )
    if want.count is not None:
        assert count == want.count, f"{where}: {NAMES[want.message]} count={count}"


@pytest.fixture
def chat() -> Chat:
    return Chat()


def terms() -> Said:
    return say(m.TERMS, contribution=Money(500), day_off=Money(12_000))


def prompt(day: date, worker: str = "Maria", cents: int = 500) -> Said:
    return say(m.VISIT_PROMPT, worker=worker, date=day, amount=Money(cents))


# -- The harness itself -----------------------------------------------------------------------


def test_the_fake_fund_has_the_protocol_s_methods_and_signatures():
    members = [n for n, v in vars(Fund).items() if callable(v) and not n.startswith("_")]
    assert len(members) == 34
    for name in members:
        assert inspect.signature(getattr(FakeFund, name)) == inspect.signature(getattr(Fund, name))


@EVERY_LANGUAGE
def test_the_inputs_use_the_language_s_own_keywords(lang: Words):
    own = KEYWORDS[lang.code]
    assert read(lang.day_off_friday).intent is Intent.DAY_OFF
    assert read(lang.day_off_friday).rest.split()[-1] in lang.friday.casefold()
    assert read(lang.half_day_monday).intent is Intent.HALF_DAY
    assert lang.yes in own[Intent.YES] and lang.no in own[Intent.NO]
    assert read(lang.yes).intent is Intent.YES and read(lang.no).intent is Intent.NO


def test_the_runner_stores_the_next_conversation_and_the_language(chat: Chat):
    chat.text("new", "hello")
    assert chat.state("new") is State.CHOOSING_LANGUAGE
    chat.text("new", "2")
    assert chat.state("new") is State.READING_TERMS
    assert chat.person("new").language == "es"


# -- Joining ----------------------------------------------------------------------------------


@EVERY_LANGUAGE
def test_joining_by_number(chat: Chat, lang: Words):
    chat.play(
        [
            ("new", "hi", m.WELCOME),
            ("new", lang.number, (m.LANGUAGE_SET, terms())),
            ("new", "what is this about", (terms(), m.TERMS_AGAIN)),
            ("new", lang.yes, m.ASK_NAME),
            ("new", "12345", m.NAME_UNCLEAR),
            ("new", "Lucia", say(m.JOINED, name="Lucia")),
            ("new", lang[Intent.BALANCE], (say(m.BALANCE, balance=Money(0)), m.NO_DAY_OFF_YET)),
        ]
    )
    person = chat.person("new")
    assert person.is_worker and person.name == "Lucia" and person.language == lang.code
    assert chat.state("new") is State.IDLE


@EVERY_LANGUAGE
def test_joining_by_language_name_then_saying_no(chat: Chat, lang: Words):
    chat.play(
        [
            ("new", "Hello?", m.WELCOME),
            ("new", lang.name, (m.LANGUAGE_SET, terms())),
            ("new", lang.no, m.NOT_JOINED),
            ("new", "hi again", m.WELCOME),
        ]
    )
    assert not chat.person("new").is_worker
    assert chat.person("new").language == lang.code


@EVERY_LANGUAGE
def test_a_language_name_as_the_first_text_skips_the_welcome(chat: Chat, lang: Words):
    chat.play([("new", lang.name.upper(), (m.LANGUAGE_SET, terms()))])
    assert chat.state("new") is State.READING_TERMS


@EVERY_LANGUAGE
def test_help_while_reading_the_terms_keeps_the_question(chat: Chat, lang: Words):
    chat.play(
        [
            ("new", "hi", m.WELCOME),
            ("new", lang.number, (m.LANGUAGE_SET, m.TERMS)),
            ("new", lang[Intent.HELP], m.HELP),
            ("new", lang.yes, m.ASK_NAME),
            ("new", lang[Intent.HELP], m.HELP),
            ("new", "rosa maria", say(m.JOINED, name="Rosa Maria")),
        ]
    )
    assert chat.person("new").name == "Rosa Maria"


def test_anything_but_a_number_in_the_language_menu_shows_it_again(chat: Chat):
    chat.play(
        [
            ("new", "hi", m.WELCOME),
            ("new", "yes", m.LANGUAGE_MENU),
            ("new", "7", m.LANGUAGE_MENU),
            ("new", "0", m.LANGUAGE_MENU),
            ("new", "1", (m.LANGUAGE_SET, m.TERMS)),
        ]
    )


@pytest.mark.parametrize(
    "text", ["12345", "Maria123", "Ana Maria de la Cruz", "x" * 41, "me llamo Ana Maria de la Cruz"]
)
def test_what_is_not_a_name(chat: Chat, text: str):
    chat.play(
        [
            ("new", "hi", m.WELCOME),
            ("new", "1", (m.LANGUAGE_SET, m.TERMS)),
            ("new", "yes", m.ASK_NAME),
            ("new", text, m.NAME_UNCLEAR),
        ]
    )
    assert chat.state("new") is State.GIVING_NAME
    assert not chat.person("new").is_worker


def test_a_name_that_is_also_a_keyword_can_join(chat: Chat):
    chat.play(
        [
            ("new", "hi", m.WELCOME),
            ("new", "1", (m.LANGUAGE_SET, m.TERMS)),
            ("new", "yes", m.ASK_NAME),
            ("new", "Kay", say(m.JOINED, name="Kay")),
        ]
    )


@EVERY_LANGUAGE
def test_strangers_and_households_cannot_use_workers_words(chat: Chat, lang: Words):
    maria = chat.worker()
    chat.household(maria, "ana")
    for who in ("new", "ana"):
        # Someone new is asked to join; a household's "balance" is what it gave this year.
        first = m.WELCOME if who == "new" else m.HOUSEHOLD_GIVEN_NONE
        chat.play(
            [
                (who, lang[Intent.BALANCE], first),
                (who, lang.day_off_friday, m.WORKERS_ONLY),
                (who, lang[Intent.DONE], m.WORKERS_ONLY),
                (who, f"{lang[Intent.ADD]} 212 555 0123", m.WORKERS_ONLY),
                (who, lang[Intent.UNDO], m.WORKERS_ONLY),
            ]
        )
    assert not chat.world.reservations and not chat.world.visits


# -- Words that work in any state -------------------------------------------------------------


@EVERY_LANGUAGE
def test_words_that_work_while_confirming_a_day_off(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=20_000)
    other = other_language(lang)
    confirm = say(m.DAY_OFF_CONFIRM, date=FRIDAY, amount=Money(12_000), after=Money(8_000))
    chat.play([("maria", lang.day_off_friday, confirm), ("maria", lang[Intent.HELP], m.HELP)])
    assert chat.state("maria") is State.CONFIRMING_DAY_OFF
    chat.play([("maria", lang.stop, m.OPTED_OUT)])
    assert maria.opted_out == {"sms": True}
    assert chat.state("maria") is State.CONFIRMING_DAY_OFF
    chat.play([("maria", "START", m.OPTED_IN), ("maria", other.name, m.LANGUAGE_SET)])
    assert maria.opted_out == {"sms": False}
    assert maria.language == other.code
    assert chat.state("maria") is State.CONFIRMING_DAY_OFF
    chat.play(
        [
            ("maria", lang.name, m.LANGUAGE_SET),
            ("maria", lang.yes, say(m.DAY_OFF_BOOKED, date=FRIDAY, amount=Money(12_000))),
        ]
    )
    assert maria.language == lang.code
    assert [r.day for r in chat.world.waiting(maria.person_id)] == [FRIDAY]


@EVERY_LANGUAGE
def test_menu_ends_a_question(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=20_000)
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang[Intent.MENU], m.MENU_WORKER),
            ("maria", lang.yes, m.NOTHING_OPEN_YES),
        ]
    )
    assert chat.state("maria") is State.IDLE
    assert chat.world.waiting(maria.person_id) == []


@EVERY_LANGUAGE
def test_the_language_menu_in_the_middle_of_a_question(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=20_000)
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang[Intent.LANGUAGE], m.LANGUAGE_MENU),
            ("maria", "hmm", m.LANGUAGE_MENU),
            ("maria", "2", m.LANGUAGE_SET),
        ]
    )
    assert maria.language == "es"
    assert chat.state("maria") is State.IDLE
    chat.play(
        [
            ("maria", lang[Intent.LANGUAGE], m.LANGUAGE_MENU),
            ("maria", lang.name, m.LANGUAGE_SET),
        ]
    )
    assert maria.language == lang.code
    assert chat.state("maria") is State.IDLE
    assert chat.world.waiting(maria.person_id) == []


@EVERY_LANGUAGE
def test_balance_while_confirming_a_day_off_answers_and_ends_the_question(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=20_000)
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            (
                "maria",
                lang[Intent.BALANCE],
                (
                    say(m.BALANCE, balance=Money(20_000), available=Money(20_000)),
                    say(m.DAYS_OFF_AND_HALF, count=1),
                ),
            ),
            ("maria", lang.yes, m.NOTHING_OPEN_YES),
        ]
    )
    assert chat.world.waiting(maria.person_id) == []


@pytest.mark.parametrize("text", ["stop", "STOP", "Stop.", "parar", "baja", "END"])
def test_opt_out_words_are_recorded_and_keep_the_state(chat: Chat, text: str):
    maria = chat.worker(cents=20_000)
    chat.play([("maria", "day off friday", m.DAY_OFF_CONFIRM), ("maria", text, m.OPTED_OUT)])
    assert maria.opted_out == {"sms": True}
    assert chat.state("maria") is State.CONFIRMING_DAY_OFF
    chat.play([("maria", "start", m.OPTED_IN), ("maria", "yes", m.DAY_OFF_BOOKED)])
    assert maria.opted_out == {"sms": False}


def test_opt_out_is_recorded_for_the_channel_it_came_from(chat: Chat):
    maria = chat.worker()
    chat.text("maria", "STOP", channel="whatsapp")
    assert maria.opted_out == {"whatsapp": True}


@pytest.mark.parametrize(
    ("text", "reply"), [("stop texting me", m.NOT_UNDERSTOOD), ("cancel day off", m.UNDO_NOTHING)]
)
def test_opt_out_words_count_only_as_the_whole_message(chat: Chat, text: str, reply: Message):
    maria = chat.worker()
    chat.play([("maria", text, reply)])
    assert maria.opted_out == {}


@EVERY_LANGUAGE
def test_households_get_help_and_their_own_menu(chat: Chat, lang: Words):
    chat.household(chat.worker(), "ana", lang.code)
    chat.play(
        [
            ("ana", lang[Intent.HELP], m.HELP_HOUSEHOLD),
            ("ana", lang[Intent.MENU], m.MENU_HOUSEHOLD),
            ("ana", lang.stop, m.OPTED_OUT_HOUSEHOLD),
        ]
    )
    assert chat.person("ana").opted_out == {"sms": True}


def test_a_stranger_s_menu_is_the_welcome(chat: Chat):
    chat.play([("new", "menu", m.WELCOME), ("new", "3", (m.LANGUAGE_SET, m.TERMS))])
    assert chat.person("new").language == "pt_BR"


# -- Balance and history ----------------------------------------------------------------------


@EVERY_LANGUAGE
def test_balance_with_nothing_a_day_and_a_half_and_a_day_off_waiting(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    balance = lang[Intent.BALANCE]
    chat.play(
        [
            (
                "maria",
                balance,
                (
                    say(m.BALANCE, balance=Money(0), available=Money(0)),
                    say(m.NO_DAY_OFF_YET, day_off=Money(12_000), half_day=Money(6_000)),
                ),
            )
        ]
    )
    chat.world.credit(maria.person_id, 18_000, who="Ana")
    chat.play(
        [
            (
                "maria",
                balance,
                (
                    say(m.BALANCE, balance=Money(18_000), available=Money(18_000)),
                    say(m.DAYS_OFF_AND_HALF, count=1),
                ),
            ),
            ("maria", lang.half_day_monday, say(m.HALF_DAY_OFF_CONFIRM, after=Money(12_000))),
            ("maria", lang.yes, say(m.HALF_DAY_BOOKED, date=MONDAY, amount=Money(6_000))),
            (
                "maria",
                balance,
                (
                    say(m.BALANCE, balance=Money(18_000), available=Money(12_000)),
                    say(m.DAYS_OFF, count=1),
                    say(m.PENDING_DAYS_OFF, count=1),
                ),
            ),
        ]
    )


@pytest.mark.parametrize(
    ("cents", "then"),
    [
        (5_999, say(m.NO_DAY_OFF_YET)),
        (6_000, say(m.HALF_DAY_ONLY)),
        (12_000, say(m.DAYS_OFF, count=1)),
        (24_000, say(m.DAYS_OFF, count=2)),
        (30_000, say(m.DAYS_OFF_AND_HALF, count=2)),
    ],
)
def test_what_a_balance_pays_for(chat: Chat, cents: int, then: Said):
    chat.worker(cents=cents)
    chat.play([("maria", "Balance", (say(m.BALANCE, balance=Money(cents)), then))])


def test_balance_lists_insurance_in_force(chat: Chat):
    chat.worker().insured = ("life", "disability")
    products = Choices((m.LIFE_INSURANCE, m.DISABILITY_INSURANCE), numbered=False)
    chat.play(
        [("maria", "bal", (m.BALANCE, m.NO_DAY_OFF_YET, say(m.INSURANCE_COVER, products=products)))]
    )


@EVERY_LANGUAGE
def test_history_empty(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    chat.play([("maria", lang[Intent.HISTORY], m.HISTORY_EMPTY)])


def casa(days_ago: int, cents: int) -> Said:
    """A history line for money Casa added for a day some days before Sunday."""
    day = SUNDAY - timedelta(days=days_ago)
    return say(m.HISTORY_LINE, date=day, amount=Money(cents, signed=True), who="Casa")


@EVERY_LANGUAGE
def test_history_shows_the_five_newest_lines_and_who_paid(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    for days_ago, cents in enumerate((700, 800, 900, 1_000), 3):
        chat.world.credit(maria.person_id, cents, "Casa", SUNDAY - timedelta(days=days_ago))
    chat.world.credit(maria.person_id, 12_000, "Casa", LAST_FRIDAY)
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang.yes, m.DAY_OFF_BOOKED),
        ]
    )
    chat.world.pay_day_off(next(iter(chat.world.reservations)))
    chat.play(
        [
            (
                "maria",
                lang[Intent.DONE],
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", prompt(SUNDAY)),),
            ),
            ("ana", "10", m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),)),
            (
                "maria",
                lang[Intent.HISTORY],
                (
                    m.HISTORY_HEADER,
                    say(m.HISTORY_LINE, date=SUNDAY, amount=Money(1_000, signed=True), who="Ana"),
                    say(
                        m.HISTORY_LINE,
                        date=SUNDAY,
                        amount=Money(-12_000, signed=True),
                        who=m.PAID_DAY_OFF,
                    ),
                    say(m.HISTORY_LINE, date=LAST_FRIDAY, amount=Money(12_000, signed=True)),
                    # By the day of the work, not the order they were posted in.
                    casa(3, 700),
                    casa(4, 800),
                    m.HISTORY_MORE,
                ),
            ),
            (
                "maria",
                lang[Intent.MORE],
                (
                    m.HISTORY_HEADER,
                    casa(5, 900),
                    casa(6, 1_000),
                ),
            ),
        ]
    )


# -- A worker's households --------------------------------------------------------------------


@EVERY_LANGUAGE
def test_adding_listing_and_removing_households(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    add, remove = lang[Intent.ADD], lang[Intent.REMOVE]
    invitation = say(m.INVITATION, worker="Maria", amount=Money(500))
    chat.play(
        [
            (
                "maria",
                f"{add} 212-555-0199",
                say(m.ADD_INVITED, household="(...0199)"),
                (sent("ana", "invitation", invitation, m.LANGUAGE_HINT),),
            ),
            (
                "maria",
                f"{add} (212) 555 0188 casa grande",
                say(m.ADD_INVITED, household="Casa Grande"),
                (sent("casa", "invitation", invitation, m.LANGUAGE_HINT),),
            ),
            ("maria", f"{add} +1 212 555 0199", say(m.ADD_ALREADY, household="(...0199)")),
            ("maria", add, m.ADD_HOW),
            ("maria", f"{add} hello", m.ADD_BAD_NUMBER),
            ("maria", f"{add} 123 4567", m.ADD_BAD_NUMBER),
            ("maria", f"{add} 212 555 0101", m.ADD_SELF),
            (
                "maria",
                lang[Intent.HOUSEHOLDS],
                say(m.HOUSEHOLDS_LIST, list=Choices(("(...0199)", "Casa Grande"))),
            ),
            ("maria", f"{remove} 1", say(m.REMOVE_CONFIRM, household="(...0199)")),
            ("maria", lang.yes, (say(m.REMOVED, household="(...0199)"), m.REMOVED_ADD_BACK)),
            ("maria", remove, say(m.REMOVE_WHICH, list=Choices(("Casa Grande",)))),
        ]
    )
    assert chat.state("maria") is State.PICKING_HOUSEHOLD_TO_REMOVE
    chat.play(
        [
            ("maria", "5", m.NOT_UNDERSTOOD),
            ("maria", "1", say(m.REMOVE_CONFIRM, household="Casa Grande")),
            ("maria", lang.no, say(m.REMOVE_KEPT, household="Casa Grande")),
            ("maria", f"{remove} 1", say(m.REMOVE_CONFIRM, household="Casa Grande")),
            ("maria", lang.yes, (say(m.REMOVED, household="Casa Grande"), m.REMOVED_ADD_BACK)),
            ("maria", lang[Intent.HOUSEHOLDS], m.HOUSEHOLDS_NONE),
            ("maria", remove, m.HOUSEHOLDS_NONE),
        ]
    )
    statuses = [e.status for e in chat.world.employments.values()]
    assert statuses == [EmploymentStatus.ENDED, EmploymentStatus.ENDED]
    assert chat.person("ana").is_household and not chat.person("ana").is_worker


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("ADD 212-555-0199", "(...0199)"),
        ("add (212) 555 0199 Ana", "Ana"),
        ("Add +1 212 555 0199", "(...0199)"),
        ("add 212.555.0199 ana maria", "Ana Maria"),
        ("add 2125550199 ANA", "Ana"),
    ],
)
def test_a_phone_number_written_many_ways(chat: Chat, text: str, label: str):
    chat.worker()
    chat.play(
        [
            (
                "maria",
                text,
                say(m.ADD_INVITED, household=label),
                (sent("ana", "invitation", m.INVITATION, m.LANGUAGE_HINT),),
            )
        ]
    )
    assert chat.person("ana").is_household


def test_adding_a_worker_s_number(chat: Chat):
    chat.worker()
    chat.worker("rosa")
    chat.play([("maria", "add 212 555 0102 Rosa", say(m.ADD_NOT_WORKER, household="Rosa"))])
    assert not chat.person("rosa").is_household


def test_a_removed_household_can_be_invited_again(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.play(
        [
            ("maria", "remove 1", say(m.REMOVE_CONFIRM, household="Ana")),
            ("maria", "yes", (say(m.REMOVED, household="Ana"), m.REMOVED_ADD_BACK)),
            (
                "maria",
                "add 212 555 0199",
                say(m.ADD_INVITED, household="Ana"),
                (sent("ana", "invitation", m.INVITATION, m.LANGUAGE_HINT),),
            ),
            ("maria", "done", m.DONE_NO_HOUSEHOLDS),
        ]
    )


# -- A household's answers to an invitation ---------------------------------------------------


@EVERY_LANGUAGE
def test_a_household_accepts_an_invitation(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    chat.play(
        [
            (
                "maria",
                f"{lang[Intent.ADD]} 212 555 0199 Ana",
                m.ADD_INVITED,
                (sent("ana", "invitation", m.INVITATION, m.LANGUAGE_HINT),),
            ),
            ("maria", lang[Intent.DONE], m.DONE_NO_HOUSEHOLDS),
            (
                "ana",
                lang.yes,
                say(m.HOUSEHOLD_JOINED, amount=Money(500), worker="Maria"),
                (sent("maria", "invitation_answer", say(m.INVITATION_ACCEPTED, household="Ana")),),
            ),
            ("ana", lang.yes, m.NOTHING_TO_CONFIRM),
            (
                "maria",
                lang[Intent.DONE],
                say(m.DONE_REPORTED, household="Ana"),
                (sent("ana", "visit_prompt", m.VISIT_PROMPT),),
            ),
        ]
    )
    assert [e.status for e in chat.world.employments.values()] == [EmploymentStatus.ACTIVE]


@EVERY_LANGUAGE
def test_a_household_declines_an_invitation(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code, EmploymentStatus.INVITED)
    chat.play(
        [
            (
                "ana",
                lang.no,
                m.HOUSEHOLD_SAID_NO,
                (sent("maria", "invitation_answer", say(m.INVITATION_DECLINED, household="Ana")),),
            ),
            # No longer anyone's household: she is a stranger, who may join.
            ("ana", lang.no, m.WELCOME),
            ("maria", lang[Intent.DONE], m.DONE_NO_HOUSEHOLDS),
        ]
    )
    assert [e.status for e in chat.world.employments.values()] == [EmploymentStatus.DECLINED]


# -- Visits -----------------------------------------------------------------------------------


@EVERY_LANGUAGE
def test_done_with_one_household_then_yes(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    done = lang[Intent.DONE]
    chat.play(
        [
            (
                "maria",
                done,
                say(m.DONE_REPORTED, household="Ana", amount=Money(500), date=SUNDAY),
                (sent("ana", "visit_prompt", prompt(SUNDAY)),),
            ),
            ("maria", done, say(m.DONE_ALREADY, household="Ana", date=SUNDAY)),
            (
                "ana",
                lang.yes,
                say(m.CONTRIBUTION_THANKS, amount=Money(500), worker="Maria"),
                (
                    sent(
                        "maria",
                        "receipt",
                        say(m.RECEIPT, household="Ana", amount=Money(500), balance=Money(500)),
                    ),
                ),
            ),
            ("ana", lang.yes, m.NOTHING_TO_CONFIRM),
            (
                "maria",
                done,
                say(m.DONE_ALREADY_CONFIRMED, household="Ana", amount=Money(500), date=SUNDAY),
            ),
        ]
    )
    assert chat.world.posted_cents(maria.person_id) == 500
    [visit] = chat.world.visits.values()
    assert visit.status is VisitStatus.CONFIRMED
    visit.paid = True  # the household's payment came in
    chat.play(
        [
            (
                "maria",
                done,
                say(m.DONE_ALREADY_PAID, household="Ana", amount=Money(500), date=SUNDAY),
            ),
        ]
    )
    assert len(chat.world.visits) == 1


@EVERY_LANGUAGE
def test_done_yesterday(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    chat.play(
        [
            (
                "maria",
                f"{lang[Intent.DONE]} {lang.yesterday}",
                say(m.DONE_REPORTED, date=YESTERDAY),
                (sent("ana", "visit_prompt", prompt(YESTERDAY)),),
            )
        ]
    )


@EVERY_LANGUAGE
def test_done_with_several_households(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    chat.household(maria, "casa", lang.code)
    done = lang[Intent.DONE]
    chat.play([("maria", done, say(m.DONE_WHICH, list=Choices(("Ana", "Casa"))))])
    assert chat.state("maria") is State.PICKING_VISIT_HOUSEHOLD
    chat.play(
        [
            ("maria", "3", m.NOT_UNDERSTOOD),
            (
                "maria",
                "2",
                say(m.DONE_REPORTED, household="Casa", date=SUNDAY),
                (sent("casa", "visit_prompt", prompt(SUNDAY)),),
            ),
            (
                "maria",
                f"{done} 1 {lang.yesterday}",
                say(m.DONE_REPORTED, household="Ana", date=YESTERDAY),
                (sent("ana", "visit_prompt", prompt(YESTERDAY)),),
            ),
            ("maria", f"{done} 2", say(m.DONE_ALREADY, household="Casa")),
        ]
    )
    assert chat.state("maria") is State.IDLE


def asked_which_household(chat: Chat, lang: Words) -> None:
    """Maria, with households Ana and Casa, says she worked: she is asked which one."""
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    chat.household(maria, "casa", lang.code)
    chat.play([("maria", lang[Intent.DONE], say(m.DONE_WHICH, list=Choices(("Ana", "Casa"))))])


@EVERY_LANGUAGE
def test_an_ok_while_she_is_asked_which_household_keeps_the_question_open(chat: Chat, lang: Words):
    asked_which_household(chat, lang)
    chat.play([("maria", "ok", m.YOU_ARE_WELCOME), ("maria", "👍", m.YOU_ARE_WELCOME)])
    assert chat.state("maria") is State.PICKING_VISIT_HOUSEHOLD  # not a miss: no menu
    chat.play(
        [
            (
                "maria",
                "1",
                say(m.DONE_REPORTED, household="Ana", date=SUNDAY),
                (sent("ana", "visit_prompt", prompt(SUNDAY)),),
            )
        ]
    )


def test_done_with_a_day_that_is_not_a_visit_day(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.play([("maria", "done tomorrow", m.NOT_UNDERSTOOD)])
    assert chat.world.visits == {}


def test_done_with_a_numeric_date(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.play(
        [
            (
                "maria",
                "done 11/20",
                say(m.DONE_REPORTED, date=LAST_FRIDAY),
                (sent("ana", "visit_prompt", prompt(LAST_FRIDAY)),),
            )
        ]
    )


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("10", 1_000),
        ("$10", 1_000),
        ("10.50", 1_050),
        ("7,50", 750),
        ("US$ 5", 500),
        ("$7.5", 750),
        ("100", 10_000),
    ],
)
def test_a_household_names_the_amount(chat: Chat, text: str, cents: int):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.text("maria", "done")
    chat.play(
        [
            (
                "ana",
                text,
                say(m.CONTRIBUTION_THANKS, amount=Money(cents)),
                (
                    sent(
                        "maria",
                        "receipt",
                        say(m.RECEIPT, amount=Money(cents), balance=Money(cents)),
                    ),
                ),
            )
        ]
    )
    assert [v.amount_cents for v in chat.world.visits.values()] == [cents]


@EVERY_LANGUAGE
def test_a_household_answers_visits_in_its_language(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    done = lang[Intent.DONE]
    chat.play(
        [
            ("maria", done, m.DONE_REPORTED, (sent("ana", "visit_prompt", prompt(SUNDAY)),)),
            ("ana", "hmm", m.AMOUNT_UNCLEAR),
            ("ana", "500", say(m.AMOUNT_TOO_BIG, max=Money(10_000))),
            ("ana", "100.01", m.AMOUNT_TOO_BIG),
            (
                "ana",
                "$10",
                say(m.CONTRIBUTION_THANKS, amount=Money(1_000)),
                (sent("maria", "receipt", say(m.RECEIPT, balance=Money(1_000))),),
            ),
            (
                "maria",
                f"{done} {lang.yesterday}",
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", prompt(YESTERDAY)),),
            ),
            (
                "ana",
                lang.no,
                say(m.VISIT_DECLINED, date=YESTERDAY),
                (
                    sent(
                        "maria",
                        "visit_declined",
                        say(m.VISIT_DECLINED_NOTICE, household="Ana", date=YESTERDAY),
                    ),
                ),
            ),
            ("ana", lang.no, m.NOTHING_TO_CONFIRM),
        ]
    )
    assert chat.world.posted_cents(maria.person_id) == 1_000
    statuses = [v.status for v in chat.world.visits.values()]
    assert statuses == [VisitStatus.CONFIRMED, VisitStatus.DECLINED]


@EVERY_LANGUAGE
def test_two_open_visits_are_told_apart_by_number(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    done = lang[Intent.DONE]
    numbered = say(m.VISIT_PROMPT_NUMBERED, number="2", date=SUNDAY, worker="Maria")
    chat.play(
        [
            (
                "maria",
                f"{done} {lang.yesterday}",
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", prompt(YESTERDAY)),),
            ),
            ("maria", done, m.DONE_REPORTED, (sent("ana", "visit_prompt", numbered),)),
            ("ana", lang.yes, m.PROMPTS_WHICH),
            ("ana", "10", m.PROMPTS_WHICH),
            ("ana", f"{lang.yes} 2", m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),)),
        ]
    )
    assert {v.day: v.status for v in chat.world.visits.values()} == {
        YESTERDAY: VisitStatus.REPORTED,
        SUNDAY: VisitStatus.CONFIRMED,
    }
    chat.play([("ana", lang.yes, m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),))])
    assert chat.world.posted_cents(maria.person_id) == 1_000


@EVERY_LANGUAGE
def test_another_amount_asks_how_much_for_that_visit_then_takes_it(chat: Chat, lang: Words):
    """The words of WhatsApp's "Another amount" button (typed, or its payload read)."""
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    done = lang[Intent.DONE]
    other = EXTRA[lang.code][Intent.AMOUNT].split("|")[0]
    numbered = say(m.VISIT_PROMPT_NUMBERED, number="2", date=SUNDAY, worker="Maria")
    receipt = (sent("maria", "receipt", m.RECEIPT),)
    chat.play(
        [
            (
                "maria",
                f"{done} {lang.yesterday}",
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", prompt(YESTERDAY)),),
            ),
            ("maria", done, m.DONE_REPORTED, (sent("ana", "visit_prompt", numbered),)),
            ("ana", other, m.PROMPTS_WHICH),  # two open: which one?
            ("ana", f"{other} 2", say(m.AMOUNT_HOW, date=SUNDAY, worker="Maria")),
            ("ana", "500", m.AMOUNT_TOO_BIG),  # still asking
            ("ana", "12.50", m.CONTRIBUTION_THANKS, receipt),
            ("ana", other.upper(), say(m.AMOUNT_HOW, date=YESTERDAY)),  # one left
            ("ana", "$7", say(m.CONTRIBUTION_THANKS, amount=Money(700)), receipt),
            ("ana", other, m.NOTHING_TO_CONFIRM),
        ]
    )
    assert chat.world.posted_cents(maria.person_id) == 1_950


def test_after_how_much_any_other_answer_is_read_as_usual(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.text("maria", "done")
    chat.play(
        [
            ("ana", "another amount", m.AMOUNT_HOW),
            (
                "ana",
                "no",
                m.VISIT_DECLINED,
                (sent("maria", "visit_declined", m.VISIT_DECLINED_NOTICE),),
            ),
            ("ana", "15", m.NOTHING_TO_CONFIRM),
        ]
    )


# "Yes to all" as households text it.
YES_TO_ALL = {
    "en": ("yes to all", "Yes all of them please", "YES BOTH"),
    "es": ("si a todos", "sí, todos", "si a todas por favor"),
    "pt_BR": ("sim para todos", "Sim, todos", "sim tudo"),
    "ht": ("wi pou tout", "wi tout", "Wi pou toulede"),
    "tl": ("oo lahat", "Oo sa lahat po", "opo lahat"),
}


def receipt(to: str, household: str, cents: int, balance: int) -> Sent:
    return sent(
        to,
        "receipt",
        say(m.RECEIPT, household=household, amount=Money(cents), balance=Money(balance)),
    )


@EVERY_LANGUAGE
def test_yes_to_all_confirms_every_open_visit_with_its_own_amount(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    rosa = chat.worker("rosa", lang=lang.code)
    chat.world.add_household(rosa, PHONES["ana"], "Casa Ana").amount_per_visit_cents = 700
    done = lang[Intent.DONE]
    chat.text("maria", f"{done} {lang.yesterday}")
    chat.text("maria", done)
    chat.text("rosa", done)
    chat.play(
        [
            (
                "ana",
                YES_TO_ALL[lang.code][0],
                (
                    say(m.ALL_CONFIRMED, count=2, amount=Money(1_000), worker="Maria"),
                    say(m.ALL_CONFIRMED, count=1, amount=Money(700), worker="Rosa"),
                ),
                (receipt("maria", "Ana", 1_000, 1_000), receipt("rosa", "Casa Ana", 700, 700)),
            ),
            ("ana", YES_TO_ALL[lang.code][0], m.NOTHING_TO_CONFIRM),
        ]
    )
    amounts = sorted(v.amount_cents or 0 for v in chat.world.visits.values())
    assert amounts == [500, 500, 700]
    assert chat.world.posted_cents(maria.person_id) == 1_000
    assert chat.world.posted_cents(rosa.person_id) == 700


ALL_TEXTS = [(code, text) for code, texts in YES_TO_ALL.items() for text in texts]


@pytest.mark.parametrize(("code", "text"), ALL_TEXTS, ids=[t for _, t in ALL_TEXTS])
def test_yes_to_all_as_households_text_it(chat: Chat, code: str, text: str):
    maria = chat.worker(lang=code)
    chat.household(maria, "ana", code)
    chat.text("maria", f"{WORDS[code][Intent.DONE]} {WORDS[code].yesterday}")
    chat.text("maria", WORDS[code][Intent.DONE])
    all_confirmed = say(m.ALL_CONFIRMED, count=2, amount=Money(1_000), worker="Maria")
    chat.play([("ana", text, all_confirmed, (receipt("maria", "Ana", 1_000, 1_000),))])
    assert chat.person("ana").language == code


def test_yes_to_all_with_one_open_visit_and_with_an_amount(chat: Chat):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.text("maria", "done")
    thanks = say(m.CONTRIBUTION_THANKS, amount=Money(500), worker="Maria")
    chat.play([("ana", "yes to all", thanks, (receipt("maria", "Ana", 500, 500),))])
    chat.text("maria", "done yesterday")
    chat.text("maria", "done 11/20")
    each_ten = say(m.ALL_CONFIRMED, count=2, amount=Money(2_000))
    chat.play(
        [
            ("ana", "yes 150 to all", say(m.AMOUNT_TOO_BIG, max=Money(10_000))),
            ("ana", "yes ten for all", each_ten, (receipt("maria", "Ana", 2_000, 2_500),)),
        ]
    )


def test_no_to_all_is_asked_which_never_guessed(chat: Chat):
    """ "hindi lahat" may be "not all": several visits are never declined at once."""
    maria = chat.worker(lang="tl")
    chat.household(maria, "ana", "tl")
    chat.text("maria", "tapos kahapon")
    chat.text("maria", "tapos")
    chat.play([("ana", "hindi lahat", m.PROMPTS_WHICH), ("ana", "no to all", m.PROMPTS_WHICH)])
    assert {v.status for v in chat.world.visits.values()} == {VisitStatus.REPORTED}


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("seven fifty", 750),
        ("Five dollars fifty", 550),
        ("seven dollars and fifty cents", 750),
        ("yes, ten fifty", 1_050),
        ("siete cincuenta", 750),
        ("cinco con cincuenta", 550),
        ("si, siete cincuenta", 750),
        ("sete e cinquenta", 750),
        ("sim, sete e cinquenta", 750),
        ("vinte e cinco", 2_500),
        ("set dola senkant", 750),
        ("wi, senk dola senkant", 550),
        ("pito singkwenta", 750),
        ("limang dolyar at singkwenta sentimo", 550),
        ("5 dollars 50", 550),
    ],
)
def test_a_household_names_dollars_and_cents_in_words(chat: Chat, text: str, cents: int):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.text("maria", "done")
    chat.play(
        [
            (
                "ana",
                text,
                say(m.CONTRIBUTION_THANKS, amount=Money(cents)),
                (receipt("maria", "Ana", cents, cents),),
            )
        ]
    )


def test_prompts_which_lists_the_open_visits(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.household(chat.worker("rosa"), "ana")
    chat.text("maria", "done")
    chat.play(
        [
            (
                "rosa",
                "done",
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", say(m.VISIT_PROMPT_NUMBERED, worker="Rosa")),),
            ),
            (
                "ana",
                "ok",
                say(
                    m.PROMPTS_WHICH,
                    list=Choices(
                        (("#1", "Maria", date(2026, 11, 22)), ("#2", "Rosa", date(2026, 11, 22))),
                        numbered=False,
                    ),
                ),
            ),
        ]
    )


@pytest.mark.parametrize(
    ("text", "reply", "status", "cents"),
    [
        ("YES 2", m.CONTRIBUTION_THANKS, VisitStatus.CONFIRMED, 500),
        ("2 yes", m.CONTRIBUTION_THANKS, VisitStatus.CONFIRMED, 500),
        ("#2 yes", m.CONTRIBUTION_THANKS, VisitStatus.CONFIRMED, 500),
        ("yes #2", m.CONTRIBUTION_THANKS, VisitStatus.CONFIRMED, 500),
        ("Sí 2", m.CONTRIBUTION_THANKS, VisitStatus.CONFIRMED, 500),
        ("2 10", m.CONTRIBUTION_THANKS, VisitStatus.CONFIRMED, 1_000),
        ("2 $7.50", m.CONTRIBUTION_THANKS, VisitStatus.CONFIRMED, 750),
        ("no 2", m.VISIT_DECLINED, VisitStatus.DECLINED, None),
        ("2 não", m.VISIT_DECLINED, VisitStatus.DECLINED, None),
    ],
)
def test_picking_one_of_two_visits(
    chat: Chat, text: str, reply: Message, status: VisitStatus, cents: int | None
):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.text("maria", "done yesterday")
    chat.text("maria", "done")
    turn = chat.text("ana", text)
    assert [s.message for s in turn.replies] == [reply]
    visits = {v.day: v for v in chat.world.visits.values()}
    assert visits[YESTERDAY].status is VisitStatus.REPORTED
    assert (visits[SUNDAY].status, visits[SUNDAY].amount_cents) == (status, cents)


def test_a_visit_number_that_is_not_open(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.text("maria", "done")
    chat.play([("ana", "yes 3", m.PROMPTS_WHICH)])
    assert [v.status for v in chat.world.visits.values()] == [VisitStatus.REPORTED]


@EVERY_LANGUAGE
def test_a_household_with_nothing_to_confirm(chat: Chat, lang: Words):
    chat.household(chat.worker(), "ana", lang.code)
    chat.play(
        [
            ("ana", lang.yes, m.NOTHING_TO_CONFIRM),
            ("ana", lang.no, m.NOTHING_TO_CONFIRM),
            ("ana", "10", m.NOTHING_TO_CONFIRM),
            ("ana", "hello", m.MENU_HOUSEHOLD),
        ]
    )


def test_a_new_visit_takes_the_smallest_free_number(chat: Chat):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.text("maria", "done friday")  # 2026-11-20, number 1
    chat.text("maria", "done yesterday")  # number 2
    chat.play([("ana", "yes 1", m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),))])
    chat.text("maria", "done")  # number 1 is free again
    numbers = {v.day: (v.number, v.status) for v in chat.world.visits.values()}
    assert numbers == {
        LAST_FRIDAY: (1, VisitStatus.CONFIRMED),
        YESTERDAY: (2, VisitStatus.REPORTED),
        SUNDAY: (1, VisitStatus.REPORTED),
    }


def test_a_prompt_is_numbered_whenever_another_visit_is_open(chat: Chat):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.text("maria", "done friday")
    chat.text("maria", "done yesterday")
    chat.text("ana", "yes 1")
    chat.play(
        [
            (
                "maria",
                "done",
                m.DONE_REPORTED,
                (sent("ana", "visit_prompt", say(m.VISIT_PROMPT_NUMBERED, number="1")),),
            )
        ]
    )


def test_yes_and_an_amount_does_not_confirm_the_default(chat: Chat):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.text("maria", "done")
    chat.text("ana", "Yes, $10")
    assert [v.amount_cents for v in chat.world.visits.values()] in ([1_000], [None])


def test_yes_and_a_number_with_one_open_visit(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.text("maria", "done")
    chat.play(
        [
            (
                "ana",
                "yes 10",
                say(m.CONTRIBUTION_THANKS, amount=Money(1_000)),
                (sent("maria", "receipt", m.RECEIPT),),
            )
        ]
    )


def test_prompts_which_shows_dates_the_reader_s_way(chat: Chat):
    maria = chat.worker()
    employment = chat.household(maria, "ana")
    fund = chat.world.fund(maria.person_id)
    fund.report_visit(employment, date(2026, 11, 8))
    fund.report_visit(employment, date(2026, 11, 9))
    turn = chat.text("ana", "yes")
    assert [s.message for s in turn.replies] == [m.PROMPTS_WHICH]
    labels = turn.replies[0].params["list"]
    assert isinstance(labels, Choices)
    assert not any("08/11" in str(label) for label in labels.labels)


def test_a_household_in_the_language_menu_can_still_confirm(chat: Chat):
    chat.household(chat.worker(), "ana")
    chat.play([("ana", "language", m.LANGUAGE_MENU)])
    chat.text("maria", "done")
    chat.play([("ana", "yes", m.CONTRIBUTION_THANKS, (sent("maria", "receipt", m.RECEIPT),))])


# -- Days off ---------------------------------------------------------------------------------


@EVERY_LANGUAGE
def test_a_day_off_booked(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=15_000)
    chat.play(
        [
            (
                "maria",
                lang.day_off_friday,
                say(m.DAY_OFF_CONFIRM, date=FRIDAY, amount=Money(12_000), after=Money(3_000)),
            ),
            ("maria", "hmm", m.NOT_UNDERSTOOD),
        ]
    )
    assert chat.state("maria") is State.CONFIRMING_DAY_OFF
    chat.play([("maria", lang.yes, say(m.DAY_OFF_BOOKED, date=FRIDAY, amount=Money(12_000)))])
    [reservation] = chat.world.waiting(maria.person_id)
    assert (reservation.day, reservation.amount_cents, reservation.half) == (FRIDAY, 12_000, False)
    assert chat.world.available_cents(maria.person_id) == 3_000
    assert chat.state("maria") is State.IDLE


@EVERY_LANGUAGE
def test_a_day_off_not_booked(chat: Chat, lang: Words):
    chat.worker(lang=lang.code, cents=15_000)
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang.no, m.DAY_OFF_NOT_BOOKED),
            ("maria", lang.yes, m.NOTHING_OPEN_YES),
        ]
    )
    assert chat.world.reservations == {}


@EVERY_LANGUAGE
def test_a_half_day_off(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=7_000)
    chat.play(
        [
            (
                "maria",
                lang.half_day_monday,
                say(m.HALF_DAY_OFF_CONFIRM, date=MONDAY, amount=Money(6_000), after=Money(1_000)),
            ),
            ("maria", lang.yes, say(m.HALF_DAY_BOOKED, date=MONDAY, amount=Money(6_000))),
        ]
    )
    [reservation] = chat.world.waiting(maria.person_id)
    assert (reservation.day, reservation.amount_cents, reservation.half) == (MONDAY, 6_000, True)


def test_half_day_monday_in_english(chat: Chat):
    chat.worker(cents=7_000)
    chat.play([("maria", "half day monday", say(m.HALF_DAY_OFF_CONFIRM, date=MONDAY))])


@EVERY_LANGUAGE
def test_a_half_day_says_half_day_when_she_says_no(chat: Chat, lang: Words):
    chat.worker(lang=lang.code, cents=50_000)
    chat.play(
        [
            ("maria", lang.half_day_monday, m.HALF_DAY_OFF_CONFIRM),
            ("maria", lang.no, m.HALF_DAY_NOT_BOOKED),
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang.no, m.DAY_OFF_NOT_BOOKED),
        ]
    )


@EVERY_LANGUAGE
def test_not_enough_for_a_day_off(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=5_000)
    chat.play(
        [
            (
                "maria",
                lang.day_off_friday,
                say(m.DAY_OFF_SHORT, amount=Money(12_000), available=Money(5_000)),
            ),
            (
                "maria",
                lang.half_day_monday,
                say(m.HALF_DAY_SHORT, amount=Money(6_000), available=Money(5_000)),
            ),
        ]
    )
    assert chat.state("maria") is State.IDLE
    chat.world.credit(maria.person_id, 15_000, "Ana")
    chat.play(
        [
            ("maria", lang.day_off_friday, say(m.DAY_OFF_CONFIRM, after=Money(8_000))),
            ("maria", lang.yes, m.DAY_OFF_BOOKED),
            (
                "maria",
                f"{lang[Intent.DAY_OFF]} {lang.monday}",
                (
                    say(m.DAY_OFF_SHORT, amount=Money(12_000), available=Money(8_000)),
                    say(m.HALF_DAY_FITS, amount=Money(6_000)),  # what she can take instead
                ),
            ),
        ]
    )


@EVERY_LANGUAGE
def test_days_that_cannot_be_booked(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    day_off = lang[Intent.DAY_OFF]
    chat.play(
        [
            # A recent past day is a day she missed, claimed after the fact: asked first.
            ("maria", f"{day_off} {lang.yesterday}", say(m.PAST_DAY_CONFIRM, date=YESTERDAY)),
            ("maria", lang.no, m.DAY_OFF_NOT_BOOKED),
            ("maria", f"{day_off} {lang.past}", say(m.PAST_DAY_CONFIRM, date=LAST_FRIDAY)),
            ("maria", lang.no, m.DAY_OFF_NOT_BOOKED),
            ("maria", f"{day_off} {lang.far}", say(m.DAY_OFF_TOO_FAR, days="90")),
            ("maria", day_off, m.DAY_OFF_HOW),
            ("maria", f"{day_off} qwxz", m.DAY_OFF_HOW),
            ("maria", f"{day_off} 99", m.DAY_OFF_HOW),
            ("maria", f"{day_off} {lang.tomorrow}", say(m.DAY_OFF_CONFIRM, date=MONDAY)),
        ]
    )
    assert chat.world.reservations == {}
    assert maria.is_worker


def test_a_recent_date_without_a_year_has_passed(chat: Chat):
    chat.worker(cents=50_000)
    chat.play([("maria", "day off 11/20", say(m.PAST_DAY_CONFIRM, date=LAST_FRIDAY))])


@EVERY_LANGUAGE
def test_the_same_day_twice(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang.yes, m.DAY_OFF_BOOKED),
            ("maria", lang.day_off_friday, say(m.DAY_OFF_ALREADY, date=FRIDAY)),
            ("maria", f"{lang[Intent.HALF_DAY]} {lang.friday}", say(m.DAY_OFF_ALREADY)),
        ]
    )
    assert len(chat.world.waiting(maria.person_id)) == 1


def test_a_day_booked_twice_between_quote_and_yes(chat: Chat):
    maria = chat.worker(cents=50_000)
    chat.play([("maria", "day off friday", m.DAY_OFF_CONFIRM)])
    chat.world.fund(maria.person_id).book_day_off(FRIDAY, half=False)
    chat.play([("maria", "yes", say(m.DAY_OFF_ALREADY, date=FRIDAY))])
    assert len(chat.world.waiting(maria.person_id)) == 1


def test_money_gone_between_quote_and_yes(chat: Chat):
    maria = chat.worker(cents=15_000)
    chat.play([("maria", "day off friday", m.DAY_OFF_CONFIRM)])
    chat.world.credit(maria.person_id, -10_000, who=None)
    chat.play([("maria", "yes", say(m.DAY_OFF_SHORT, available=Money(5_000)))])
    assert chat.world.reservations == {}


@EVERY_LANGUAGE
def test_undo(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    undo = lang[Intent.UNDO]
    chat.play(
        [
            ("maria", undo, m.UNDO_NOTHING),
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang.yes, m.DAY_OFF_BOOKED),
            ("maria", undo, say(m.UNDONE, date=FRIDAY, amount=Money(12_000))),
            ("maria", undo, m.UNDO_NOTHING),
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", lang.yes, m.DAY_OFF_BOOKED),
            ("maria", lang.half_day_monday, m.HALF_DAY_OFF_CONFIRM),
            ("maria", lang.yes, m.HALF_DAY_BOOKED),
            (
                "maria",
                undo,
                say(m.UNDO_WHICH, list=Choices(((MONDAY, m.HALF_DAY_LABEL), FRIDAY))),
            ),
            ("maria", "3", m.NOT_UNDERSTOOD),
            ("maria", "1", say(m.HALF_DAY_UNDONE, date=MONDAY, amount=Money(6_000))),
        ]
    )
    assert [r.day for r in chat.world.waiting(maria.person_id)] == [FRIDAY]
    assert chat.world.available_cents(maria.person_id) == 38_000
    called_back = [
        r for r in chat.world.reservations.values() if r.status is not ReservationStatus.WAITING
    ]
    assert [r.status for r in called_back] == [ReservationStatus.CALLED_BACK] * 2


def test_undo_with_a_number(chat: Chat):
    maria = chat.worker(cents=50_000)
    fund = chat.world.fund(maria.person_id)
    fund.book_day_off(FRIDAY, half=False)
    fund.book_day_off(MONDAY, half=True)
    chat.play([("maria", "undo 2", say(m.UNDONE, date=FRIDAY, amount=Money(12_000)))])
    assert [r.day for r in chat.world.waiting(maria.person_id)] == [MONDAY]


def test_a_day_off_paid_while_she_picks_which_to_undo(chat: Chat):
    maria = chat.worker(cents=50_000)
    fund = chat.world.fund(maria.person_id)
    monday = fund.book_day_off(MONDAY, half=False)
    fund.book_day_off(FRIDAY, half=False)
    chat.play([("maria", "undo", m.UNDO_WHICH)])
    assert monday.pending_id is not None
    chat.world.pay_day_off(monday.pending_id)
    chat.play([("maria", "1", m.UNDO_NOTHING)])
    assert chat.world.posted_cents(maria.person_id) == 38_000


# -- Questions expire after a day -------------------------------------------------------------


@EVERY_LANGUAGE
def test_a_day_off_question_left_for_more_than_a_day(chat: Chat, lang: Words):
    chat.worker(lang=lang.code, cents=50_000)
    chat.play([("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM)])
    chat.advance(timedelta(hours=24, minutes=1))
    chat.play([("maria", lang.yes, (m.EXPIRED, m.NOTHING_OPEN_YES))])
    assert chat.world.reservations == {}
    assert chat.state("maria") is State.IDLE
    chat.play([("maria", lang.yes, m.NOTHING_OPEN_YES)])  # a YES is no miss: no menu


@EVERY_LANGUAGE
def test_an_expired_question_then_the_normal_answer(chat: Chat, lang: Words):
    chat.worker(lang=lang.code, cents=50_000)
    chat.play([("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM)])
    chat.advance(timedelta(days=3))
    chat.play(
        [
            (
                "maria",
                lang[Intent.BALANCE],
                (m.EXPIRED, say(m.BALANCE, available=Money(50_000)), say(m.DAYS_OFF, count=4)),
            )
        ]
    )


def test_a_question_answered_within_a_day(chat: Chat):
    maria = chat.worker(cents=50_000)
    chat.play([("maria", "day off friday", m.DAY_OFF_CONFIRM)])
    chat.advance(timedelta(hours=12))
    chat.play([("maria", "what?", m.NOT_UNDERSTOOD)])  # keeps the question, and its age
    chat.advance(timedelta(hours=12))
    chat.play([("maria", "yes", m.DAY_OFF_BOOKED)])
    assert len(chat.world.waiting(maria.person_id)) == 1


def test_an_unanswered_question_keeps_its_age(chat: Chat):
    chat.worker(cents=50_000)
    chat.play([("maria", "day off friday", m.DAY_OFF_CONFIRM)])
    chat.advance(timedelta(hours=20))
    chat.play([("maria", "what?", m.NOT_UNDERSTOOD)])
    chat.advance(timedelta(hours=5))
    chat.play([("maria", "yes", (m.EXPIRED, m.NOTHING_OPEN_YES))])


def test_a_question_asked_again_starts_a_new_day(chat: Chat):
    maria = chat.worker(cents=50_000)
    chat.play([("maria", "day off friday", m.DAY_OFF_CONFIRM)])
    chat.advance(timedelta(hours=20))
    chat.play([("maria", "day off saturday", say(m.DAY_OFF_CONFIRM, date=SATURDAY))])
    chat.advance(timedelta(hours=5))
    chat.play([("maria", "yes", say(m.DAY_OFF_BOOKED, date=SATURDAY))])
    assert [r.day for r in chat.world.waiting(maria.person_id)] == [SATURDAY]


def test_an_expired_choice_of_household(chat: Chat):
    maria = chat.worker()
    chat.household(maria, "ana")
    chat.household(maria, "casa")
    chat.play([("maria", "done", m.DONE_WHICH)])
    chat.advance(timedelta(days=2))
    chat.play([("maria", "2", (m.EXPIRED, m.NOT_UNDERSTOOD))])
    assert chat.world.visits == {}


def test_expired_terms_start_joining_again(chat: Chat):
    chat.play([("new", "hi", m.WELCOME), ("new", "1", (m.LANGUAGE_SET, m.TERMS))])
    chat.advance(timedelta(days=2))
    chat.play([("new", "yes", (m.EXPIRED, m.WELCOME))])
    assert chat.state("new") is State.CHOOSING_LANGUAGE
    assert not chat.person("new").is_worker


# -- Whatever people send ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "media"), [("", False), ("", True), ("   ", False)])
def test_no_text_gets_only_text_and_keeps_the_question(chat: Chat, text: str, media: bool):
    chat.worker(cents=50_000)
    chat.household(chat.person("maria"), "ana")
    chat.play([("maria", "day off friday", m.DAY_OFF_CONFIRM)])
    for who in ("maria", "ana", "new"):
        turn = chat.text(who, text, media=media)
        assert [s.message for s in turn.replies] == [m.ONLY_TEXT], who
    assert chat.state("maria") is State.CONFIRMING_DAY_OFF
    assert chat.state("new") is State.NEW


@pytest.mark.parametrize("length", [1_600, 1_601, 5_000])
def test_very_long_texts_get_a_helpful_reply(chat: Chat, length: int):
    maria = chat.worker(cents=50_000)
    chat.household(maria, "ana")
    chat.play(
        [
            ("maria", "a" * length, m.NOT_UNDERSTOOD),
            ("maria", ("day off " + "x" * length)[:length], m.DAY_OFF_HOW),
            ("maria", "done", m.DONE_REPORTED, (sent("ana", "visit_prompt", m.VISIT_PROMPT),)),
            ("ana", "1" * length, m.AMOUNT_UNCLEAR),
            ("new", "hello " * (length // 6), m.WELCOME),
            ("new", "1", (m.LANGUAGE_SET, m.TERMS)),
            ("new", "b" * length, (m.TERMS, m.TERMS_AGAIN)),
            ("new", "yes", m.ASK_NAME),
            ("new", "c" * length, m.NAME_UNCLEAR),
        ]
    )


@pytest.mark.parametrize("text", ["👍", "🙏🏽🙏🏽", "❤️", "😀 😀"])
def test_emoji_only_texts_get_a_helpful_reply(chat: Chat, text: str):
    chat.household(chat.worker(), "ana")
    for who in ("maria", "ana"):
        turn = chat.text(who, text)
        # A household with nothing open is shown what it can do.
        helpful = ([m.NOT_UNDERSTOOD], [m.ONLY_TEXT], [m.MENU_HOUSEHOLD], [m.YOU_ARE_WELCOME])
        assert [s.message for s in turn.replies] in helpful, who
        assert turn.notices == ()
        assert chat.state(who) is State.IDLE


def test_emoji_around_words_is_ignored(chat: Chat):
    chat.worker(cents=50_000)
    chat.play(
        [
            ("maria", "🙂 balance 🙂", (m.BALANCE, m.DAYS_OFF)),
            ("maria", "🙂 hola", m.MENU_WORKER),
        ]
    )


def test_a_stranger_s_first_emoji_gets_the_welcome(chat: Chat):
    chat.play([("new", "👋", m.WELCOME)])


@pytest.mark.parametrize(
    ("lang", "rows"),
    [
        ("es", [(t, (m.BALANCE, m.DAYS_OFF)) for t in ("Saldo!!", "SALDO", "saldo?", "¿saldo?")]),
        (
            "es",
            [
                ("dia libre mañana?", say(m.DAY_OFF_CONFIRM, date=MONDAY)),
                ("SÍ.", say(m.DAY_OFF_BOOKED, date=MONDAY)),
            ],
        ),
        (
            "es",
            [
                ("Día Libre el Viernes!!!", say(m.DAY_OFF_CONFIRM, date=FRIDAY)),
                ("si", m.DAY_OFF_BOOKED),
            ],
        ),
        (
            "pt_BR",
            [
                ("FOLGA SEXTA-FEIRA.", say(m.DAY_OFF_CONFIRM, date=FRIDAY)),
                ("Não", m.DAY_OFF_NOT_BOOKED),
            ],
        ),
        ("ht", [("Konje Vandredi!", m.DAY_OFF_CONFIRM), ("Wi!", m.DAY_OFF_BOOKED)]),
        ("tl", [("PAHINGA biyernes.", m.DAY_OFF_CONFIRM), ("Opo.", m.DAY_OFF_BOOKED)]),
        ("en", [("  Day Off   FRIDAY ", m.DAY_OFF_CONFIRM), ("Y", m.DAY_OFF_BOOKED)]),
        (
            "en",
            [
                ("Balance.", (m.BALANCE, m.DAYS_OFF)),
                ("HISTORY!", (m.HISTORY_HEADER, m.HISTORY_LINE)),
            ],
        ),
    ],
)
def test_case_accents_and_punctuation_do_not_matter(
    chat: Chat, lang: str, rows: list[tuple[str, Expected]]
):
    chat.worker(lang=lang, cents=50_000)
    chat.play([("maria", text, expected) for text, expected in rows])


# -- The tables are checked when they are built -----------------------------------------------


def noop(_step: Step) -> None:
    """A handler that says nothing."""


FALLBACK = rule("not understood", anything, not_understood)


def test_the_real_tables_are_consistent():
    engine = build_engine()
    assert set(engine.flows) == set(State)
    diagram = engine.mermaid()
    assert "confirming_day_off --> idle: yes" in diagram


def test_a_state_missing_from_the_flows_is_refused():
    flows = {state: rules for state, rules in FLOWS.items() if state is not State.GIVING_NAME}
    with pytest.raises(RuleError, match="giving_name"):
        Engine(ANYWHERE, flows, FALLBACK)


def test_an_unreachable_state_is_refused():
    without_days_off = [r for r in ANYWHERE if r not in days_off.COMMANDS]
    with pytest.raises(RuleError, match="confirming_day_off"):
        Engine(without_days_off, FLOWS, FALLBACK)


def test_a_handler_going_to_an_undeclared_state_is_refused(chat: Chat):
    reach_all = rule("reach all", lambda _step: False, noop, *State)
    bad = rule("bad", anything, lambda step: step.go(State.CONFIRMING_DAY_OFF))
    flows: dict[State, tuple[Rule, ...]] = {state: (bad,) for state in State}
    engine = Engine((reach_all,), flows, FALLBACK)
    person = chat.worker()
    inbound = Inbound("hello", NOW, SUNDAY)
    with pytest.raises(RuleError, match="without declaring"):
        engine.run(Conversation(), inbound, FakeFund(chat.world, person.person_id))


def test_a_handler_may_stay_where_it_is_without_declaring_it(chat: Chat):
    stay = rule("stay", anything, lambda step: step.go(step.state))
    engine = Engine(
        (rule("reach all", lambda _step: False, noop, *State),),
        {s: (stay,) for s in State},
        FALLBACK,
    )
    person = chat.worker()
    turn = engine.run(
        Conversation(State.IDLE), Inbound("hi", NOW, SUNDAY), FakeFund(chat.world, person.person_id)
    )
    assert turn.conversation.state is State.IDLE
    assert turn.replies == () and turn.notices == ()


def test_two_invitations_are_told_apart_never_guessed(chat: Chat):
    maria = chat.worker("maria")
    rosa = chat.worker("rosa")
    chat.world.fund(maria.person_id).invite(PHONES["ana"], "Ana")
    chat.world.fund(rosa.person_id).invite(PHONES["ana"], "Lee")
    chat.play([("ana", "yes", m.PROMPTS_WHICH)])
    chat.play(
        [
            (
                "ana",
                "yes 2",
                say(m.HOUSEHOLD_JOINED, worker="Rosa"),
                (sent("rosa", "invitation_answer", m.INVITATION_ACCEPTED),),
            )
        ]
    )


def test_a_household_that_declined_everything_can_join_as_a_worker(chat: Chat):
    maria = chat.worker("maria")
    chat.world.fund(maria.person_id).invite(PHONES["ana"], "Ana")
    chat.play(
        [
            (
                "ana",
                "no",
                m.HOUSEHOLD_SAID_NO,
                (sent("maria", "invitation_answer", m.INVITATION_DECLINED),),
            ),
            ("ana", "hi", m.WELCOME),
        ]
    )


@EVERY_LANGUAGE
def test_a_household_sets_and_stops_its_regular_day(chat: Chat, lang: Words):
    maria = chat.worker()
    chat.household(maria, "ana", lang.code)
    every = KEYWORDS[lang.code][Intent.SCHEDULE][0]
    chat.play(
        [
            (
                "ana",
                f"{every} {lang.friday}",
                say(m.SCHEDULE_SET, worker="Maria", amount=Money(500)),
            ),
            ("ana", every, m.SCHEDULE_HOW),
            ("ana", f"{every} {lang.no}", m.SCHEDULE_OFF),
        ]
    )
    assert [e.schedule_weekday for e in chat.world.employments.values()] == [None]


# -- Understood in her own words (issue 14) ----------------------------------------------------

# A typo of the balance word, a greeting, a thanks, and "what is this?", in each language.
OWN_WORDS = {
    "en": ("blance", "hello", "thank you", "what is this?"),
    "es": ("sldo", "hola", "gracias", "¿quién es?"),
    "pt_BR": ("sadlo", "oi", "obrigada", "o que é isso"),
    "ht": ("blans", "bonjou", "mèsi", "kiyes sa a?"),
    "tl": ("blanse", "kumusta", "salamat po", "sino ito?"),
}


def test_a_spanish_worker_s_household_answering_in_spanish_is_answered_in_spanish(chat: Chat):
    maria = chat.worker(lang="es")
    chat.household(maria, "ana", "en")
    chat.play(
        [
            ("maria", "listo", m.DONE_REPORTED, (sent("ana", "visit_prompt", prompt(SUNDAY)),)),
            (
                "ana",
                "sí claro",
                say(m.CONTRIBUTION_THANKS, amount=Money(500)),
                (sent("maria", "receipt", m.RECEIPT),),
            ),
        ]
    )
    assert chat.person("ana").language == "es"
    chat.play([("ana", "gracias", m.YOU_ARE_WELCOME)])
    assert chat.person("ana").language == "es"


@pytest.mark.parametrize(
    ("text", "cents"), [("sí", 500), ("diez", 1_000), ("si, 10 dólares", 1_000)]
)
def test_an_english_worker_s_household_that_writes_spanish_switches_to_spanish(
    chat: Chat, text: str, cents: int
):
    maria = chat.worker(lang="en")
    chat.household(maria, "ana", "en")
    chat.text("maria", "done")
    receipt = (sent("maria", "receipt", say(m.RECEIPT, amount=Money(cents))),)
    chat.play([("ana", text, say(m.CONTRIBUTION_THANKS, amount=Money(cents)), receipt)])
    assert chat.person("ana").language == "es"
    chat.play([("ana", "ok", m.YOU_ARE_WELCOME), ("ana", "no", m.NOTHING_TO_CONFIRM)])
    assert chat.person("ana").language == "es"  # words every language has change nothing


@pytest.mark.parametrize("text", ["CANCELAR", "cancelar", "no quiero", "cancel this"])
def test_cancelar_inside_a_day_off_question_leaves_her_subscribed(chat: Chat, text: str):
    maria = chat.worker(lang="es", cents=20_000)
    chat.play(
        [
            ("maria", "dia libre el viernes", say(m.DAY_OFF_CONFIRM, date=FRIDAY)),
            ("maria", text, m.DAY_OFF_NOT_BOOKED),
        ]
    )
    assert maria.opted_out == {}
    assert chat.world.waiting(maria.person_id) == []


def test_cancelar_is_not_an_opt_out_by_default(chat: Chat):
    """Not in the default list (Twilio would end all texts for it inside a question too)."""
    maria = chat.worker(lang="es")
    turn = chat.play([("maria", "CANCELAR", m.NOTHING_OPEN_NO)])[0]
    assert maria.opted_out == {} and turn.opted_out is None


def test_cancelar_as_the_whole_message_with_nothing_open_opts_out_where_the_fund_lists_it(
    chat: Chat,
):
    maria = chat.worker(lang="es")
    person = chat.person("maria")
    words = frozenset({"parar", "baja", "cancelar"})
    inbound = Inbound("CANCELAR", NOW, SUNDAY, opt_out_words=words)
    turn = ENGINE.run(Conversation(language="es"), inbound, FakeFund(chat.world, person.person_id))
    assert [s.message for s in turn.replies] == [m.OPTED_OUT]
    assert maria.opted_out == {"sms": True} and turn.opted_out is True


def test_the_fund_s_own_opt_out_words_are_a_setting(chat: Chat):
    maria = chat.worker(lang="pt_BR")
    person = chat.person("maria")
    inbound = Inbound("sair", NOW, SUNDAY, opt_out_words=frozenset({"sair"}))
    turn = ENGINE.run(
        Conversation(language="pt_BR"), inbound, FakeFund(chat.world, person.person_id)
    )
    assert [s.message for s in turn.replies] == [m.OPTED_OUT] and maria.opted_out == {"sms": True}
    inbound = Inbound("parar", NOW, SUNDAY, opt_out_words=frozenset({"sair"}))
    turn = ENGINE.run(
        Conversation(language="pt_BR"), inbound, FakeFund(chat.world, person.person_id)
    )
    assert turn.opted_out is None  # not the fund's word: not an opt-out


@EVERY_LANGUAGE
def test_a_likely_meaning_is_confirmed_in_one_short_question(chat: Chat, lang: Words):
    chat.worker(lang=lang.code, cents=50_000)
    typo = OWN_WORDS[lang.code][0]
    guess = say(m.GUESS, command=m.COMMAND_BALANCE)
    chat.play(
        [
            ("maria", typo, guess),
            ("maria", lang.yes, (say(m.BALANCE, balance=Money(50_000)), m.DAYS_OFF)),
            ("maria", typo, guess),
            ("maria", lang.no, m.MENU_NUMBERED),
            ("maria", "2", (m.HISTORY_HEADER, m.HISTORY_LINE)),
        ]
    )
    assert chat.state("maria") is State.IDLE


@EVERY_LANGUAGE
def test_two_misses_in_a_row_get_the_numbered_menu(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=50_000)
    chat.household(maria, "ana", lang.code)
    chat.play(
        [
            ("maria", "qwerty", m.NOT_UNDERSTOOD),
            ("maria", lang[Intent.BALANCE], (m.BALANCE, m.DAYS_OFF)),
            ("maria", "qwerty", m.NOT_UNDERSTOOD),  # a miss, but not two in a row
            ("maria", "zzz zzz", m.MENU_NUMBERED),
            ("maria", "9", m.NOT_UNDERSTOOD),
            ("maria", "asdf", m.MENU_NUMBERED),
            (
                "maria",
                "4",
                say(m.DONE_REPORTED, household="Ana", date=SUNDAY),
                (sent("ana", "visit_prompt", prompt(SUNDAY)),),
            ),
            ("maria", "asdf", m.NOT_UNDERSTOOD),
            ("maria", "asdf", m.MENU_NUMBERED),
            ("maria", "1", (m.BALANCE, m.DAYS_OFF)),
        ]
    )


# A plain YES or NO as people send it, with no question waiting for it.
ALONE = {
    "en": (("yes", "ok yes", "YES!", "yes please", "yess"), ("no", "nope", "No.", "no thanks")),
    "es": (("si", "sí", "ok si", "Si claro"), ("no", "No gracias", "nop")),
    "pt_BR": (("sim", "Sim!", "ok sim", "sim claro"), ("não", "nao", "Não obrigada")),
    "ht": (("wi", "Wi wi", "ok wi", "wi dako"), ("non", "Non mesi", "non")),
    "tl": (("oo", "opo", "ok oo", "Oo naman"), ("hindi", "hindi po", "ayoko")),
}


@EVERY_LANGUAGE
def test_yes_or_no_with_nothing_open_is_told_so_and_is_no_miss(chat: Chat, lang: Words):
    chat.worker(lang=lang.code, cents=50_000)
    yeses, noes = ALONE[lang.code]
    chat.play([("maria", text, m.NOTHING_OPEN_YES) for text in yeses])
    chat.play([("maria", text, m.NOTHING_OPEN_NO) for text in noes])
    chat.play(
        [
            ("maria", "qwerty", m.NOT_UNDERSTOOD),
            ("maria", lang.yes, m.NOTHING_OPEN_YES),  # not a second miss: no menu
            ("maria", "qwerty", m.NOT_UNDERSTOOD),
            ("maria", lang.no, m.NOTHING_OPEN_NO),
            ("maria", "qwerty", m.NOT_UNDERSTOOD),
            ("maria", "qwerty", m.MENU_NUMBERED),  # two misses in a row
        ]
    )
    assert chat.world.reservations == {}


@EVERY_LANGUAGE
def test_greetings_get_her_menu_and_thanks_a_friendly_word(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    _, hello, thanks, _ = OWN_WORDS[lang.code]
    chat.play(
        [
            ("maria", hello, m.MENU_WORKER),
            ("maria", thanks, m.YOU_ARE_WELCOME),
            ("maria", "ok", m.YOU_ARE_WELCOME),
            ("maria", "👍", m.YOU_ARE_WELCOME),
            ("ana", hello, m.MENU_HOUSEHOLD),
            ("ana", thanks, m.YOU_ARE_WELCOME),
            ("new", hello, m.WELCOME),  # a stranger's hello is the welcome, as before
        ]
    )
    assert chat.person("ana").language == lang.code


@EVERY_LANGUAGE
def test_thanks_inside_a_question_keeps_it_open_and_ok_answers_it(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code, cents=20_000)
    thanks = OWN_WORDS[lang.code][2]
    chat.play(
        [
            ("maria", lang.day_off_friday, m.DAY_OFF_CONFIRM),
            ("maria", thanks, m.YOU_ARE_WELCOME),
            ("maria", "ok", say(m.DAY_OFF_BOOKED, date=FRIDAY)),
        ]
    )
    assert [r.day for r in chat.world.waiting(maria.person_id)] == [FRIDAY]


@EVERY_LANGUAGE
def test_a_household_picks_its_language_by_name(chat: Chat, lang: Words):
    maria = chat.worker(lang="en")
    chat.household(maria, "ana", "en", status=EmploymentStatus.INVITED)
    chat.play(
        [
            ("ana", lang.name, m.LANGUAGE_SET),
            (
                "ana",
                lang.yes,
                m.HOUSEHOLD_JOINED,
                (sent("maria", "invitation_answer", m.INVITATION_ACCEPTED),),
            ),
        ]
    )
    assert chat.person("ana").language == lang.code
    assert chat.person("maria").language == "en"


@EVERY_LANGUAGE
def test_a_household_asking_what_this_is_hears_who_invited_it(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code, status=EmploymentStatus.INVITED)
    _, _, _, what = OWN_WORDS[lang.code]
    chat.play(
        [
            ("ana", what, say(m.INVITATION_WHO, worker="Maria", amount=Money(500))),
            (
                "ana",
                lang.yes,
                m.HOUSEHOLD_JOINED,
                (sent("maria", "invitation_answer", m.INVITATION_ACCEPTED),),
            ),
            ("ana", what, m.MENU_HOUSEHOLD),
        ]
    )
    assert chat.person("ana").language == lang.code


def test_two_misses_inside_a_day_off_question_get_the_numbered_menu(chat: Chat):
    maria = chat.worker(lang="es", cents=20_000)
    chat.play(
        [
            ("maria", "dia libre el viernes", m.DAY_OFF_CONFIRM),
            ("maria", "mmm", m.NOT_UNDERSTOOD),
            ("maria", "ayuda", m.HELP),  # a word that works: the count starts again
            ("maria", "mmm", m.NOT_UNDERSTOOD),
            ("maria", "qué?", m.MENU_NUMBERED),
            ("maria", "3", m.DAY_OFF_HOW),
        ]
    )
    assert chat.world.waiting(maria.person_id) == []
    assert chat.state("maria") is State.IDLE


def asked_by_a_partner(chat: Chat, lang: str = "en") -> Person:
    """Maria, a member, whose conversation a partner's request opened (bot.partners)."""
    maria = chat.worker(lang=lang)
    chat.stored[maria.person_id] = Conversation(
        State.CONFIRMING_PARTNER, lang, {"partner_id": 7, "partner": "Sparkle"}, NOW
    )
    return maria


def test_her_yes_to_a_partner_links_it_and_anything_else_asks_again(chat: Chat):
    maria = asked_by_a_partner(chat)
    chat.play(
        [
            ("maria", "who is that?", Said(m.PARTNER_CONSENT, {"partner": "Sparkle"})),
            ("maria", "yes", Said(m.PARTNER_LINKED, {"partner": "Sparkle"})),
        ]
    )
    assert chat.state("maria") is State.IDLE
    assert chat.world.partner_answers == [(maria.person_id, 7, True)]


@EVERY_LANGUAGE
def test_her_no_to_a_partner_in_her_language_links_nothing(chat: Chat, lang: Words):
    maria = asked_by_a_partner(chat, lang.code)
    chat.play([("maria", lang.no, Said(m.PARTNER_DECLINED, {"partner": "Sparkle"}))])
    assert chat.world.partner_answers == [(maria.person_id, 7, False)]


def test_a_command_while_a_partner_waits_leaves_the_question(chat: Chat):
    asked_by_a_partner(chat)
    chat.text("maria", "balance")
    assert chat.state("maria") is State.IDLE
    assert chat.world.partner_answers == []


@EVERY_LANGUAGE
def test_a_new_household_is_invited_in_the_worker_s_language(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    chat.text("maria", f"{lang[Intent.ADD]} 212 555 0199 Ana")
    assert chat.world.person("+12125550199").language == lang.code


def test_a_household_already_known_keeps_its_language_when_invited_again(chat: Chat):
    chat.worker(lang="es")
    household = chat.world.person("+12125550199")
    household.language = "pt_BR"
    chat.text("maria", "agregar 212 555 0199 Ana")
    assert household.language == "pt_BR"


@pytest.mark.parametrize(
    ("text", "language"),
    [("hola", "es"), ("bonjou", "ht"), ("kumusta po", "tl"), ("olá, quero entrar", "pt_BR")],
)
def test_someone_new_is_welcomed_in_the_language_she_writes_in(
    chat: Chat, text: str, language: str
):
    chat.play([("new", text, m.WELCOME)])
    assert chat.person("new").language == language
    assert chat.state("new") is State.CHOOSING_LANGUAGE


def test_someone_new_asking_her_balance_is_offered_to_join_in_her_language(chat: Chat):
    chat.play([("new", "hola, cuánto tengo?", m.WELCOME)])
    assert chat.person("new").language == "es"


@EVERY_LANGUAGE
def test_which_household_can_be_answered_with_its_name(chat: Chat, lang: Words):
    asked_which_household(chat, lang)
    chat.play(
        [
            (
                "maria",
                "casa",
                say(m.DONE_REPORTED, household="Casa", date=SUNDAY),
                (sent("casa", "visit_prompt", prompt(SUNDAY)),),
            )
        ]
    )
    assert chat.state("maria") is State.IDLE


@EVERY_LANGUAGE
def test_what_is_this_from_a_worker_gets_help_and_from_someone_new_the_welcome(
    chat: Chat, lang: Words
):
    chat.worker(lang=lang.code)
    what = OWN_WORDS[lang.code][3]
    chat.play([("maria", what, m.HELP), ("new", what, m.WELCOME)])
    assert chat.state("new") is State.CHOOSING_LANGUAGE


@EVERY_LANGUAGE
def test_done_for_a_household_that_texted_stop_says_so_and_asks_nothing(chat: Chat, lang: Words):
    maria = chat.worker(lang=lang.code)
    chat.household(maria, "ana", lang.code)
    stopped = say(m.DONE_HOUSEHOLD_STOPPED, household="Ana", date=SUNDAY)
    chat.play(
        [
            ("ana", lang.stop, m.OPTED_OUT_HOUSEHOLD),
            ("maria", lang[Intent.DONE], stopped),  # no visit_prompt: it could not reach Ana
            ("maria", lang[Intent.DONE], stopped),
        ]
    )
