"""`benefits-bot serve` without REDIS_URL runs the clock's jobs too (DESIGN: one command runs
everything on a laptop): a first contribution brings the insurance offer with no worker running,
and of gunicorn's workers only one ticks."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from tests.bot.test_server import ROOT, free_port
from tests.bot.webhook_client import PATH, new_sid, reply_of

TOKEN = "serve-clock-test-token"
MARIA = "+12125550123"
ANA = "+12125550199"
# The real command, with a one-second clock so that the test need not wait out 15 s ticks.
SERVE = "from bot.ops import clock\nclock.TICK_SECONDS = 1\nfrom bot.cli import main\nmain()\n"


@pytest.fixture
def laptop_server(tmp_path: Path, sqlite_url: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": sqlite_url, "TWILIO_AUTH_TOKEN": TOKEN}
    env.update(TMPDIR=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path), LOG_FORMAT="json")
    for name in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "INSURANCE_PREMIUMS_CENTS"):
        env.pop(name, None)
    log_path = tmp_path / "stderr.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, "serve", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url), 60, "serve to answer")
        yield {"url": url, "process": process, "log": log_path, "tmp": tmp_path}
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5):
            return True
    except OSError:
        return False


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds:.0f} s for {what}")
        time.sleep(0.2)


def text(url: str, sender: str, body: str) -> str:
    """A message as Twilio posts it: form-encoded, signed with the account's token."""
    form = {"MessageSid": new_sid(), "From": sender, "To": "+15005550006", "Body": body}
    signature = RequestValidator(TOKEN).compute_signature(url + PATH, form)
    request = urllib.request.Request(
        url + PATH,
        data=urllib.parse.urlencode(form).encode(),
        headers={"X-Twilio-Signature": signature},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return reply_of(response.read().decode())


def offers(database: str) -> list[str]:
    with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
        rows = connection.execute(
            "SELECT body FROM outbound_messages WHERE kind = 'insurance_offer'"
        ).fetchall()
    return [body for (body,) in rows]


def test_serve_without_redis_offers_insurance_after_a_first_contribution(
    laptop_server, sqlite_url: str
) -> None:
    url = laptop_server["url"]
    for said in ("hi", "1", "yes", "Maria", "ADD (212) 555-0199 Ana"):
        text(url, MARIA, said)
    assert "Thank you" in text(url, ANA, "yes")
    assert "asked Ana to confirm $5.00" in text(url, MARIA, "done")
    assert offers(sqlite_url) == []  # no money in yet: nothing to offer
    assert "$5.00 added" in text(url, ANA, "yes")

    wait_for(lambda: offers(sqlite_url) != [], 30, "the insurance offer (no worker runs)")
    assert "life" in offers(sqlite_url)[0].lower()

    process = laptop_server["process"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0  # the clock thread let the server stop
    records = [json.loads(line) for line in laptop_server["log"].read_text().splitlines()]
    runs = [r["message"] for r in records if "this web worker" in r["message"]]
    assert len(runs) == 1, runs  # two web workers, one clock
    assert not [r for r in records if r["level"] in ("ERROR", "CRITICAL")]
    assert len(offers(sqlite_url)) == 1
    assert not list(laptop_server["tmp"].glob("benefits-bot-clock-*.lock"))  # removed on exit
