"""Signed inbound BALANCE messages per second through gunicorn on PostgreSQL, against a bare
app and against the floor.

Three apps run under the same gunicorn settings on loopback: a bare Flask app answering a
constant reply, the *floor* (bench/floor_app.py: the least honest work a BALANCE needs, hand
written: the signature check, then one transaction that claims the MessageSid, locks her row,
reads her balance and stores her state) and the service. wrk (Debian's package) sends the
same kind of pre-signed requests, each with its own MessageSid, at 32 concurrent connections,
to each in turn, round after round. Prints requests per second, p50/p99 latency, and the
ratios service/bare and service/floor.
Targets: service/bare >= 0.35, service/floor >= 0.8, p99 < 100 ms.

The per-number limits stay on (every message is counted) but with thresholds no run reaches,
so that every request does the whole work: a limited message skips the database and would
flatter the figures. After the run the bench checks that every answered request of the
service claimed its MessageSid in the database.

    .venv/bin/python bench/webhook_throughput.py [--seconds 20] [--connections 32]
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
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

from bot.channel.webhook import DEV_AUTH_TOKEN  # noqa: E402
from bot.fund import membership  # noqa: E402
from bot.infra import migrate  # noqa: E402
from bot.infra.db import make_engine, make_session_factory, run_in_transaction  # noqa: E402
from bot.ledger import contribute  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PATH = "/webhooks/twilio/messages"
WORKERS = 200
# Counted on every message, never reached: no message is answered without its real work.
UNREACHED_LIMITS = {
    "INBOUND_LIMIT": "1000000/600",
    "IDENTICAL_OUTBOUND_LIMIT": "1000000/3600",
    "DAILY_OUTBOUND_LIMIT": "1000000",
}
WRK_THREADS = 2
LUA = """
-- Each wrk thread sends its own share of the lines, in order, so that no MessageSid is sent
-- twice (a replay is cheaper than a first delivery) until a thread has used up its share.
local started = 0
setup = function(thread)
  thread:set("id", started)
  thread:set("threads", WRK_THREADS)
  started = started + 1
end
local requests = {}
local i = 0
init = function(args)
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == id then
      local signature, body = line:match("^(%S+) (.*)$")
      requests[#requests + 1] = {signature = signature, body = body}
    end
    n = n + 1
  end
end
request = function()
  i = i % #requests + 1
  local r = requests[i]
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                   ["X-Twilio-Signature"] = r.signature}
  return wrk.format("POST", "/webhooks/twilio/messages", headers, r.body)
end
""".replace("WRK_THREADS", str(WRK_THREADS))


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


def requests_file(port: int, phones: list[str], count: int, folder: Path, name: str) -> Path:
    """Pre-signed form bodies, one per line, each with a fresh MessageSid."""
    from urllib.parse import urlencode  # noqa: PLC0415

    validator = RequestValidator(DEV_AUTH_TOKEN)
    url = f"http://127.0.0.1:{port}{PATH}"
    path = folder / f"{name}-{port}.txt"
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
        ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(script), f"http://127.0.0.1:{port}", "--", str(requests)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = float(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": _millis(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        "p99_ms": _millis(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        "errors": float(non_2xx.group(1)) if non_2xx else 0.0,
        "requests": total,
    }


def claimed(url: str) -> tuple[int, list[int]]:
    """How many MessageSids the service has claimed so far, and the database's backends
    serving it (to read their CPU time)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM inbound_messages")).scalar_one()
        backends = connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalars()
        pids = [int(pid) for pid in backends]
    engine.dispose()
    return int(count), pids


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time these processes (every thread) have used, 0 for those gone.

    On a machine shared with other work, requests per second swing with everyone else's load;
    CPU seconds per request swing much less, and say what the service would do on cores of
    its own."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: subprocess.Popen[bytes]) -> list[int]:
    """The gunicorn master and its workers."""
    pids = [master.pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master.pid:  # ppid
            pids.append(int(stat.parent.name))
    return pids


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure bare, floor, service, bare, floor, service... and report the median "
        "ratios "
        "(on a shared machine, alternating keeps a busy moment from favouring one side)",
    )
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
        count = 4000 * args.seconds
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        env.pop("REDIS_URL", None)
        env.pop("TWILIO_AUTH_TOKEN", None)
        env.update(UNREACHED_LIMITS)
        apps = (  # free ports: another run of this bench on the machine must not answer ours
            ("bare", "bench.bare_app:create_app()", _free_port()),
            ("floor", "bench.floor_app:create_app()", _free_port()),
            ("service", "bot.app:create_app()", _free_port()),
        )
        for _label, app, port in apps:  # both up (an idle one costs nothing), warmed up
            processes.append(gunicorn(app, port, env, args.workers, args.threads))
            warm_up = requests_file(port, phones, 4000 * 3, folder, "warm-up")
            run_wrk(port, warm_up, 3, args.connections, folder)  # its own MessageSids
        rounds: list[dict[str, dict[str, float]]] = []
        for number in range(args.rounds):
            results = {}
            for (label, _app, port), server in zip(apps, processes, strict=True):
                requests = requests_file(port, phones, count, folder, f"requests-{number}")
                before, backends = claimed(url)
                pids = server_pids(server)
                app_cpu, db_cpu = cpu_seconds(pids), cpu_seconds(backends)
                figures = run_wrk(port, requests, args.seconds, args.connections, folder)
                app_cpu, db_cpu = cpu_seconds(pids) - app_cpu, cpu_seconds(backends) - db_cpu
                # wrk counts answers; requests cut off at the end may add a few claims
                figures["claimed"] = float(claimed(url)[0] - before)
                figures["app_cpu_ms"] = 1000 * app_cpu / max(figures["requests"], 1)
                figures["db_cpu_ms"] = 1000 * db_cpu / max(figures["requests"], 1)
                results[label] = figures
            service, bare, floor = results["service"], results["bare"], results["floor"]
            results["ratio"] = {
                "service/bare": service["rps"] / bare["rps"],
                "service/floor": service["rps"] / floor["rps"],
                "cpu bare/service": (bare["app_cpu_ms"] + bare["db_cpu_ms"])
                / (service["app_cpu_ms"] + service["db_cpu_ms"]),
                "cpu floor/service": (floor["app_cpu_ms"] + floor["db_cpu_ms"])
                / (service["app_cpu_ms"] + service["db_cpu_ms"]),
                "gunicorn cpu floor/service": floor["app_cpu_ms"] / service["app_cpu_ms"],
            }
            rounds.append(results)
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        print(json.dumps(rounds if args.rounds > 1 else rounds[0], indent=2))
        report(rounds, args)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(rounds: list[dict[str, dict[str, float]]], args: argparse.Namespace) -> None:
    """The median round (by ratio) and the targets; every round's ratios when there were several."""
    ordered = sorted(rounds, key=lambda r: r["ratio"]["service/bare"])
    middle = ordered[len(ordered) // 2]
    service, bare, floor = middle["service"], middle["bare"], middle["floor"]
    ratio = middle["ratio"]["service/bare"]
    print(f"gunicorn gthread, {args.workers}x{args.threads}, {args.connections} connections")
    if len(rounds) > 1:
        for name in ("service/bare", "service/floor"):
            ratios = ", ".join(f"{r['ratio'][name]:.3f}" for r in rounds)
            print(f"{name} of {len(rounds)} rounds: {ratios}")
        print("the median round by service/bare:")
    for label, figures in (("bare Flask", bare), ("floor", floor), ("signed BALANCE", service)):
        print(
            f"{label:>15}: {figures['rps']:8.0f} req/s  "
            f"p50 {figures['p50_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms  "
            f"CPU/request: gunicorn {figures['app_cpu_ms']:.2f} ms, "
            f"PostgreSQL {figures['db_cpu_ms']:.2f} ms"
        )
    print(f"ratio service/bare = {ratio:.2f} (target >= 0.35: {_met(ratio >= 0.35)})")
    to_floor = sorted(r["ratio"]["service/floor"] for r in rounds)[len(rounds) // 2]
    print(
        f"ratio service/floor = {to_floor:.2f} (median of rounds; target >= 0.8: "
        f"{_met(to_floor >= 0.8)})"
    )
    p99 = service["p99_ms"]
    print(f"service p99 = {p99:.1f} ms (target < 100 ms: {_met(p99 < 100)})")
    cpu = sorted(r["ratio"]["cpu bare/service"] for r in rounds)[len(rounds) // 2]
    print(
        f"server CPU per request, bare/service = {cpu:.3f} (median round; steadier than req/s "
        "on a shared machine; wrk's and the kernel's CPU are not counted)"
    )
    floor_cpu = sorted(r["ratio"]["cpu floor/service"] for r in rounds)[len(rounds) // 2]
    print(f"server CPU per request, floor/service = {floor_cpu:.3f} (median round)")
    app_cpu = sorted(r["ratio"]["gunicorn cpu floor/service"] for r in rounds)[len(rounds) // 2]
    print(
        f"gunicorn CPU per request, floor/service = {app_cpu:.3f} (median round; the Python "
        "work alone, what bench/webhook_cpu.py profiles)"
    )
    for label in ("service", "floor"):
        answered = sum(r[label]["requests"] for r in rounds)
        stored = sum(r[label]["claimed"] for r in rounds)
        errors = sum(r[label]["errors"] for r in rounds)
        print(f"{label} answered {answered:.0f} requests and claimed {stored:.0f} MessageSids")
        if stored < answered - errors:
            print(f"WARNING: some answers of the {label} did not claim their message")
    if any(r[label]["errors"] for r in rounds for label in ("service", "floor")):
        print("WARNING: non-2xx answers: the figures are not honest")


if __name__ == "__main__":
    main()
