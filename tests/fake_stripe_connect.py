"""Stripe Connect in the fake Stripe API (tests/fake_stripe.py): Express accounts, Account
Links, Transfers (listed by `transfer_group`, reversed), and Payouts on a connected account
(the `Stripe-Account` header), with the balances they move, as the real `stripe` library
calls them. A test also onboards an account, settles a payout as the bank would, or has
Stripe's answer to a call lost on the way back (the call happened; the connection dropped).
"""

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

PLATFORM_BALANCE = 10_000_000  # cents the fund holds at Stripe unless a test says otherwise


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _listing(url: str, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "list", "url": url, "has_more": False, "data": data}


def _refused(code: str, message: str) -> tuple[int, dict[str, Any]]:
    return 400, {"error": {"type": "invalid_request_error", "code": code, "message": message}}


@dataclass
class FakeConnect:
    """The Connect half of FakeStripe: its state and its routes."""

    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    transfers: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    payouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)  # each connected account's
    platform_available: int = PLATFORM_BALANCE
    # (method, path prefix) of the calls whose next answers are lost on the way back
    lost: deque[tuple[str, str]] = field(default_factory=deque)

    # -- what a test scripts ----------------------------------------------------------------

    def onboard(
        self, account_id: str, kind: str = "card", instant: bool = True, last4: str = "4242"
    ) -> dict[str, Any]:
        """She finished Stripe's onboarding: the account as `account.updated` carries it."""
        account = self.accounts[account_id]
        external: dict[str, Any] = {
            "id": _id("card" if kind == "card" else "ba"),
            "object": "card" if kind == "card" else "bank_account",
            "last4": last4,
            "default_for_currency": True,
        }
        if kind == "card":
            methods = ["standard", "instant"] if instant else ["standard"]
            external.update(brand="Visa", funding="debit", available_payout_methods=methods)
        else:
            external.update(bank_name="STRIPE TEST BANK", routing_number="110000000")
        account.update(payouts_enabled=True, details_submitted=True)
        account["capabilities"] = {"transfers": "active"}
        account["external_accounts"]["data"] = [external]
        return self.account_state(account_id)

    def account_state(self, account_id: str) -> dict[str, Any]:
        account = self.accounts[account_id]
        return {**account, "external_accounts": dict(account["external_accounts"])}

    def settle_payout(
        self, payout_id: str, status: str = "paid", failure_code: str | None = None
    ) -> dict[str, Any]:
        """The bank or card network answered: paid, or failed (the money returns to her
        Stripe balance, as Stripe returns a failed payout's funds)."""
        payout = self.payouts[payout_id]
        payout["status"] = status
        if status == "failed":
            payout["failure_code"] = failure_code or "account_closed"
            self.balances[payout["_account"]] += payout["amount"]
        return self.public(payout)

    def lose_answers(self, method: str, path_prefix: str, times: int = 1) -> None:
        """The next `times` such calls happen, and their answers never arrive (the library
        retries twice with the same Idempotency-Key: 3 loses a call's every answer)."""
        self.lost.extend([(method, path_prefix)] * times)

    def drops(self, method: str, path: str) -> bool:
        if self.lost and method == self.lost[0][0] and path.startswith(self.lost[0][1]):
            self.lost.popleft()
            return True
        return False

    def transfers_for(self, key: str) -> list[dict[str, Any]]:
        return [t for t in self.transfers if t["transfer_group"] == key]

    def payouts_of(self, account_id: str) -> list[dict[str, Any]]:
        return [self.public(p) for p in self.payouts.values() if p["_account"] == account_id]

    @staticmethod
    def public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    # -- the API ----------------------------------------------------------------------------

    def connect_route(
        self, method: str, path: str, form: dict[str, Any], account: str | None
    ) -> tuple[int, dict[str, Any]] | None:
        """Connect's answer to a call, or None if the call is not Connect's."""
        parts = path.strip("/").split("/")[1:]  # without "v1"
        if parts == ["balance"] and method == "GET" and account is None:
            available = [{"amount": self.platform_available, "currency": "usd"}]
            return 200, {"object": "balance", "available": available, "pending": []}
        if not parts or parts[0] not in ("accounts", "account_links", "transfers", "payouts"):
            return None
        if parts[0] == "accounts":
            return self._accounts(method, parts, form)
        if parts[0] == "account_links":
            if form.get("account") not in self.accounts:
                return _refused("resource_missing", "No such account")
            url = f"https://connect.stripe.test/setup/e/{form['account']}/{_id('al')}"
            return 200, {"object": "account_link", "url": url, "created": int(time.time())}
        if parts[0] == "transfers":
            return self._transfers(method, parts, form)
        return self._payouts(method, parts, form, account)

    def _accounts(self, method: str, parts: list[str], form: dict[str, Any]):
        if method == "POST" and len(parts) == 1:
            account_id = _id("acct")
            self.accounts[account_id] = {
                "id": account_id,
                "object": "account",
                "type": form.get("type"),
                "country": form.get("country"),
                "payouts_enabled": False,
                "details_submitted": False,
                "capabilities": {"transfers": "inactive"},
                "settings": form.get("settings", {}),
                "metadata": form.get("metadata", {}),
                "external_accounts": _listing(f"/v1/accounts/{account_id}/external_accounts", []),
            }
            self.balances[account_id] = 0
            return 200, self.account_state(account_id)
        if method == "GET" and len(parts) == 2 and parts[1] in self.accounts:
            return 200, self.account_state(parts[1])
        return _refused("resource_missing", "No such account")

    def _transfers(self, method: str, parts: list[str], form: dict[str, Any]):
        if method == "POST" and len(parts) == 1:
            return self._transfer(form)
        if method == "GET" and len(parts) == 1:
            found = [
                t
                for t in reversed(self.transfers)  # newest first, as Stripe lists
                if "transfer_group" not in form or t["transfer_group"] == form["transfer_group"]
            ]
            return 200, _listing("/v1/transfers", found[: int(form.get("limit", 10))])
        if method == "POST" and len(parts) == 3 and parts[2] == "reversals":
            return self._reversal(parts[1], form)
        return _refused("resource_missing", "No such transfer")

    def _transfer(self, form: dict[str, Any]):
        amount, destination = int(form["amount"]), form.get("destination")
        account = self.accounts.get(destination or "")
        if account is None or account["capabilities"].get("transfers") != "active":
            return _refused("account_invalid", "The destination cannot receive transfers")
        if amount > self.platform_available:
            return _refused("balance_insufficient", "Insufficient funds in Stripe account")
        self.platform_available -= amount
        self.balances[account["id"]] += amount
        transfer = {
            "id": _id("tr"),
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "reversed": False,
            "currency": form.get("currency"),
            "destination": account["id"],
            "transfer_group": form.get("transfer_group"),
            "metadata": form.get("metadata", {}),
            "created": int(time.time()),
        }
        self.transfers.append(transfer)
        return 200, transfer

    def _reversal(self, transfer_id: str, form: dict[str, Any]):
        transfer = next((t for t in self.transfers if t["id"] == transfer_id), None)
        if transfer is None:
            return _refused("resource_missing", "No such transfer")
        amount = int(form.get("amount", transfer["amount"] - transfer["amount_reversed"]))
        if amount > self.balances[transfer["destination"]]:
            return _refused("balance_insufficient", "The connected account's balance is too low")
        self.balances[transfer["destination"]] -= amount
        self.platform_available += amount
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] >= transfer["amount"]
        return 200, {"id": _id("trr"), "object": "transfer_reversal", "amount": amount}

    def _payouts(self, method: str, parts: list[str], form: dict[str, Any], account: str | None):
        if account not in self.accounts:
            return _refused("resource_missing", "Payouts are made on a connected account")
        if method == "POST" and len(parts) == 1:
            return self._payout(account, form)
        if method == "GET" and len(parts) == 1:
            since = int((form.get("created") or {}).get("gte", 0))
            mine = [p for p in reversed(self.payouts_of(account)) if p["created"] >= since]
            return 200, _listing("/v1/payouts", mine[: int(form.get("limit", 10))])
        payout = self.payouts.get(parts[1]) if method == "GET" and len(parts) == 2 else None
        if payout is None or payout["_account"] != account:
            return _refused("resource_missing", "No such payout")
        return 200, self.public(payout)

    def _payout(self, account_id: str, form: dict[str, Any]):
        account, amount = self.accounts[account_id], int(form["amount"])
        if not account["payouts_enabled"]:
            return _refused("payouts_not_allowed", "Payouts are disabled on this account")
        external = account["external_accounts"]["data"][0]
        method = form.get("method", "standard")
        if method not in external.get("available_payout_methods", ["standard"]):
            return _refused("instant_payouts_unsupported", "This account cannot take it")
        if amount > self.balances[account_id]:
            return _refused("balance_insufficient", "Insufficient funds")
        self.balances[account_id] -= amount
        payout = {
            "id": _id("po"),
            "object": "payout",
            "amount": amount,
            "currency": form.get("currency"),
            "method": method,
            "type": "card" if external["object"] == "card" else "bank_account",
            "destination": external["id"],
            "status": "in_transit" if method == "instant" else "pending",
            "failure_code": None,
            "metadata": form.get("metadata", {}),
            "created": int(time.time()),
            "_account": account_id,
        }
        self.payouts[payout["id"]] = payout
        return 200, self.public(payout)
