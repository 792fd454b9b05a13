"""The OpenAPI document, and schemathesis against it: no input it can make gets a 500."""

import secrets

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from bot.app import create_app
from bot.infra.config import Settings
from bot.infra.db import run_in_transaction
from bot.ledger import AccountKind
from bot.models import PartnerKey
from bot.partners import enrolment, openapi, registry
from bot.partners.keys import hash_key

# Not positive_data_acceptance: a phone number the schema allows is rarely a real one, and
# money goes only to workers the partner enrolled, so well-formed requests may still be 422.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    ignored_auth,
]


@pytest.fixture
def fuzzed(sqlite_engine):
    """The app on SQLite, with one program whose live key (KEY) the fuzzer sends."""
    app = create_app(Settings(database_url=sqlite_engine.url.render_as_string()))
    runtime = app.extensions["runtime"]
    runtime.print_notices = False

    def work(session):
        program = registry.create_partner(session, "City Care Fund", AccountKind.PROGRAM)
        session.add(PartnerKey(partner_id=program.id, prefix=KEY[4:16], secret_hash=hash_key(KEY)))
        # The worker of the document's examples, so that example payments reach the ledger.
        enrolment.enrol(session, runtime.settings, program, "+12125550123", "es")

    run_in_transaction(runtime.sessions, work)
    CURRENT.app = app
    yield app
    CURRENT.app = None
    runtime.drain()
    runtime.close()


# Known at import: schemathesis builds its coverage cases, auth included, when it collects.
KEY = f"bbk_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


class CurrentApp:
    """A WSGI app that hands each request to the app of the test that is running."""

    app: Flask | None = None

    def __call__(self, environ, start_response):
        assert self.app is not None, "no test app is running"
        return self.app(environ, start_response)


CURRENT = CurrentApp()
# Loaded from the document the app serves, at import: schemathesis's fixture-based loader does
# not run on pytest 9.2 (it reads a node attribute pytest removed). Cases go to the app in process.
schema = schemathesis.openapi.from_dict(openapi.document(Settings()))
schema.app = CURRENT


@schema.auth()
class PartnerKeyAuth:
    """The real key, on every case except those generated to go without one."""

    def get(self, case, context):
        return KEY

    def set(self, case, key, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    # One app and database for all of an operation's cases, on purpose: what earlier cases
    # wrote (workers, contributions, idempotency keys) is there for later ones to run into.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_generated_request_gets_a_server_error(case, fuzzed):
    case.call_and_validate(base_url="http://localhost/api/v1", checks=CHECKS)


def test_the_document_describes_every_route_and_the_fund_s_limit(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/workers",
        "/contributions",
        "/contributions/{contribution_id}",
        "/bonuses",
        "/openapi.json",
    }
    amount = document["components"]["schemas"]["ContributionIn"]["properties"]["amount_cents"]
    assert amount["maximum"] == 10_000
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<contribution_id>", "{contribution_id}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert routes == set(document["paths"])
