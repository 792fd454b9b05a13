"""A fund with Stripe (the fake one), its web app, its console command and its people."""

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.infra.config import Settings
from bot.models import OutboundMessage, Person
from tests.bot.webhook_client import Twilio
from tests.fake_stripe import FakeStripe, sign

COMMAND = str(Path(sys.executable).with_name("benefits-bot"))
WORKER, HOUSEHOLD = "+12125550123", "+12125550199"
WEBHOOK_SECRET = "whsec_" + "test" * 6
LINK = re.compile(r"http://localhost/pay/[\w-]+")


@pytest.fixture
def stripe_api():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@dataclass
class Fund:
    """The fund as a test drives it: texts in, Stripe's events in, commands run."""

    app: object
    twilio: Twilio
    stripe: FakeStripe
    environment: dict[str, str]

    @property
    def runtime(self):
        return self.app.extensions["runtime"]

    def command(self, *arguments: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [COMMAND, *arguments],
            check=False,
            capture_output=True,
            text=True,
            env=self.environment,
            timeout=300,
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def balance(self) -> dict:
        return json.loads(self.command("balance", WORKER, "--json").stdout)

    def deliver(self, kind: str, obj: dict, *, secret: str = WEBHOOK_SECRET, event=None):
        """Stripe posts an event to the webhook, signed as Stripe signs it."""
        event = event or self.stripe.event(kind, obj)
        body = json.dumps(event).encode()
        response = self.app.test_client().post(
            "/webhooks/stripe",
            data=body,
            headers={"Stripe-Signature": sign(body, secret), "Content-Type": "application/json"},
        )
        return event, response

    def notices(self, phone: str, kind: str | None = None) -> list[str]:
        with self.runtime.sessions() as session:
            query = (
                select(OutboundMessage.body)
                .join(Person, Person.id == OutboundMessage.person_id)
                .where(Person.phone == phone)
                .order_by(OutboundMessage.id)
            )
            if kind:
                query = query.where(OutboundMessage.kind == kind)
            return list(session.scalars(query))

    def ledger_is_sound(self) -> None:
        assert "ledger is sound" in self.command("ledger", "check").stdout

    def join_and_accept(self, household_language: str = "1") -> None:
        for text in ("hi", "1", "yes", "Maria", "ADD (212) 555-0199 Ana"):
            self.twilio.text(WORKER, text)
        self.twilio.text(HOUSEHOLD, "yes")

    def visits(self, days: tuple[str, ...] = ("done", "done yesterday", "done monday")) -> None:
        for day in days:
            self.twilio.text(WORKER, day)
            assert "$5.00" in self.twilio.text(HOUSEHOLD, "yes")

    def save_method(self, method_type: str = "card") -> None:
        """The household opens its texted link and saves a card in Checkout."""
        link = LINK.search(self.notices(HOUSEHOLD, "payment_setup")[-1])
        assert link, self.notices(HOUSEHOLD)
        opened = self.app.test_client().get(link.group(0).removeprefix("http://localhost"))
        assert opened.status_code == 303
        assert opened.headers["Location"].startswith("https://checkout.stripe.test/")
        checkout = self.stripe.calls("POST", "/v1/checkout/sessions")[-1]
        assert checkout["mode"] == "setup"
        assert checkout["payment_method_types"] == {"0": "card", "1": "us_bank_account"}
        back = checkout["success_url"].removeprefix("http://localhost")
        assert self.app.test_client().get(back).status_code == 200
        customer = checkout["customer"]
        _, response = self.deliver(
            "checkout.session.completed", self.stripe.complete_setup(customer, method_type)
        )
        assert response.status_code == 200


@pytest.fixture
def fund_with_stripe(engine, stripe_api):
    def build(**overrides: str) -> Fund:
        url = engine.url.render_as_string(hide_password=False)
        environment = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("TWILIO_", "REDIS_", "DATABASE_", "STRIPE_"))
        }
        environment.update(
            DATABASE_URL=url,
            LOG_FORMAT="text",
            PUBLIC_BASE_URL="http://localhost",
            STRIPE_SECRET_KEY="sk_test_fake",
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            STRIPE_API_BASE_URL=stripe_api.base_url,
            ADVANCE_UNCOLLECTED_CENTS="0",
            COLLECT_AT_CENTS="1500",
            IDENTICAL_OUTBOUND_LIMIT="50/3600",  # "Thank you! $5.00 added" to one household
        )
        environment.update(overrides)
        app = create_app(Settings.from_env(environment))
        app.extensions["runtime"].print_notices = False
        built.append(app)
        return Fund(app, Twilio(app), stripe_api, environment)

    built: list = []
    yield build
    for app in built:
        app.extensions["runtime"].close()
