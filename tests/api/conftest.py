"""The partner API against the real app, on SQLite and PostgreSQL, with real keys."""

import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.ledger import AccountKind
from bot.partners import keys, registry
from tests.bot.webhook_client import Twilio

WORKER = "+12125550123"
OTHER_WORKER = "+12125550124"
_keys = itertools.count(1)


@dataclass
class Partner:
    """A partner made for a test, and a client that calls the API with its key."""

    id: int
    name: str
    key: str
    client: object

    def headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def post(self, path: str, body, key: str | None = None):
        """A write, under a new Idempotency-Key unless one is given."""
        key = key if key is not None else f"test-{next(_keys)}"
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers(key))

    def get(self, path: str, **query):
        return self.client.get(f"/api/v1{path}", query_string=query, headers=self.headers())

    def enrol(self, phone: str = WORKER, language: str = "es"):
        response = self.post("/workers", {"phone": phone, "language": language})
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.get_json()["worker"]

    def contribute(self, *payments: tuple[str, int, str], key: str | None = None):
        body = {
            "contributions": [
                {"worker_phone": phone, "amount_cents": cents, "reference": reference}
                for phone, cents, reference in payments
            ]
        }
        return self.post("/contributions", body, key)


@pytest.fixture
def app(engine):
    app = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)))
    runtime = app.extensions["runtime"]
    runtime.print_notices = False
    yield app
    runtime.drain()
    runtime.close()


@pytest.fixture
def sessions(app):
    return app.extensions["runtime"].sessions


@pytest.fixture
def make_partner(app, sessions):
    def make(name: str = "Sparkle Cleaning", kind: str = "platform") -> Partner:
        def work(session):
            created = registry.create_partner(session, name, AccountKind(kind))
            return created.id, keys.issue_key(session, created)

        partner_id, key = run_in_transaction(sessions, work)
        return Partner(partner_id, name, key, app.test_client())

    return make


@pytest.fixture
def platform(make_partner):
    return make_partner("Sparkle Cleaning", "platform")


@pytest.fixture
def program(make_partner):
    return make_partner("City Care Fund", "program")


def count(sessions, model, *where) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def member_accepts(app, partner: Partner, phone: str = WORKER) -> None:
    """The partner enrols a member of the fund, and she says YES to it by text."""
    partner.enrol(phone)
    assert "will now add to your benefits fund" in Twilio(app).text(phone, "yes")
