"""Stripe Connect's events on the fund's one Stripe webhook: her account's state, and each
day off's payout landing (`payout.paid`), failing (`payout.failed`) or taken back
(`transfer.reversed`), applied once each through the fund's own `payout_sending.settle`.

A connected account's events name it in `account`. Each is applied with what Stripe says now,
read before the transaction (`fetch`), so an event that arrives late, twice or before an
older one cannot set an older state. After a failed payout its money is brought back from
her Stripe balance to the fund's (a transfer reversal, once), as the ledger gives it back to
her fund balance. An event about no payout of ours is logged, without numbers, and ignored.
"""

import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stripe import InvalidRequestError

from bot.fund import payout_accounts, payout_sending
from bot.infra.config import Settings
from bot.infra.runtime import Runtime
from bot.infra.stripe_client import client
from bot.models import PayoutRecord
from bot.payouts_rail.interfaces import RailAnswer, RailOutcome
from bot.payouts_rail.stripe_connect import accounts
from bot.payouts_rail.stripe_connect.objects import answer_of
from bot.payouts_rail.stripe_connect.rail import StripeConnectPayouts

log = logging.getLogger(__name__)
KEY_PREFIX = "payout:"


def fetch(runtime: Runtime, event: dict[str, Any]) -> dict[str, str]:
    """What a Connect event needs from Stripe now (raises stripe.StripeError if Stripe does
    not answer: the webhook then asks Stripe to send the event again; a payout Stripe does not
    know on that account is left to the handler, which ignores it)."""
    obj, kind = event["data"]["object"], event["type"]
    stripe = client(runtime.settings)
    if kind == "account.updated":
        state = stripe.v1.accounts.retrieve(str(obj.get("id"))).to_dict()
        return {"state": json.dumps(state)}
    if kind.startswith("payout.") and _day_off(_key(obj)) is not None:
        account = str(event.get("account") or "")
        try:
            payout = stripe.v1.payouts.retrieve(
                str(obj.get("id")), options={"stripe_account": account}
            ).to_dict()
        except InvalidRequestError:  # no such payout on that account: the handler ignores it
            return {"account": account}
        if payout.get("status") in ("failed", "canceled"):
            StripeConnectPayouts(runtime.settings, runtime.sessions).give_back(_key(payout))
        return {"account": account, "payout": json.dumps(payout)}
    return {}


def _account_updated(
    session: Session, settings: Settings, account: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    state = json.loads(fetched["state"]) if "state" in fetched else account
    recorded = accounts.record_state(session, state)
    if recorded is None:
        log.info("account.updated for an account not ours (%s) ignored", _masked(account))
        return []
    if not recorded.changed:
        return []
    worker_id, last4 = recorded.account.worker_id, recorded.account.last4
    hours = settings.payout_change_hold_hours
    return list(payout_accounts.account_changed(session, worker_id, last4, hours))


def _payout(
    session: Session, settings: Settings, payout: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    """payout.paid, payout.failed: settle the day off its key names, as Stripe has it now."""
    current = json.loads(fetched["payout"]) if "payout" in fetched else payout
    transfer_id = _ours(session, current, fetched.get("account"))
    if transfer_id is None:
        return []
    return list(payout_sending.settle(session, transfer_id, answer_of(current)).outbox_ids)


def _reversed(
    session: Session, settings: Settings, transfer: dict[str, Any], fetched: dict[str, str]
) -> list[int]:
    """transfer.reversed: the money came back to the fund, so the day off did not get paid."""
    transfer_id = _ours(session, transfer, str(transfer.get("destination") or ""))
    if transfer_id is None:
        return []
    if int(transfer.get("amount_reversed") or 0) < int(transfer.get("amount") or 0):
        log.warning("payout #%s: part of its transfer was reversed; see reconcile", transfer_id)
        return []
    answer = RailAnswer(RailOutcome.FAILED, str(transfer.get("id")), "transfer reversed")
    return list(payout_sending.settle(session, transfer_id, answer).outbox_ids)


def _ours(session: Session, obj: dict[str, Any], account_id: str | None) -> int | None:
    """The day off a payout or transfer is for, if the fund sent it to that worker's account."""
    transfer_id = _day_off(_key(obj))
    record = None
    if transfer_id is not None:
        record = session.scalar(select(PayoutRecord).where(PayoutRecord.transfer_id == transfer_id))
    if record is None or accounts.worker_of(session, account_id) != record.worker_id:
        log.info("Stripe event for no payout of ours (%s) ignored", _masked(obj))
        return None
    return transfer_id


def _key(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("key") or obj.get("transfer_group") or "")


def _day_off(key: str) -> int | None:
    number = key.removeprefix(KEY_PREFIX)
    return int(number) if key.startswith(KEY_PREFIX) and number.isdigit() else None


def _masked(obj: dict[str, Any]) -> str:
    """A Stripe id with only its kind and last four characters (po_…1a2b)."""
    ident = str(obj.get("id") or "")
    return f"{ident.split('_', 1)[0]}_…{ident[-4:]}" if "_" in ident else "?"


HANDLERS = {
    "account.updated": _account_updated,
    "payout.paid": _payout,
    "payout.failed": _payout,
    "transfer.reversed": _reversed,
}
