"""A program's match of a household's contribution: applied by the fund, capped per month.

When a household's contribution to a worker is posted, each program that enrolled her and has
a rule in force adds `percent` of it from its own account, in the same transaction, as a
ledger contribution of its own whose idempotency key is derived from the household's transfer.
The month's total per rule and worker lives in a tally row that is locked before the match is
decided (SELECT ... FOR UPDATE on PostgreSQL; on SQLite every writer holds BEGIN IMMEDIATE),
so contributions confirmed at the same moment never take the total past the cap.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import ledger
from bot.infra.orm import upsert_insert, utcnow
from bot.models import (
    Contributor,
    MatchingRule,
    MatchTally,
    Partner,
    PartnerContribution,
    PartnerMoneyKind,
    PartnerWorker,
    Worker,
)
from conversations.ports import Match


def match_cents(contribution_cents: int, percent: int, cap_cents: int, matched_cents: int) -> int:
    """What a rule adds to one contribution: its percent (rounded down), within what is left
    of the month's cap."""
    return max(0, min(contribution_cents * percent // 100, cap_cents - matched_cents))


def period_of(moment: datetime, time_zone: str) -> str:
    """The month a moment falls in where the worker lives, as 2026-12."""
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{local.year:04d}-{local.month:02d}"


def apply_matches(
    session: Session, worker: Worker, contribution: ledger.TransferResult, amount_cents: int
) -> tuple[Match, ...]:
    """Let every program that enrolled the worker match a household's contribution to her.

    A replayed contribution was matched when it was first applied, so it is not matched again.
    """
    if contribution.replayed or not contribution.applied or contribution.transfer_id is None:
        return ()
    rules = session.execute(
        select(MatchingRule, Partner, Contributor.account_id)
        .join(Partner, Partner.id == MatchingRule.partner_id)
        .join(Contributor, Contributor.id == Partner.contributor_id)
        .join(PartnerWorker, PartnerWorker.partner_id == Partner.id)
        .where(PartnerWorker.worker_id == worker.id, MatchingRule.active)
        .order_by(MatchingRule.id)
    ).all()
    period = period_of(utcnow(), worker.person.time_zone)
    matches = []
    for rule, partner, program_account_id in rules:
        cents = _match(
            session,
            rule=rule,
            partner=partner,
            program_account_id=program_account_id,
            worker=worker,
            household_transfer_id=contribution.transfer_id,
            amount_cents=amount_cents,
            period=period,
        )
        if cents:
            matches.append(Match(partner.name, cents))
    return tuple(matches)


def _match(
    session: Session,
    *,
    rule: MatchingRule,
    partner: Partner,
    program_account_id: int,
    worker: Worker,
    household_transfer_id: int,
    amount_cents: int,
    period: str,
) -> int:
    """Match one contribution under one rule; return the cents added (0: the cap is reached)."""
    already = _lock_tally(session, rule.id, worker.id, period)
    cents = match_cents(amount_cents, rule.percent, rule.monthly_cap_cents, already)
    if cents <= 0:
        return 0
    result = ledger.contribute(
        session,
        key=f"match:{rule.id}:{household_transfer_id}",
        contributor_account_id=program_account_id,
        worker_account_id=worker.account_id,
        amount_cents=cents,
        reference=f"match of transfer {household_transfer_id}",
    )
    if result.replayed or not result.applied or result.transfer_id is None:
        return 0
    session.execute(
        update(MatchTally)
        .where(
            MatchTally.rule_id == rule.id,
            MatchTally.worker_id == worker.id,
            MatchTally.period == period,
        )
        .values(matched_cents=MatchTally.matched_cents + cents)
    )
    session.add(
        PartnerContribution(
            partner_id=partner.id,
            worker_id=worker.id,
            kind=PartnerMoneyKind.MATCH,
            amount_cents=cents,
            transfer_id=result.transfer_id,
        )
    )
    return cents


def _lock_tally(session: Session, rule_id: int, worker_id: int, period: str) -> int:
    """Create the month's tally if it is the first match, lock it, and read it."""
    insert = upsert_insert(session)
    session.execute(
        insert(MatchTally)
        .values(rule_id=rule_id, worker_id=worker_id, period=period, matched_cents=0)
        .on_conflict_do_nothing(
            index_elements=[MatchTally.rule_id, MatchTally.worker_id, MatchTally.period]
        )
    )
    matched: int = session.execute(
        select(MatchTally.matched_cents)
        .where(
            MatchTally.rule_id == rule_id,
            MatchTally.worker_id == worker_id,
            MatchTally.period == period,
        )
        .with_for_update()
    ).scalar_one()
    return matched
