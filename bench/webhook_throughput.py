"""Signed inbound BALANCE messages per second through gunicorn on PostgreSQL, against a bare app.

Both apps run under the same gunicorn settings on loopback; wrk (Debian's package) sends the
same pre-signed requests, each with its own MessageSid, at 32 concurrent connections. Prints
requests per second, p50/p99 latency, and the ratio of the service to the bare Flask app.
Targets: ratio >= 0.35, p99 < 100 ms.

    .venv/bin/python bench/webhook_throughput.py [--seconds 20] [--connections 32]
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import membership, migrate  # noqa: E402
from bot.db import make_engine, make_session_factory, run_in_transaction  # noqa: E402
from bot.ledger import contribute  # noqa: E402
from bot.webhook import DEV_AUTH_TOKEN  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PATH = "/webhooks/twilio/messages"
WORKERS = 200
LUA = """
local requests = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do
    local signature, body = line:match("^(%S+) (.*)$")
    requests[#requests + 1] = {signature = signature, body = body}
  end
  i = math.random(#requests)
end
request = function()
  i = i % #requests + 1
  local r = requests[i]
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                   ["X-Twilio-Signature"] = r.signature}
  return wrk.format("POST", "/webhooks/twilio/messages", headers, r.body)
end
"""


def seed(url: str) -> list[str]:
    """Workers with a little money, so that BALANCE does its real work."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    phones = [f"+1212555{n:04d}" for n in range(WORKERS)]

    def work(session: Session) -> None:
        household = membership.enrol_household(
            session, "+13125550100", time_zone="America/New_York"
        )
        for n, phone in enumerate(phones):
            worker = membership.enrol_worker(
                session, phone, time_zone="America/New_York", name=f"W{n}"
            )
            contribute(
                session,
                key=f"seed:{n}",
                contributor_account_id=household.account_id,
                worker_account_id=worker.account_id,
                amount_cents=500 * (n % 40 + 1),
            )

    run_in_transaction(sessions, work)
    engine.dispose()
    return phones


def requests_file(port: int, phones: list[str], count: int, folder: Path) -> Path:
    """Pre-signed form bodies, one per line, each with a fresh MessageSid."""
    from urllib.parse import urlencode  # noqa: PLC0415

    validator = RequestValidator(DEV_AUTH_TOKEN)
    url = f"http://127.0.0.1:{port}{PATH}"
    path = folder / f"requests-{port}.txt"
    with path.open("w") as out:
        for n in range(count):
            form = {
                "MessageSid": "SM" + secrets.token_hex(16),
                "AccountSid": "AC" + "1" * 32,
                "From": phones[n % len(phones)],
                "To": "+15005550006",
                "Body": "BALANCE",
                "NumMedia": "0",
            }
            out.write(f"{validator.compute_signature(url, form)} {urlencode(form)}\n")
    return path


def gunicorn(
    app: str, port: int, env: dict[str, str], workers: int, threads: int
) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--log-level", "warning",
        app,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError as error:
            if getattr(error, "code", None) == 404:  # the bare app has no /healthz: it is up
                return process
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn on {port} did not start")


def run_wrk(
    port: int, requests: Path, seconds: int, connections: int, folder: Path
) -> dict[str, float]:
    script = folder / "signed.lua"
    script.write_text(LUA)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}", "--", str(requests)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": _millis(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        "p99_ms": _millis(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        "errors": float(non_2xx.group(1)) if non_2xx else 0.0,
    }


def _millis(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install -y wrk")
    name = f"bench_webhook_{os.getpid()}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        phones = seed(url)
        folder = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
        count = 3000 * args.seconds
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        env.pop("REDIS_URL", None)
        env.pop("TWILIO_AUTH_TOKEN", None)
        results = {}
        for label, app, port in (
            ("bare", "bench.bare_app:create_app()", 18081),
            ("service", "bot.app:create_app()", 18082),
        ):
            requests = requests_file(port, phones, count, folder)
            server = gunicorn(app, port, env, args.workers, args.threads)
            processes.append(server)
            run_wrk(port, requests, 3, args.connections, folder)  # warm up
            results[label] = run_wrk(port, requests, args.seconds, args.connections, folder)
            server.terminate()
            server.wait(timeout=30)
        ratio = results["service"]["rps"] / results["bare"]["rps"]
        print(json.dumps(results, indent=2))
        service, bare = results["service"], results["bare"]
        print(f"gunicorn gthread, {args.workers}x{args.threads}, {args.connections} connections")
        for label, figures in (("bare Flask", bare), ("signed BALANCE", service)):
            print(
                f"{label:>15}: {figures['rps']:8.0f} req/s  "
                f"p50 {figures['p50_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms"
            )
        print(f"ratio service/bare = {ratio:.2f} (target >= 0.35: {_met(ratio >= 0.35)})")
        p99 = service["p99_ms"]
        print(f"service p99 = {p99:.1f} ms (target < 100 ms: {_met(p99 < 100)})")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
