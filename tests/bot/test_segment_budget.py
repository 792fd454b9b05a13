"""Every reply and notice the flows can produce fits in two SMS segments, in every language.

Each text is rendered the way `bot.channel.inbox` sends it (`bot.texting.texts.render`) with
realistic worst-case values: a four-digit balance, the fund's largest amounts, names of 10-12
letters with accents, the longest day names of late November and December, three households,
five history lines. Besides every message id alone, the combined replies of the flows are
rendered: the balance (BALANCE, what it pays, what is waiting, the insurance), the history (a
header and five lines), LANGUAGE_SET + TERMS, TERMS + TERMS_AGAIN, and EXPIRED in front of any
reply. `pytest -s` or `-rA` prints how many fit in one segment per language. """

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import pytest

from bot.texting.texts import format_day, render
from conversations import messages as m
from conversations.flows.insurance import offer_says
from conversations.keywords import LANGUAGES
from conversations.messages import Message
from conversations.ports import InsuranceProduct
from conversations.segments import count_segments, sms_spaces
from conversations.talk import Choices, Money, Month, Param, Say, Weekday

MAX_SEGMENTS = 2
MESSAGES: dict[str, Message] = {
    name: value for name, value in vars(m).items() if isinstance(value, Message)
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

# Who sends what (conversations/flows): texts to someone else, pieces of other texts, and
# the parts only combined replies start with. Every other message id is a reply of its own.
NOTICES = frozenset(
    {
        "INVITATION",
        "DAY_OFF_PAID",
        "DAY_OFF_SENT",
        "HALF_DAY_SENT",
        "NUMBER_MOVED",
        "NUMBER_MOVED_AWAY",
        "DAY_OFF_VOIDED",
        "HALF_DAY_PAID",
        "HALF_DAY_VOIDED",
        "PREMIUM_PAID",
        "INSURANCE_LAPSED",
        "INSURANCE_LOW",
        "MONTHLY_STATEMENT",
        "VISIT_PROMPT",
        "VISIT_PROMPT_NUMBERED",
        "INVITATION_ACCEPTED",
        "INVITATION_DECLINED",
        "RECEIPT",
        "VISIT_DECLINED_NOTICE",
        "PARTNER_INVITATION",
        "PARTNER_LINKED",
        "LANGUAGE_HINT",  # follows an invitation
        "PARTNER_CONSENT",
        "PREMIUM_SOON",
        "HOUSEHOLD_YEARLY_TOTAL",
        "PAYMENT_SETUP",
        "CHARGE_RECEIPT",
        "CHARGE_FAILED",
        "CHARGE_GAVE_UP",
        "PAYMENT_LATE",
        "PAYOUT_CODE",
        "PAYOUT_CHANGED",  # also the reply to the right code, alone
        "PAYOUT_SETUP",
        "PAYOUT_WAITS_FOR_ACCOUNT",
        "PAYOUT_ACCOUNT_CHANGED",
    }
)
VALUES_ONLY = frozenset(
    {"LIST_ITEM", "LIFE_INSURANCE", "DISABILITY_INSURANCE", "PAID_DAY_OFF", "INSURANCE"}
    | {"CORRECTION", "HALF_DAY_LABEL", "LIFE_COVERS", "DISABILITY_COVERS", "INSURANCE_PREMIUM"}
    | {"PAYOUT_CASH", "PAYOUT_CHECK", "PAYOUT_BANK", "PAYOUT_CARD"}
    | {name for name in MESSAGES if name.startswith("COMMAND_")}  # the words a guess names
)
PARTS_ONLY = frozenset(
    {"BALANCE", "DAYS_OFF", "DAYS_OFF_AND_HALF", "HALF_DAY_ONLY", "NO_DAY_OFF_YET"}
    | {"PENDING_DAYS_OFF", "INSURANCE_COVER", "HISTORY_HEADER", "HISTORY_LINE", "TERMS"}
    | {"MATCHED", "INSURANCE_OFFER", "INSURANCE_PRODUCT", "INSURANCE_OFFER_HOW"}
    | {"INSURANCE_MORE", "HISTORY_MORE", "STATEMENT_PREMIUMS"}
    | {"MATCHED", "PAYMENT_FEES_FUND", "PAYMENT_FEES_HOUSEHOLD", "BALANCE_UNCOLLECTED"}
    | {"BALANCE_ADVANCED"}
    | {"PAYOUT_METHOD_IS", "PAYOUT_METHOD_NOT_CHOSEN", "PAYOUT_HELD"}
)
# The web page a household lands on back from Stripe Checkout: never texted, kept as short.
WEB_PAGE = frozenset(name for name in MESSAGES if name.startswith("PAY_PAGE_"))
# EXPIRED opens a turn's reply; TRY_LATER replaces a turn that failed.
NOT_AFTER_EXPIRED = NOTICES | VALUES_ONLY | PARTS_ONLY | WEB_PAGE | {"EXPIRED", "TRY_LATER"}

# Worst-case values, realistic ones.
WORKERS = ("María José", "Conceição Sá", "Ana Beatriz")  # 10-12 characters, accented
HOUSEHOLDS = ("Conceição Sá", "Rosa Amélia", "Lúcia Gómez")
# Partner names are at most 40 characters (bot.partners.registry).
PARTNERS = ("Programa Família Trabalhadora São Paulo", "Cuidadoras Unidas de Nueva York")
MANY = 10  # days off a four-digit balance pays, and a worst case for counted texts
LATE_IN_THE_YEAR = [date(2026, 11, 20) + timedelta(days=n) for n in range(42)]


@cache
def longest_days(language: str, how_many: int = 1) -> tuple[date, ...]:
    """The days of late November and December that take the most characters."""
    by_length = sorted(LATE_IN_THE_YEAR, key=lambda day: -len(format_day(day, language)))
    return tuple(by_length[:how_many])


def worst_values(language: str) -> dict[str, Param]:
    day = longest_days(language)[0]
    return {
        "contribution": Money(10000),  # the most per visit
        "day_off": Money(12000),
        "half_day": Money(6000),
        "amount": Money(12000),
        "balance": Money(123450),
        "available": Money(123450),
        "after": Money(111450),
        "advanced": Money(12000),  # ADVANCE_UNCOLLECTED_CENTS's default
        "max": Money(10000),
        "name": WORKERS[0],
        "worker": WORKERS[1],
        "household": HOUSEHOLDS[0],
        "partner": PARTNERS[0],
        "who": HOUSEHOLDS[0],
        "label": HOUSEHOLDS[0],
        "date": day,
        "days": "90",
        "hours": 720,  # the longest PAYOUT_CHANGE_HOLD (30 days)
        "number": "12",
        "list": Choices(HOUSEHOLDS),
        "products": Choices((m.LIFE_INSURANCE, m.DISABILITY_INSURANCE), numbered=False),
        "month": Month(2026, 12),
        "weekday": Weekday(2),  # Wednesday: the longest name in most languages
        "added": Money(123450),
        "used": Money(123450),
        "command": m.COMMAND_HALF_DAY,  # the longest menu word a guess names
        "product": m.DISABILITY_INSURANCE,
        "price": Money(2500),
        "covers": m.DISABILITY_COVERS,
        "year": "2026",
        "link": "https://beneficios.example.org/pay/AbCdEfGhIjKlMnOpQrStUv",
        "method": m.PAYOUT_BANK,  # the longest name of a payout method in most languages
        "code": "123456",
        "minutes": "10",
        "digits": "6789",
    }


# Lists that are not households: days off to call back, and a household's open visits.
def special_lists(language: str) -> dict[str, Choices]:
    days = longest_days(language, 3)
    return {
        "PAYOUT_METHOD_PICK": Choices(
            (m.PAYOUT_CASH, m.PAYOUT_CHECK, m.PAYOUT_BANK, m.PAYOUT_CARD)
        ),
        "UNDO_WHICH": Choices(tuple(days)),
        "PROMPTS_WHICH": Choices(
            tuple(
                (f"#{n}", worker, day)
                for n, (worker, day) in enumerate(zip(WORKERS, days, strict=True), 1)
            ),
            numbered=False,
        ),
    }


def say(name: str, language: str, count: int | None = None) -> Say:
    """The message with worst-case values for each of its placeholders."""
    message = MESSAGES[name]
    values = worst_values(language)
    if name in special_lists(language):
        values["list"] = special_lists(language)[name]
    names = set(PLACEHOLDER.findall(message.msgid)) - {"count"}
    missing = names - set(values)
    assert not missing, f"{name}: no worst-case value for {sorted(missing)}"
    if message.plural is not None and count is None:
        count = MANY
    return Say(message, {key: values[key] for key in names}, count)


@dataclass(frozen=True)
class Case:
    """One text as it goes out: its name (the message ids it is made of) and its sentences."""

    name: str
    says: tuple[Say, ...]


def alone(language: str) -> list[Case]:
    cases = []
    for name, message in MESSAGES.items():
        if message.plural is None:
            cases.append(Case(name, (say(name, language),)))
        else:
            cases.extend(
                Case(f"{name}[count={count}]", (say(name, language, count),)) for count in (1, MANY)
            )
    return cases


def combined(language: str) -> list[Case]:
    """The replies the flows build from several message ids."""
    cases = []
    for pays in ("DAYS_OFF", "DAYS_OFF_AND_HALF", "HALF_DAY_ONLY", "NO_DAY_OFF_YET"):
        for pending in (False, True):
            owed = ((False, ""), (True, ""), (True, "BALANCE_UNCOLLECTED"))
            for insured, uncollected in (*owed, (True, "BALANCE_ADVANCED")):
                names = ["BALANCE", *([uncollected] if uncollected else []), pays]
                names += ["PENDING_DAYS_OFF"] if pending else []
                names += ["INSURANCE_COVER"] if insured else []
                says = [say(n, language) for n in names]
                if uncollected == "BALANCE_ADVANCED":  # owed more than her balance: a small one
                    says[0] = Say(m.BALANCE, {"balance": Money(750), "available": Money(0)})
                cases.append(Case("+".join(names), tuple(says)))
    days = longest_days(language, 5)
    contributions = tuple(
        Say(m.HISTORY_LINE, {"date": day, "amount": Money(10000, signed=True), "who": who})
        for day, who in zip(days, (*HOUSEHOLDS, *WORKERS[1:]), strict=True)
    )
    mixed = tuple(
        Say(m.HISTORY_LINE, {"date": day, "amount": amount, "who": who})
        for day, amount, who in zip(
            days,
            (
                Money(-12000, signed=True),
                Money(10000, signed=True),
                Money(-1250, signed=True),
                Money(-10000, signed=True),
                Money(10000, signed=True),
            ),
            (m.PAID_DAY_OFF, HOUSEHOLDS[0], m.INSURANCE_PREMIUM, m.CORRECTION, HOUSEHOLDS[1]),
            strict=True,
        )
    )
    header = say("HISTORY_HEADER", language)
    more = Say(m.HISTORY_MORE, line=True)
    contributions = tuple(replace(line, line=True) for line in contributions)
    mixed = tuple(replace(line, line=True) for line in mixed)
    cases += [
        Case("HISTORY_HEADER+5*HISTORY_LINE(households)", (header, *contributions)),
        Case("HISTORY_HEADER+5*HISTORY_LINE(mixed)", (header, *mixed)),
        Case("HISTORY_HEADER+5*HISTORY_LINE(mixed)+HISTORY_MORE", (header, *mixed, more)),
        Case("INSURANCE_OFFER+2*INSURANCE_PRODUCT+INSURANCE_OFFER_HOW", offer_reply()),
        Case(
            "INSURANCE_HELD+INSURANCE_MORE",
            (say("INSURANCE_HELD", language), say("INSURANCE_MORE", language)),
        ),
        Case(
            "MONTHLY_STATEMENT+STATEMENT_PREMIUMS+DAYS_OFF_AND_HALF",
            (
                say("MONTHLY_STATEMENT", language),
                say("STATEMENT_PREMIUMS", language),
                say("DAYS_OFF_AND_HALF", language),
            ),
        ),
        Case("LANGUAGE_SET+TERMS", (say("LANGUAGE_SET", language), say("TERMS", language))),
        Case("TERMS+TERMS_AGAIN", (say("TERMS", language), say("TERMS_AGAIN", language))),
        Case("RECEIPT+MATCHED", (say("RECEIPT", language), say("MATCHED", language))),
        Case(
            "RECEIPT+2*MATCHED",
            (
                say("RECEIPT", language),
                say("MATCHED", language),
                Say(m.MATCHED, {"partner": PARTNERS[1], "amount": Money(10000)}),
            ),
        ),
        *(
            Case(
                "+".join(names),
                tuple(say(name, language) for name in names),
            )
            for names in (
                ("PAYOUT_METHOD_IS", "PAYOUT_HELD", "PAYOUT_METHOD_PICK"),
                ("PAYOUT_METHOD_NOT_CHOSEN", "PAYOUT_METHOD_PICK"),
                ("PAYOUT_METHOD_IS", "PAYOUT_HELD", "PAYOUT_LOCKED_NOW"),
            )
        ),
        *(
            Case(
                f"PAYMENT_SETUP+{fees}",
                (say("PAYMENT_SETUP", language), say(fees, language)),
            )
            for fees in ("PAYMENT_FEES_FUND", "PAYMENT_FEES_HOUSEHOLD")
        ),
    ]
    return cases


def offer_reply() -> tuple[Say, ...]:
    """The insurance offer as the flow builds it, with a realistic premium ($25.00 a month)."""
    products = (
        InsuranceProduct(1, "life", 2500, held=False),
        InsuranceProduct(2, "disability", 2500, held=False),
    )
    return offer_says(products)


def every_text(language: str) -> list[Case]:
    singles = alone(language)
    replies = [c for c in singles if c.name.split("[")[0] not in NOT_AFTER_EXPIRED]
    together = combined(language)
    expired = say("EXPIRED", language)
    # A notice is a text of its own: it never follows EXPIRED in a reply.
    replies_together = [c for c in together if c.name.split("+")[0] not in NOTICES - {"RECEIPT"}]
    after_expiry = [
        Case(f"EXPIRED+{case.name}", (expired, *case.says))
        for case in (*replies, *replies_together)
    ]
    return [*singles, *together, *after_expiry]


@dataclass(frozen=True)
class Rendered:
    name: str
    text: str
    encoding: str
    units: int
    segments: int
    folded: bool  # render dropped accents GSM-7 lacks (every SMS does)

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.segments} segments, {self.units} {self.encoding} units, "
            f"{len(self.text)} characters: {self.text!r}"
        )


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[Rendered]]:
    out: dict[str, list[Rendered]] = {}
    for language in LANGUAGES:
        out[language] = []
        for case in every_text(language):
            text = render(case.says, language)
            unfolded = sms_spaces(render(case.says, language, sms=False))
            count = count_segments(text)
            out[language].append(
                Rendered(
                    case.name, text, count.encoding, count.units, count.segments, text != unfolded
                )
            )
    return out


def test_every_message_id_is_rendered(rendered):
    names = {part.split("[")[0] for r in rendered["en"] for part in r.name.split("+")}
    assert set(MESSAGES) <= names
    assert set(MESSAGES) >= VALUES_ONLY | PARTS_ONLY | NOTICES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_fits_in_two_segments(rendered, language):
    over = [r for r in rendered[language] if r.segments > MAX_SEGMENTS]
    assert not over, f"{language}: {len(over)} texts cost more than {MAX_SEGMENTS} segments:\n" + (
        "\n".join(f"{language} {r}" for r in over)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reply_after_picking_a_language_is_one_segment(rendered, language):
    """She has just picked her language: the answer, with the terms, costs one SMS, even
    with the largest contribution the fund allows."""
    [reply] = [r for r in rendered[language] if r.name == "LANGUAGE_SET+TERMS"]
    assert reply.segments == 1, str(reply)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_no_break_spaces(rendered, language):
    found = [r for r in rendered[language] if "\u00a0" in r.text or "\u202f" in r.text]
    assert not found, "\n".join(f"{language} {r}" for r in found)


def test_print_how_many_fit_in_one_segment(rendered):
    """Not a check: the figures, for `pytest -s` or `pytest -rA`."""
    lines = ["texts that fit in ONE SMS segment (worst-case values):"]
    for language in LANGUAGES:
        all_ = rendered[language]
        one = sum(r.segments == 1 for r in all_)
        singles = [r for r in all_ if "+" not in r.name]
        single_one = sum(r.segments == 1 for r in singles)
        ucs2 = sum(r.encoding == "UCS-2" for r in all_)
        folded = sum(r.folded for r in all_)
        longest = max(all_, key=lambda r: (r.segments, r.units))
        lines.append(
            f"{language}: {one}/{len(all_)} in one segment "
            f"(message ids alone: {single_one}/{len(singles)}; {ucs2} sent as UCS-2, "
            f"{folded} with accents GSM-7 lacks folded; "
            f"longest {longest.name}: {longest.units} {longest.encoding} units)"
        )
    print("\n".join(lines))
