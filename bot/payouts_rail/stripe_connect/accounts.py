"""Her Stripe Express account: the short link she is texted, its onboarding, and what Stripe
says of the account (can it take payouts? to which card or bank account?)."""

from dataclasses import dataclass
from secrets import token_urlsafe
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.config import Settings
from bot.payouts_rail.stripe_connect.models import ConnectAccount

LINK_PATH = "/payout/"
MAX_SUMMARY = 80


class AlreadySetUp(Exception):
    """Her account already takes payouts: the texted link does not open it again (changing
    where she is paid goes through the fund, with its code and hold)."""


def base_url(settings: Settings) -> str:
    """Where the fund's web app answers (settings require PUBLIC_BASE_URL for this rail)."""
    return (settings.public_base_url or "http://localhost:8000").rstrip("/")


def setup_link(session: Session, settings: Settings, worker_id: int) -> str:
    """Her short setup link (`PUBLIC_BASE_URL/payout/<token>`), the same every time."""
    account = session.get(ConnectAccount, worker_id)
    if account is None:
        account = ConnectAccount(worker_id=worker_id, link_token=token_urlsafe(16))
        session.add(account)
        session.flush()  # two at once: the second fails here and its transaction is retried
    return f"{base_url(settings)}{LINK_PATH}{account.link_token}"


def onboarding_url(
    session: Session, settings: Settings, client: stripe.StripeClient, token: str
) -> str | None:
    """A fresh Account Link for the worker behind a texted link, creating her Express account
    the first time (one per worker: the idempotency key is hers). None: no such link."""
    account = session.scalar(
        select(ConnectAccount).where(ConnectAccount.link_token == token).with_for_update()
    )
    if account is None:
        return None
    if account.ready:
        raise AlreadySetUp(token)
    if account.account_id is None:
        created = client.v1.accounts.create(
            params={
                "type": "express",
                "country": "US",
                "business_type": "individual",
                "capabilities": {"transfers": {"requested": True}},
                # The fund sends each payout itself (instant to a card where it can).
                "settings": {"payouts": {"schedule": {"interval": "manual"}}},
                "metadata": {"worker_id": str(account.worker_id)},
            },
            options={"idempotency_key": f"connect-account:{account.worker_id}"},
        )
        account.account_id = created.id
    here = f"{base_url(settings)}{LINK_PATH}{token}"
    link = client.v1.account_links.create(
        params={
            "account": account.account_id,
            "refresh_url": here,  # Stripe sends her back here when its link has expired
            "return_url": f"{here}/done",
            "type": "account_onboarding",
        }
    )
    return link.url


@dataclass(frozen=True)
class Recorded:
    """An account of ours as Stripe now describes it, and whether where her payouts go
    changed from one card or bank account to another."""

    account: ConnectAccount
    changed: bool


def record_state(session: Session, state: dict[str, Any]) -> Recorded | None:
    """Keep what Stripe now says of an account (None: not one of ours)."""
    account = session.scalar(
        select(ConnectAccount).where(ConnectAccount.account_id == state.get("id")).with_for_update()
    )
    if account is None:
        return None
    external = default_external_account(state) or {}
    before = account.external_id
    account.payouts_enabled = bool(state.get("payouts_enabled"))
    account.summary = summary_of(external) if external else None
    account.external_id = str(external["id"]) if external.get("id") else None
    account.last4 = str(external.get("last4") or "")[-4:] or None
    account.instant = external.get("object") == "card" and "instant" in (
        external.get("available_payout_methods") or []
    )
    changed = before is not None and account.external_id not in (None, before)
    return Recorded(account, changed)


def default_external_account(state: dict[str, Any]) -> dict[str, Any] | None:
    """The card or bank account her payouts go to: the default one, else the first."""
    found = (state.get("external_accounts") or {}).get("data") or []
    for external in found:
        if external.get("default_for_currency"):
            return external
    return found[0] if found else None


def summary_of(external: dict[str, Any]) -> str:
    """Her card or bank account as staff read it: kind, name and last four digits only."""
    last4 = str(external.get("last4") or "????")[-4:]
    if external.get("object") == "card":
        brand = str(external.get("brand") or "")
        funding = "debit " if external.get("funding") == "debit" else ""
        text = f"{brand} {funding}card ending {last4}"
    else:
        bank = str(external.get("bank_name") or "bank")
        text = f"{bank} account ending {last4}"
    return " ".join(text.split())[:MAX_SUMMARY]


def account_of(session: Session, worker_id: int) -> ConnectAccount | None:
    """Her Connect account row, if she was ever sent a link."""
    return session.get(ConnectAccount, worker_id)


def worker_of(session: Session, account_id: str | None) -> int | None:
    """The worker whose Connect account this is."""
    if not account_id:
        return None
    return session.scalar(
        select(ConnectAccount.worker_id).where(ConnectAccount.account_id == account_id)
    )
