"""A program's match of households' contributions: applied by the fund, never past its cap."""

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot import ledger
from bot.fund import membership
from bot.fund.database_fund import DatabaseFund
from bot.fund.matching import match_cents, period_of
from bot.infra.db import run_in_transaction
from bot.models import (
    Channel,
    Employment,
    EmploymentStatus,
    MatchTally,
    OutboundMessage,
    Partner,
    PartnerContribution,
    PartnerMoneyKind,
    Visit,
    VisitReporter,
)
from bot.partners import registry
from bot.texting import texts
from conversations import messages as m
from conversations.talk import Money, Say
from tests.api.conftest import WORKER, member_accepts
from tests.bot.webhook_client import Twilio

HOUSEHOLD = "+12125550199"


def households_with_visits(sessions, settings, households: int, visits: int) -> list[list[int]]:
    """An active worker with households that each have `visits` visits waiting to be confirmed."""

    def work(session):
        worker = membership.enrol_worker(session, WORKER, time_zone="America/New_York")
        waiting = []
        for n in range(households):
            household = membership.enrol_household(
                session, f"+1212555{200 + n:04d}", time_zone="America/New_York", name=f"H{n}"
            )
            employment = Employment(
                worker_id=worker.id,
                household_id=household.id,
                amount_per_visit_cents=1_000,
                status=EmploymentStatus.ACTIVE,
            )
            session.add(employment)
            session.flush()
            rows = [
                Visit(
                    employment_id=employment.id,
                    visit_date=date(2026, 11, 1 + day),
                    reported_by=VisitReporter.WORKER,
                    prompt_number=day + 1,
                )
                for day in range(visits)
            ]
            session.add_all(rows)
            session.flush()
            waiting.append([visit.id for visit in rows])
        return waiting

    return run_in_transaction(sessions, work)


def confirm(sessions, settings, visit_id: int, cents: int = 1_000):
    def work(session):
        visit = session.get(Visit, visit_id)
        household = visit.employment.household.person
        fund = DatabaseFund(session, settings, household, Channel.SMS, f"SM{visit_id}")
        return fund.confirm_visit(visit_id, cents)

    return run_in_transaction(sessions, work)


def set_rule(sessions, name="City Care Fund", percent=50, cap=2_000):
    def work(session):
        program = registry.find_partner(session, name)
        registry.set_matching_rule(session, program, percent=percent, monthly_cap_cents=cap)

    run_in_transaction(sessions, work)


def matched(sessions) -> tuple[int, int, int]:
    """What was matched, three ways: ledger transfers, partner rows, the tallies."""
    with sessions() as session:
        program = session.scalar(select(Partner).where(Partner.kind == "program"))
        account = program.contributor.account_id
        transfers = session.scalar(
            select(func.coalesce(func.sum(ledger.Transfer.amount), 0)).where(
                ledger.Transfer.debit_account_id == account
            )
        )
        rows = session.scalar(
            select(func.coalesce(func.sum(PartnerContribution.amount_cents), 0)).where(
                PartnerContribution.kind == PartnerMoneyKind.MATCH
            )
        )
        tallies = session.scalar(select(func.coalesce(func.sum(MatchTally.matched_cents), 0)))
        return transfers, rows, tallies


def test_the_match_is_a_percent_rounded_down_within_what_is_left_of_the_cap():
    assert match_cents(1_000, 50, 2_000, 0) == 500
    assert match_cents(333, 50, 2_000, 0) == 166
    assert match_cents(1_000, 50, 2_000, 1_800) == 200
    assert match_cents(1_000, 50, 2_000, 2_000) == 0
    assert match_cents(1_000, 100, 2_000, 2_500) == 0  # a cap lowered mid-month


def test_the_month_is_hers():
    late_on_the_last_day = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert period_of(late_on_the_last_day, "America/New_York") == "2026-11"
    assert period_of(late_on_the_last_day, "Europe/Madrid") == "2026-12"


def test_a_program_matches_up_to_its_cap_and_tells_her(app, program, sessions):
    settings = app.extensions["runtime"].settings
    (visits,) = households_with_visits(sessions, settings, households=1, visits=6)
    member_accepts(app, program)
    set_rule(sessions, percent=50, cap=2_300)

    confirmations = [confirm(sessions, settings, visit_id) for visit_id in visits]
    assert [sum(x.amount_cents for x in c.matches) for c in confirmations] == [
        500, 500, 500, 500, 300, 0,
    ]  # fmt: skip
    assert confirmations[0].matches[0].program == "City Care Fund"
    assert matched(sessions) == (2_300, 2_300, 2_300)
    assert confirmations[-1].worker_balance_cents == 6_000 + 2_300
    listed = program.get("/contributions").get_json()["contributions"]
    assert [c["kind"] for c in listed] == ["match"] * 5
    assert {c["reference"] for c in listed} == {None}
    with sessions() as session:
        assert ledger.check(session) == []


def test_only_workers_the_program_enrolled_are_matched(app, make_partner, sessions):
    settings = app.extensions["runtime"].settings
    make_partner("City Care Fund", "program")  # enrols nobody
    other = make_partner("Other Program", "program")
    other.enrol(WORKER)
    (visits,) = households_with_visits(sessions, settings, households=1, visits=1)
    set_rule(sessions)
    assert confirm(sessions, settings, visits[0]).matches == ()


def test_a_rule_turned_off_matches_nothing(app, program, sessions):
    settings = app.extensions["runtime"].settings
    (visits,) = households_with_visits(sessions, settings, households=1, visits=2)
    member_accepts(app, program)
    set_rule(sessions)
    assert confirm(sessions, settings, visits[0]).matches
    run_in_transaction(
        sessions,
        lambda s: registry.stop_matching(s, registry.find_partner(s, "City Care Fund")),
    )
    assert confirm(sessions, settings, visits[1]).matches == ()


def test_platforms_do_not_match(app, platform, sessions):
    with pytest.raises(registry.PartnerError, match="only programs match"):
        set_rule(sessions, name="Sparkle Cleaning")


def test_the_receipt_says_what_the_program_added(app, program, sessions):
    twilio = Twilio(app)
    for text in ("hi", "1", "yes", "Maria"):
        twilio.text(WORKER, text)
    member_accepts(app, program)
    set_rule(sessions, percent=50, cap=2_000)
    twilio.text(WORKER, f"ADD {HOUSEHOLD} Ana")
    twilio.text(HOUSEHOLD, "yes")
    twilio.text(WORKER, "done")
    assert "$10.00" in twilio.text(HOUSEHOLD, "10")
    with sessions() as session:
        receipt = session.scalar(select(OutboundMessage).where(OutboundMessage.kind == "receipt"))
    assert receipt.body == texts.render(
        [
            Say(m.RECEIPT, {"household": "Ana", "amount": Money(1_000), "balance": Money(1_500)}),
            Say(m.MATCHED, {"partner": "City Care Fund", "amount": Money(500)}),
        ],
        "en",
    )


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_concurrent_contributions_never_take_the_match_past_the_cap(app, program, sessions):
    """Eight households confirm three visits each at the same moment: 24 contributions whose
    matches would add to 12,000 cents; the cap of 2,300 holds exactly."""
    settings = app.extensions["runtime"].settings
    waiting = households_with_visits(sessions, settings, households=8, visits=3)
    member_accepts(app, program)
    set_rule(sessions, percent=50, cap=2_300)
    start = threading.Barrier(len(waiting))
    results, errors = [], []

    def household(visit_ids):
        start.wait()
        try:
            results.extend(confirm(sessions, settings, visit_id) for visit_id in visit_ids)
        except Exception as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=household, args=(ids,)) for ids in waiting]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == 24
    assert sum(match.amount_cents for c in results for match in c.matches) == 2_300
    assert matched(sessions) == (2_300, 2_300, 2_300)
    with sessions() as session:
        assert ledger.check(session) == []
        worker = membership.find_worker(session, WORKER)
        assert ledger.balance(session, worker.account_id).posted_cents == 24_000 + 2_300
