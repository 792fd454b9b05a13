"""The fund's partners: creating one, finding it by name, and a program's matching rule."""

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.fund import membership
from bot.ledger import Account, AccountKind
from bot.models import MatchingRule, Partner
from bot.models.partner import PARTNER_KINDS

MAX_NAME = 40  # workers read it in texts that must fit two SMS segments
MAX_PERCENT = 100
SLUG_LETTERS = re.compile(r"[^a-z0-9]+")


class PartnerError(ValueError):
    """A partner request that cannot be carried out; the message says why."""


def check_name(name: str) -> str:
    """The name with its spaces tidied, if it is printable and 2 to 40 characters long."""
    tidy = " ".join(name.split())
    if not 2 <= len(tidy) <= MAX_NAME or not tidy.isprintable():
        raise PartnerError(f"a partner's name is 2 to {MAX_NAME} printable characters")
    return tidy


def find_partner(session: Session, name: str) -> Partner | None:
    """The partner with this name, whatever its case."""
    tidy = " ".join(name.split()).lower()
    return session.scalar(select(Partner).where(func.lower(Partner.name) == tidy))


def create_partner(session: Session, name: str, kind: AccountKind) -> Partner:
    """A new platform or program with its contributor account; its name must be new."""
    name = check_name(name)
    if kind not in PARTNER_KINDS:
        raise PartnerError(f"a partner is a platform or a program, not {kind}")
    slug = SLUG_LETTERS.sub("-", name.lower()).strip("-") or "partner"
    code = f"{kind}:{slug}"
    taken = session.scalar(select(Account.id).where(Account.code == code))
    if find_partner(session, name) is not None or taken is not None:
        raise PartnerError(f"there is already a partner named {name!r} (or nearly so)")
    contributor = membership.enrol_partner(session, kind, slug, name)
    partner = Partner(name=name, kind=kind, contributor_id=contributor.id)
    session.add(partner)
    session.flush()
    return partner


def set_matching_rule(
    session: Session, partner: Partner, *, percent: int, monthly_cap_cents: int
) -> MatchingRule:
    """Make the program match `percent` of household contributions to the workers it
    enrolled, up to `monthly_cap_cents` per worker per month; replaces its earlier rule.

    What was matched this month still counts against the cap."""
    if partner.kind != AccountKind.PROGRAM:
        raise PartnerError(f"{partner.name} is a {partner.kind}: only programs match")
    if not 1 <= percent <= MAX_PERCENT:
        raise PartnerError(f"percent is a whole number from 1 to {MAX_PERCENT}")
    if monthly_cap_cents <= 0:
        raise PartnerError("the monthly cap is a positive whole number of cents")
    rule = session.scalar(select(MatchingRule).where(MatchingRule.partner_id == partner.id))
    if rule is None:
        rule = MatchingRule(partner_id=partner.id)
        session.add(rule)
    rule.percent = percent
    rule.monthly_cap_cents = monthly_cap_cents
    rule.active = True
    session.flush()
    return rule


def stop_matching(session: Session, partner: Partner) -> bool:
    """Stop the program's matching; False if it had no rule in force."""
    rule = session.scalar(select(MatchingRule).where(MatchingRule.partner_id == partner.id))
    if rule is None or not rule.active:
        return False
    rule.active = False
    return True
