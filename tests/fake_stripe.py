"""A fake Stripe API on loopback, so the real `stripe` library's request code runs in tests.

It answers every call the fund makes (customers, Checkout sessions in setup mode, SetupIntents,
off-session PaymentIntents, balance transactions, and Connect's accounts, account links,
transfers and payouts: tests/fake_stripe_connect.py), replays a repeated Idempotency-Key as
Stripe does (per account), declines when a test asks it to, and builds and signs webhook events
the way Stripe signs them: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
"""

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.fake_stripe_connect import FakeConnect

CARD_BP, CARD_FIXED, ACH_BP, ACH_CAP = 290, 30, 80, 500


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send with this body."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def nested(form: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`metadata[charge_id]=1`, `expand[0]=x`) back into objects."""
    result: dict[str, Any] = {}
    for key, value in form:
        parts = key.replace("]", "").split("[")
        target = result
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return result


@dataclass
class FakeStripe(FakeConnect):
    """Start with `start()`; `base_url` goes in STRIPE_API_BASE_URL."""

    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)  # SetupIntent -> method
    balance: list[dict[str, Any]] = field(default_factory=list)
    declines: deque[str] = field(default_factory=deque)  # decline codes for the next charges
    # The first answer to each (account, Idempotency-Key), replayed to a repeat.
    replies: dict[tuple[str | None, str], tuple[int, dict[str, Any]]] = field(
        default_factory=dict
    )
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what a test scripts ----------------------------------------------------------------

    def decline_next(self, code: str = "insufficient_funds", times: int = 1) -> None:
        self.declines.extend([code] * times)

    def complete_setup(self, customer: str, method_type: str = "card") -> dict[str, Any]:
        """The household finished Checkout: its completed session, as the event carries it."""
        setup_intent = new_id("seti")
        self.methods[setup_intent] = {
            "id": new_id("pm"),
            "object": "payment_method",
            "type": method_type,
            "customer": customer,
        }
        return {
            "id": new_id("cs"),
            "object": "checkout.session",
            "mode": "setup",
            "status": "complete",
            "customer": customer,
            "setup_intent": setup_intent,
        }

    def refund(self, intent_id: str, amount: int | None = None) -> dict[str, Any]:
        """Refund a charge: its Charge as `charge.refunded` carries it."""
        intent = self.intents[intent_id]
        refund = {
            "id": new_id("re"),
            "object": "refund",
            "amount": amount or intent["amount"],
            "status": "succeeded",
        }
        with self.lock:
            intent.setdefault("refunds", []).append(refund)
            self.balance.append(
                _transaction(
                    "refund", -refund["amount"], 0, {"id": refund["id"], "object": "refund"}
                )
            )
        return self.charge_of(intent_id)

    def charge_of(self, intent_id: str) -> dict[str, Any]:
        intent = self.intents[intent_id]
        refunds = intent.get("refunds", [])
        return {
            "id": intent["latest_charge"],
            "object": "charge",
            "paid": True,
            "amount": intent["amount"],
            "amount_refunded": sum(r["amount"] for r in refunds),
            "payment_intent": intent_id,
            "metadata": intent["metadata"],
            "refunds": {"object": "list", "data": refunds},
        }

    def event(self, kind: str, obj: dict[str, Any], account: str | None = None) -> dict[str, Any]:
        """An event as Stripe posts it; a connected account's events name it in `account`."""
        event = {
            "id": new_id("evt"),
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "data": {"object": obj},
        }
        if account is not None:
            event["account"] = account
        return event

    def paid(self) -> list[dict[str, Any]]:
        return [i for i in self.intents.values() if i["status"] == "succeeded"]

    def calls(self, method: str, path_start: str) -> list[dict[str, Any]]:
        return [form for m, p, form in self.requests if m == method and p.startswith(path_start)]

    # -- the API ----------------------------------------------------------------------------

    def answer(
        self,
        method: str,
        path: str,
        form: dict[str, Any],
        key: str | None,
        account: str | None = None,
    ) -> tuple[int, dict[str, Any]] | None:
        """The answer to a call; None when a test had it lost on the way back."""
        with self.lock:
            call = {**form, "_idempotency_key": key, "_account": account}
            self.requests.append((method, path, call))
            if key and (account, key) in self.replies:
                reply = self.replies[(account, key)]  # Stripe replays the first answer
            else:
                reply = self.connect_route(method, path, form, account) or self._route(
                    method, path, form
                )
                if key:
                    self.replies[(account, key)] = reply
            return None if self.drops(method, path) else reply

    def _route(self, method: str, path: str, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "POST" and path == "/v1/customers":
            return 200, {"id": new_id("cus"), "object": "customer", **form}
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = new_id("cs")
            return 200, {
                "id": session_id,
                "object": "checkout.session",
                "mode": form.get("mode"),
                "customer": form.get("customer"),
                "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            }
        if method == "GET" and path.startswith("/v1/setup_intents/"):
            setup_intent = path.rsplit("/", 1)[1]
            found = self.methods.get(setup_intent)
            if found is None:
                return 404, _error("invalid_request_error", "resource_missing")
            return 200, {"id": setup_intent, "object": "setup_intent", "payment_method": found}
        if method == "POST" and path == "/v1/payment_intents":
            return self._payment_intent(form)
        if method == "GET" and path == "/v1/balance_transactions":
            return 200, {
                "object": "list",
                "url": "/v1/balance_transactions",
                "has_more": False,
                "data": list(reversed(self.balance)),
            }
        return 404, _error("invalid_request_error", "resource_missing")

    def _payment_intent(self, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        amount = int(form["amount"])
        method_type = (form.get("payment_method_types") or {}).get("0", "card")
        intent = {
            "id": new_id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "currency": form.get("currency"),
            "customer": form.get("customer"),
            "payment_method": form.get("payment_method"),
            "metadata": form.get("metadata", {}),
            "latest_charge": new_id("ch"),
            "off_session": form.get("off_session"),
        }
        self.intents[intent["id"]] = intent
        if self.declines:
            code = self.declines.popleft()
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"code": "card_declined", "decline_code": code}
            error = _error("card_error", "card_declined", decline_code=code)
            error["error"]["payment_intent"] = intent
            return 402, error
        intent["status"] = "succeeded" if method_type == "card" else "processing"
        intent["amount_received"] = amount
        fee = (
            min(-(-amount * ACH_BP // 10_000), ACH_CAP)
            if method_type == "us_bank_account"
            else -(-amount * CARD_BP // 10_000) + CARD_FIXED
        )
        source = {"id": intent["latest_charge"], "object": "charge", "payment_intent": intent["id"]}
        self.balance.append(_transaction("charge", amount, fee, source))
        return 200, intent

    def start(self) -> "FakeStripe":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive without Nagle, as fake_twilio: a benchmark measures our code, not
            # the delayed-ACK wait of small writes on a kept connection.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = nested(parse_qsl(self.rfile.read(length).decode()))
                key = self.headers.get("Idempotency-Key")
                account = self.headers.get("Stripe-Account")
                self._reply(fake.answer("POST", self.path, form, key, account))

            def do_GET(self) -> None:
                url = urlparse(self.path)
                form = nested(parse_qsl(url.query))
                account = self.headers.get("Stripe-Account")
                self._reply(fake.answer("GET", url.path, form, None, account))

            def _reply(self, answer: tuple[int, dict[str, Any]] | None) -> None:
                if answer is None:  # the call happened; its answer is lost with the connection
                    self.close_connection = True
                    return
                status, payload = answer
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Request-Id", new_id("req"))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _transaction(kind: str, amount: int, fee: int, source: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new_id("txn"),
        "object": "balance_transaction",
        "type": kind,
        "amount": amount,
        "fee": fee,
        "net": amount - fee,
        "created": int(time.time()),
        "source": source,
    }


def _error(kind: str, code: str, **extra: str) -> dict[str, Any]:
    return {"error": {"type": kind, "code": code, "message": f"scripted {code}", **extra}}
