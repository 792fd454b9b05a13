"""Metrics: /metrics is for the fund's scraper only, and the counters move when things happen."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from bot import ledger
from bot.app import create_app
from bot.infra import metrics
from bot.infra.config import ConfigError, Settings
from bot.infra.db import run_in_transaction
from bot.ledger import events
from bot.ops import observers
from tests.bot.webhook_client import Twilio
from tests.ledger.fund import open_fund

TOKEN = "s3cret-scraper-token-0123456789"
WORKER = "+12125550123"
HOUSEHOLD = "+12125550199"
ROOT = Path(__file__).resolve().parents[2]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def make_app(sqlite_url):
    apps = []

    def build(**overrides):
        app = create_app(Settings(database_url=sqlite_url, **overrides))
        app.extensions["runtime"].print_notices = False
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["runtime"].close()


def scrape(app, address="127.0.0.1", **headers):
    client = app.test_client()
    return client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})


# -- who may read them ---------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"])
def test_without_a_token_this_machine_may_read_them(make_app, address):
    response = scrape(make_app(), address)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    assert "benefits_inbound_messages_total" in response.get_data(as_text=True)


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.7", "2001:db8::1", ""])
def test_without_a_token_nobody_else_may(make_app, address):
    response = scrape(make_app(), address)
    assert response.status_code == 404
    assert "this machine only" in response.get_json()["error"]


def test_a_request_relayed_by_a_proxy_is_not_local(make_app):
    app = make_app()
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert scrape(app, **{header: "203.0.113.9"}).status_code == 404


def test_with_a_token_every_scrape_must_carry_it(make_app):
    app = make_app(metrics_token=TOKEN)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = scrape(app, **headers)  # from loopback too
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert "METRICS_TOKEN" in refused.get_json()["error"]
        assert "benefits_" not in refused.get_data(as_text=True)
    served = scrape(app, "203.0.113.9", Authorization=f"Bearer {TOKEN}")
    assert served.status_code == 200 and "benefits_notices_total" in served.get_data(as_text=True)


def test_openmetrics_when_the_scraper_asks_for_it(make_app):
    response = scrape(make_app(), Accept="application/openmetrics-text; version=1.0.0")
    assert response.content_type.startswith("application/openmetrics-text")
    assert response.get_data(as_text=True).endswith("# EOF\n")


def test_a_short_metrics_token_is_refused():
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        Settings.from_env({"METRICS_TOKEN": "short"})
    assert Settings.from_env({"METRICS_TOKEN": TOKEN}).metrics_token == TOKEN
    assert TOKEN not in repr(Settings.from_env({"METRICS_TOKEN": TOKEN}))


# -- labels stay bounded ---------------------------------------------------------------------


def test_unexpected_label_values_are_counted_as_other():
    before = sample("benefits_inbound_messages_total", channel="other", outcome="other")
    metrics.count_inbound(f"whatsapp:{WORKER}", WORKER)
    after = sample("benefits_inbound_messages_total", channel="other", outcome="other")
    assert after == before + 1
    metrics.count_ledger("Contribution of +12125550123", "posted")
    assert sample("benefits_ledger_requests_total", operation="other", outcome="posted") >= 1
    scraped = metrics.exposition(None)[0].decode()
    assert "2125550123" not in scraped


def test_the_api_counts_what_it_is_told():
    before = sample("benefits_inbound_messages_total", channel="whatsapp", outcome="spooled")
    metrics.count_inbound("whatsapp", "spooled")
    assert sample("benefits_inbound_messages_total", channel="whatsapp", outcome="spooled") == (
        before + 1
    )
    before = sample("benefits_replies_total", status="capped")
    metrics.count_reply("capped")
    assert sample("benefits_replies_total", status="capped") == before + 1
    before = sample("benefits_job_latency_seconds_count", job="notices.deliver")
    metrics.observe_job("notices.deliver", 0.2)
    assert sample("benefits_job_latency_seconds_count", job="notices.deliver") == before + 1


# -- the spool's depth ---------------------------------------------------------------------


@pytest.fixture
def spool_reader():
    saved = list(metrics._spool_readers)
    yield
    metrics._spool_readers[:] = saved


def test_the_spool_depth_is_read_at_scrape_time(make_app, spool_reader):
    depths = {"redis": 3, "file": 0}
    metrics.register_spool_depth(lambda: depths)
    app = make_app()
    text = scrape(app).get_data(as_text=True)
    assert 'benefits_spool_depth{store="redis"} 3.0' in text
    assert 'benefits_spool_depth{store="file"} 0.0' in text
    depths["redis"] = 7
    assert 'benefits_spool_depth{store="redis"} 7.0' in scrape(app).get_data(as_text=True)


def test_a_spool_that_cannot_be_read_does_not_break_the_scrape(make_app, spool_reader):
    def unreadable():
        raise ConnectionError("redis is down")

    metrics.register_spool_depth(unreadable)
    response = scrape(make_app())
    assert response.status_code == 200
    assert "benefits_spool_depth{" not in response.get_data(as_text=True)


# -- counters move -------------------------------------------------------------------------


def test_a_notice_recorded_without_twilio_is_counted(make_app):
    app = make_app()
    twilio = Twilio(app)
    before = sample("benefits_notices_total", status="recorded")
    for text in ("hi", "1", "yes", "Maria", f"add {HOUSEHOLD} Ana"):
        twilio.text(WORKER, text)
    app.extensions["runtime"].drain()
    assert sample("benefits_notices_total", status="recorded") == before + 1  # the invitation
    assert 'benefits_notices_total{status="recorded"}' in scrape(app).get_data(as_text=True)


def _ledger(operation: str, outcome: str) -> float:
    return sample("benefits_ledger_requests_total", operation=operation, outcome=outcome)


def test_ledger_requests_are_counted_by_outcome_once_committed(sessions):
    observers.count_ledger_answers()  # as the app, the worker and the commands do
    fund = open_fund(sessions)
    contribution = {
        "key": "visit:1",
        "contributor_account_id": fund.households[0],
        "worker_account_id": fund.workers[0],
        "amount_cents": 500,
    }
    before = {
        outcome: _ledger("contribution", outcome) for outcome in ("posted", "replayed", "conflict")
    }
    rejected = _ledger("day_off_reserve", "rejected")

    def contribute(session, **changes):
        return ledger.contribute(session, **(contribution | changes))

    run_in_transaction(sessions, contribute)
    assert _ledger("contribution", "posted") == before["posted"] + 1
    run_in_transaction(sessions, contribute)
    assert _ledger("contribution", "replayed") == before["replayed"] + 1
    with pytest.raises(ledger.IdempotencyConflict):
        run_in_transaction(sessions, lambda s: contribute(s, amount_cents=900))
    assert _ledger("contribution", "conflict") == before["conflict"] + 1

    refused = run_in_transaction(
        sessions,
        lambda session: ledger.reserve_day_off(
            session,
            key="day-off:1",
            worker_account_id=fund.workers[0],
            payouts_account_id=fund.payouts,
            amount_cents=12_000,
            day=date(2026, 12, 4),
        ),
    )
    assert not refused.applied
    assert _ledger("day_off_reserve", "rejected") == rejected + 1

    with sessions() as session:  # rolled back: the money never moved, nothing is counted
        contribute(session, key="visit:2")
        session.rollback()
    assert _ledger("contribution", "posted") == before["posted"] + 1


# -- one count across processes ------------------------------------------------------------


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_loading_the_code_loads_no_metrics_library_so_a_server_can_choose_its_mode():
    code = "import sys, bot.cli, bot.app, bot.ops.worker; print('prometheus_client' in sys.modules)"
    assert _python(code, {}).strip() == "False"


def test_with_a_multiprocess_directory_a_scrape_adds_up_every_process(tmp_path):
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        _python("from bot.infra import metrics; metrics.count_notice('sent')", env)
    scraped = _python(
        "from bot.infra import metrics; print(metrics.exposition(None)[0].decode())", env
    )
    assert 'benefits_notices_total{status="sent"} 2.0' in scraped


def test_the_metrics_know_every_answer_the_ledger_announces():
    assert metrics.LEDGER_OUTCOMES == (
        events.POSTED,
        events.REJECTED,
        events.REPLAYED,
        events.CONFLICT,
    )
