"""Stripe Connect as a payout rail: a Transfer from the fund to her Express account, then a
Payout from that account to her card (instant where her card takes it) or bank account.

Both carry the day off's key (`payout:<id>`): the Transfer as its idempotency key, its
`transfer_group` and metadata, the Payout in its metadata. So a lost answer is asked about by
key (`lookup` lists the Transfers of that group, then her account's Payouts), and `start`
never creates a second Transfer for a key that has one, even after Stripe has forgotten the
idempotency key (24 hours). Stripe not answering (a timeout, a 5xx, a rate limit) raises
RailTimeout: the fund keeps the payout "sending" and asks again later.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import stripe
from sqlalchemy.orm import Session

from bot.infra.config import Settings
from bot.infra.stripe_client import client
from bot.payouts_rail.interfaces import (
    PayoutOrder,
    RailAnswer,
    RailMovement,
    RailOutcome,
    RailTimeout,
    RecipientAccount,
)
from bot.payouts_rail.stripe_connect import accounts
from bot.payouts_rail.stripe_connect.models import ConnectAccount
from bot.payouts_rail.stripe_connect.objects import answer_of, is_reversed, movement

log = logging.getLogger(__name__)
Sessions = Callable[[], AbstractContextManager[Session]]
# Stripe did not say whether it did it: ask again later, never assume either way.
NO_ANSWER = (
    stripe.APIConnectionError,
    stripe.APIError,
    stripe.RateLimitError,
    stripe.AuthenticationError,
    stripe.PermissionError,
)
KEY_PREFIX = "payout:"
NEEDS_ACCOUNT = RailAnswer(RailOutcome.WAITING, failure="no payout account", needs_account=True)


class _Refused(Exception):
    """Stripe refused a payout from her account (not a lost answer): it will not land."""


class StripeConnectPayouts:
    """Pays a day off into her Express account and out to her card or bank account."""

    name = "stripe"

    def __init__(self, settings: Settings, sessions: Sessions) -> None:
        self.settings = settings
        self.sessions = sessions

    @property
    def stripe(self) -> stripe.StripeClient:
        return client(self.settings)

    def start(self, order: PayoutOrder) -> RailAnswer:
        """Transfer to her account and pay it out, or WAITING while she has no ready account."""
        with self.sessions() as session:
            account = accounts.account_of(session, order.worker_id)
        if account is None or account.account_id is None:
            return NEEDS_ACCOUNT
        with _no_answer_is_a_timeout(order.key):
            # Money already sent for this key is finished, whatever the account says now.
            transfer = self._transfer_of(order.key)
            if transfer is None and not account.ready:
                return NEEDS_ACCOUNT
            return self._send(order, account, transfer)

    def lookup(self, key: str) -> RailAnswer:
        """What Stripe holds for this key: UNKNOWN while no payout left her account for it.
        A payout found failed has its money brought back to the fund first (once), since
        the fund gives it back to her balance on this answer."""
        with _no_answer_is_a_timeout(key):
            transfer = self._transfer_of(key)
            if transfer is None:
                return RailAnswer(RailOutcome.UNKNOWN)
            if is_reversed(transfer):
                return RailAnswer(RailOutcome.FAILED, transfer["id"], "transfer reversed")
            payout = self._payout_of(transfer, key)
            answer = answer_of(payout) if payout else None
            if answer is not None and answer.outcome is RailOutcome.FAILED:
                self._reverse_or_log(transfer, key)
        if answer is None:  # the transfer arrived, its payout did not: `start` finishes it
            return RailAnswer(RailOutcome.UNKNOWN, provider_ref=transfer["id"])
        return answer

    def recipient(self, worker_id: int, method: str | None) -> RecipientAccount:
        """Her card or bank account as Stripe last described it."""
        with self.sessions() as session:
            account = accounts.account_of(session, worker_id)
        if account is None or account.account_id is None:
            return RecipientAccount(False, "no Stripe account yet: send her the setup link")
        if not account.ready:
            return RecipientAccount(False, "Stripe account not ready for payouts yet")
        instant = ", instant payouts" if account.instant else ""
        return RecipientAccount(True, f"{account.summary or 'Stripe account'}{instant}")

    def account_link(self, session: Session, worker_id: int) -> str | None:
        """Her short setup link."""
        return accounts.setup_link(session, self.settings, worker_id)

    def needs_account(self, session: Session, worker_id: int) -> bool:
        """No Express account yet, or one Stripe does not let take payouts yet."""
        account = accounts.account_of(session, worker_id)
        return account is None or not account.ready

    def movements(self) -> list[RailMovement]:
        """Every Transfer the fund made for a day off, with what became of its Payout."""
        with _no_answer_is_a_timeout("reconcile"):
            listing = self.stripe.v1.transfers.list(params={"limit": 100})
            transfers = [t.to_dict() for t in listing.auto_paging_iter()]
            ours = [t for t in transfers if str(t.get("transfer_group")).startswith(KEY_PREFIX)]
            payouts: dict[str, dict[str, dict[str, Any]]] = {}
            for destination in sorted({t["destination"] for t in ours}):
                payouts[destination] = {
                    str(p.get("metadata", {}).get("key")): p for p in self._payouts(destination, 0)
                }
        return [movement(t, payouts[t["destination"]].get(t["transfer_group"])) for t in ours]

    def give_back(self, key: str) -> bool:
        """Bring a failed payout's money back from her Stripe balance to the fund's (once:
        the reversal's idempotency key is the day off's). False if Stripe refused it."""
        with _no_answer_is_a_timeout(key):
            transfer = self._transfer_of(key)
            if transfer is None or is_reversed(transfer):
                return True
            return self._reverse_or_log(transfer, key)

    # -- Stripe calls ------------------------------------------------------------------------

    def _send(
        self, order: PayoutOrder, account: ConnectAccount, transfer: dict[str, Any] | None
    ) -> RailAnswer:
        payout = None
        if transfer is None:
            if not self._fund_holds(order.amount_cents, order.currency):
                return _fund_short(order.key)
            try:
                transfer = self._transfer(order, str(account.account_id))
            except stripe.InvalidRequestError as error:
                return _transfer_refused(order.key, error)
        elif is_reversed(transfer):
            return RailAnswer(RailOutcome.FAILED, transfer["id"], "transfer reversed")
        else:
            payout = self._payout_of(transfer, order.key)
        if payout is None:
            try:
                payout = self._pay_out(order, transfer, account.instant)
            except _Refused as refused:
                self._reverse_or_log(transfer, order.key)
                return RailAnswer(RailOutcome.FAILED, transfer["id"], f"payout refused: {refused}")
        return answer_of(payout)

    def _fund_holds(self, amount_cents: int, currency: str) -> bool:
        """Whether the fund's Stripe balance can pay it now. Asked first because Stripe keeps
        a refused transfer's answer under its idempotency key for a day: asking again with
        the day off's key would be refused all day, even once the money is there."""
        balance = self.stripe.v1.balance.retrieve().to_dict()
        available = sum(
            int(part.get("amount") or 0)
            for part in balance.get("available") or []
            if part.get("currency") == currency.lower()
        )
        return available >= amount_cents

    def _transfer(self, order: PayoutOrder, destination: str) -> dict[str, Any]:
        created = self.stripe.v1.transfers.create(
            params={
                "amount": order.amount_cents,
                "currency": order.currency.lower(),
                "destination": destination,
                "transfer_group": order.key,
                "description": "Paid day off",
                "metadata": {"key": order.key, "worker_id": str(order.worker_id)},
            },
            options={"idempotency_key": order.key},
        )
        return created.to_dict()

    def _pay_out(
        self, order: PayoutOrder, transfer: dict[str, Any], instant: bool
    ) -> dict[str, Any]:
        """A Payout of the transferred money: instant to a card that takes it, else standard."""
        code = "refused"
        for method in ("instant", "standard") if instant else ("standard",):
            try:
                created = self.stripe.v1.payouts.create(
                    params={
                        "amount": transfer["amount"],
                        "currency": order.currency.lower(),
                        "method": method,
                        "metadata": {"key": order.key, "transfer": transfer["id"]},
                    },
                    options={
                        "stripe_account": transfer["destination"],
                        "idempotency_key": f"{order.key}:{method}",
                    },
                )
                return created.to_dict()
            except stripe.InvalidRequestError as error:
                code = error.code or "refused"
                log.warning("payout %s: Stripe refused a %s payout (%s)", order.key, method, code)
        raise _Refused(code)

    def _reverse_or_log(self, transfer: dict[str, Any], key: str) -> bool:
        """Reverse the whole transfer; False (and an error in the log) if Stripe refused."""
        try:
            self.stripe.v1.transfers.reversals.create(
                transfer["id"],
                params={"metadata": {"key": key}},
                options={"idempotency_key": f"{key}:reversal"},
            )
        except stripe.InvalidRequestError as error:
            log.error("payout %s: its transfer could not be reversed (%s)", key, error.code)
            return False
        return True

    def _transfer_of(self, key: str) -> dict[str, Any] | None:
        listing = self.stripe.v1.transfers.list(params={"transfer_group": key, "limit": 10})
        transfers = [t.to_dict() for t in listing.data]
        if len(transfers) > 1:  # never by this rail; `payouts reconcile` names it
            log.error("payout %s: Stripe holds %s transfers for it", key, len(transfers))
        return transfers[-1] if transfers else None  # newest first: the first one made

    def _payout_of(self, transfer: dict[str, Any], key: str) -> dict[str, Any] | None:
        for payout in self._payouts(transfer["destination"], int(transfer.get("created") or 0)):
            if payout.get("metadata", {}).get("key") == key:
                return payout
        return None

    def _payouts(self, account_id: str, since: int) -> Iterator[dict[str, Any]]:
        listing = self.stripe.v1.payouts.list(
            params={"created": {"gte": since}, "limit": 100},
            options={"stripe_account": account_id},
        )
        for payout in listing.auto_paging_iter():
            yield payout.to_dict()


def _fund_short(key: str) -> RailAnswer:
    """Nothing moved: the payout waits for the next run (staff read the log)."""
    log.error("payout %s waits: the fund's Stripe balance is too low", key)
    return RailAnswer(RailOutcome.WAITING, failure="fund balance too low")


def _transfer_refused(key: str, error: stripe.InvalidRequestError) -> RailAnswer:
    """The fund's balance too low after all: it waits; any other refusal: the payout failed
    and her money goes back to her balance."""
    if error.code == "balance_insufficient":
        return _fund_short(key)
    return RailAnswer(RailOutcome.FAILED, failure=f"transfer refused: {error.code or 'refused'}")


@contextmanager
def _no_answer_is_a_timeout(key: str) -> Iterator[None]:
    try:
        yield
    except NO_ANSWER as error:
        log.warning("payout %s: Stripe did not answer (%s)", key, type(error).__name__)
        raise RailTimeout(key) from error
