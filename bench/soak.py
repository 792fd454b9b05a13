"""Soak: mixed traffic from a few thousand simulated people for ten minutes through gunicorn,
RQ workers, PostgreSQL and Redis, with one restart of each service along the way.

    PYTHONPATH=/work/main .venv/bin/python bench/soak.py [--minutes 10] [--people 3000] \
        [--clients 16] [--think S] [--pg-down 5] [--settle-timeout 900] [--keep-logs]

PYTHONPATH must hold the repository's root: the soak imports `tests.private_services` (its
own PostgreSQL and redis-server, which it may stop and start) and `tests.fake_twilio`.

The stack (bench/soak_stack.py): a private PostgreSQL (initdb'd and migrated with
bot.infra.migrate.upgrade), a private redis-server, the fake Twilio REST API in this process,
`gunicorn --config python:bot.ops.gunicorn_config --workers 2 --threads 4 'bot.app:create_app()'`
as in the Procfile (plus a bind, and a control socket in the run's folder), and two
`benefits-bot worker` processes (RQ workers, their scheduler, and the clock that sweeps
notices and drains the spool). Environment: DATABASE_URL, REDIS_URL, TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN, TWILIO_SMS_FROM, TWILIO_API_BASE_URL (the fake), PUBLIC_BASE_URL,
SPOOL_DIR (in the run's temporary folder), DAY_OFF_CENTS=1000 and HALF_DAY_OFF_CENTS=500 (so
that days off are booked after two visits) and INSURANCE_PREMIUMS_CENTS="" (no monthly
premium charged mid-run). INBOUND_LIMIT keeps its default (20/600): the traffic stays under
it instead.

The traffic (bench/soak_traffic.py): people // 2 worker/household pairs, each texting in order
with `--think` seconds between its messages on average, served by `--clients` threads;
joins, invitations, visits and their confirmations (contributions), balances, days off,
Spanish speakers, ~5% duplicate deliveries, all signed like Twilio signs them.

Restarts, logged with their time: at 20% of the run PostgreSQL (PrivatePostgres.stop, down
`--pg-down` seconds, 5 by default so that the spool takes the strain, then start;
`--pg-down 0` is PrivatePostgres.restart itself), at 40% Redis (stopped for 3 s, started
empty: it keeps nothing on disk), at 60% gunicorn (SIGTERM, wait, start again: clients see
refused connections and retry), at 80% one RQ worker (SIGKILL to its process group, as in a
crash, then started again). A service process that exits on its own is restarted by a
supervisor, as a process manager would, and reported as UNPLANNED.

At the end: traffic stops; the soak waits until /healthz reports an empty spool and no
notice is pending or sending; then it prints the figures, the output of
`benefits-bot ledger check`, LOST (posted MessageSids never processed) and DOUBLED (processed
twice, or a notice sent twice to Twilio). Exit status 1 if either is not zero, the ledger
check fails, or the stack did not settle. Everything is torn down, on Ctrl-C and errors too.
"""

import argparse
import contextlib
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soak_stack import AUTH_TOKEN, PUBLIC_BASE_URL, VENV_BIN, Stack  # noqa: E402
from soak_traffic import LIMIT, WINDOW, Message, Traffic, count_outcomes  # noqa: E402
from sqlalchemy import Engine, func, select  # noqa: E402

from bot.infra.db import make_engine  # noqa: E402
from bot.models import InboundMessage, OutboundMessage, OutboundStatus  # noqa: E402

RECOVERY = 10.0  # seconds after a restart still counted in its window, for latencies
PROGRESS_EVERY = 15.0


class Clock:
    """Times relative to the start of traffic, for the log."""

    def __init__(self) -> None:
        self.zero = time.time()

    def stamp(self, at: float | None = None) -> str:
        seconds = (time.time() if at is None else at) - self.zero
        sign = "-" if seconds < 0 else "+"
        minutes, rest = divmod(abs(seconds), 60)
        return f"t{sign}{int(minutes):02d}:{rest:04.1f}"

    def log(self, text: str) -> None:
        print(f"[{self.stamp()}] {text}", flush=True)


@dataclass
class Restart:
    """One planned restart: what, when it began and ended, what it found."""

    name: str
    began: float
    ended: float = 0.0
    note: str = ""


@dataclass
class Chaos:
    """Restarts each service once, at set fractions of the run."""

    stack: Stack
    clock: Clock
    minutes: float
    pg_down: float = 5.0
    skip: tuple[str, ...] = ()
    stop: threading.Event = field(default_factory=threading.Event)
    done: list[Restart] = field(default_factory=list)
    thread: threading.Thread | None = None

    def plan(self) -> list[tuple[float, str, Callable[[], str]]]:
        plan = [
            (0.2, "postgres", "postgres restart", self._postgres),
            (0.4, "redis", "redis stop + start", self._redis),
            (0.6, "gunicorn", "gunicorn restart (SIGTERM, start)", self._web),
            (0.8, "worker", "rq worker-1 killed (SIGKILL), started", self._worker),
        ]
        return [(at, name, action) for at, key, name, action in plan if key not in self.skip]

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True, name="chaos")
        self.thread.start()

    def join(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=120)

    def _run(self) -> None:
        for fraction, name, action in self.plan():
            at = self.clock.zero + fraction * self.minutes * 60
            if self.stop.wait(max(0.0, at - time.time())):
                return
            waiting = self.stack.spool_waiting()
            restart = Restart(name, time.time())
            self.clock.log(f"RESTART {name}: begins (spool waiting: {waiting})")
            try:
                restart.note = action()
            except Exception as error:
                restart.note = f"FAILED: {error!r}"
            restart.ended = time.time()
            self.done.append(restart)
            took = restart.ended - restart.began
            self.clock.log(f"RESTART {name}: done in {took:.1f} s {restart.note}".rstrip())

    def _postgres(self) -> str:
        self.stack.restart_postgres(self.pg_down)
        return f"(down {self.pg_down:g} s)" if self.pg_down > 0 else ""

    def _redis(self) -> str:
        self.stack.restart_redis(down_seconds=3.0)
        return "(down 3 s, back empty)"

    def _web(self) -> str:
        code = self.stack.restart_web()
        return f"(old master exited with {code})"

    def _worker(self) -> str:
        code = self.stack.kill_worker(0, down_seconds=2.0)
        return f"(exit {code}, down 2 s)"


@dataclass
class SpoolWatch:
    """Samples /healthz's spool depth every two seconds, to tell how long it took to drain."""

    stack: Stack
    samples: list[tuple[float, int | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True, name="spool-watch")
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(2.0):
            self.samples.append((time.time(), self.stack.spool_waiting()))

    def join(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def latest(self) -> int | None:
        return self.samples[-1][1] if self.samples else None

    def episodes(self) -> list[tuple[float, float | None, int]]:
        """(first seen non-empty, seen empty again or None, peak) for each backlog."""
        found: list[tuple[float, float | None, int]] = []
        began: float | None = None
        peak = 0
        for at, depth in self.samples:
            if depth is None:
                continue
            if depth > 0:
                began = at if began is None else began
                peak = max(peak, depth)
            elif began is not None:
                found.append((began, at, peak))
                began, peak = None, 0
        if began is not None:
            found.append((began, None, peak))
        return found


def unsent(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count())
            .select_from(OutboundMessage)
            .where(OutboundMessage.status.in_((OutboundStatus.PENDING, OutboundStatus.SENDING)))
        )


def settle(stack: Stack, engine: Engine, clock: Clock, timeout: float) -> tuple[bool, float]:
    """Wait until the spool is empty and no notice is pending or sending (twice in a row)."""
    began = time.monotonic()
    calm = 0
    last_note = 0.0
    waiting: int | None = None
    pending: int | None = None
    while time.monotonic() - began < timeout:
        waiting = stack.spool_waiting()
        try:
            pending = unsent(engine)
        except Exception:
            pending = None
        calm = calm + 1 if waiting == 0 and pending == 0 else 0
        if calm >= 2:
            return True, time.monotonic() - began
        if time.monotonic() - last_note >= 15:
            clock.log(f"settling: spool waiting {waiting}, notices pending/sending {pending}")
            last_note = time.monotonic()
        time.sleep(2)
    clock.log(f"NOT SETTLED after {timeout:.0f} s: spool waiting {waiting}, unsent {pending}")
    return False, time.monotonic() - began


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency_line(values: list[float]) -> str:
    if not values:
        return "no requests"
    return (
        f"p50 {percentile(values, 0.5) * 1000:.0f} ms, p99 {percentile(values, 0.99) * 1000:.0f} ms"
        f" ({len(values)} requests)"
    )


def scan_log(path: Path) -> tuple[Counter[str], Counter[str]]:
    """(spool lines by store, error lines by logger and message) in a service's log."""
    kept: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    if not path.exists():
        return kept, errors
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if "spool" in line and "kept in the" in line:
                kept["redis" if "kept in the redis spool" in line else "file"] += 1
            try:
                record = json.loads(line)
            except ValueError:
                if "Traceback" in line or " ERROR " in line or "Error" in line[:40]:
                    errors[line.strip()[:110]] += 1
                continue
            if isinstance(record, dict) and record.get("level") in ("ERROR", "CRITICAL"):
                errors[f"{record.get('logger')}: {str(record.get('message'))[:110]}"] += 1
    return kept, errors


def ledger_check(env: dict[str, str]) -> tuple[int, str]:
    result = subprocess.run(
        [str(VENV_BIN / "benefits-bot"), "ledger", "check"],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    # Keep the command's own words; drop JSON log lines.
    said = [line for line in lines if not line.lstrip().startswith("{")] or lines
    return result.returncode, "\n".join(said[-20:])


def outbox_id(callback: str | None) -> int | None:
    values = parse_qs(urlparse(callback or "").query).get("outbox")
    return int(values[0]) if values else None


def report(
    stack: Stack,
    engine: Engine,
    traffic: Traffic,
    chaos: Chaos,
    clock: Clock,
    watch: SpoolWatch,
    settled: tuple[bool, float],
    args: argparse.Namespace,
) -> int:
    messages: list[Message] = list(traffic.tally.messages)
    posted = {message.sid for message in messages}
    by_sid = {message.sid: message for message in messages}
    deliveries = [d for message in messages for d in message.deliveries]
    outcomes = count_outcomes(messages)
    failures = {k: v for k, v in outcomes.items() if k != "ok"}
    duplicates = Counter(message.duplicate for message in messages if message.duplicate)
    answered = [d for d in deliveries if d.outcome == "ok" or d.outcome.startswith("http")]
    kinds = Counter(d.reply_kind for d in deliveries if d.outcome == "ok")
    kept_messages = sum(
        1 for message in messages if any(d.reply_kind == "kept" for d in message.deliveries)
    )
    mismatched = sum(
        1
        for message in messages
        if len(message.deliveries) == 2
        and all(d.outcome == "ok" and d.reply_kind == "reply" for d in message.deliveries)
        and message.deliveries[0].reply != message.deliveries[1].reply
    )
    windows = [(r.began, r.ended + RECOVERY) for r in chaos.done]

    def inside(started: float, seconds: float) -> bool:
        return any(started < end and started + seconds > begin for begin, end in windows)

    calm = [d.seconds for d in answered if not inside(d.started, d.seconds)]
    stormy = [d.seconds for d in answered if inside(d.started, d.seconds)]

    with engine.connect() as connection:
        processed = Counter(
            dict(
                connection.execute(
                    select(InboundMessage.message_sid, func.count()).group_by(
                        InboundMessage.message_sid
                    )
                ).all()
            )
        )
        statuses = Counter(
            dict(
                connection.execute(
                    select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
                ).all()
            )
        )
        kinds_db = Counter(
            dict(
                connection.execute(
                    select(OutboundMessage.kind, func.count()).group_by(OutboundMessage.kind)
                ).all()
            )
        )
        late_replies = set(
            connection.scalars(
                select(OutboundMessage.dedupe_key).where(OutboundMessage.kind == "reply")
            )
        )
        handed = set(
            connection.scalars(
                select(OutboundMessage.id).where(OutboundMessage.twilio_sid.is_not(None))
            )
        )
    assert stack.fake is not None
    with stack.fake.lock:
        sent = list(stack.fake.sent)
    per_notice = Counter(outbox_id(message.status_callback) for message in sent)
    notices_twice = {k: v for k, v in per_notice.items() if k is not None and v > 1}
    untagged = per_notice.pop(None, 0)
    lost = posted - set(processed)
    doubled = {sid for sid, count in processed.items() if count > 1}
    strangers = set(processed) - posted
    # A message answered in the webhook's reply and *also* by a late reply notice.
    answered_twice = {
        sid
        for sid in posted
        if f"reply:{sid}" in late_replies
        and any(d.outcome == "ok" and d.reply_kind == "reply" for d in by_sid[sid].deliveries)
    }

    def lost_kind(sid: str) -> str:
        found = by_sid[sid].deliveries
        if all(d.outcome != "ok" for d in found):
            return "every delivery failed (" + ", ".join(d.outcome for d in found) + ")"
        return "answered " + "+".join(d.reply_kind or d.outcome for d in found)

    lost_kinds = Counter(lost_kind(sid) for sid in lost)
    set_aside = stack.spool_set_aside()
    web_kept, web_errors = scan_log(stack.folder / "web.log")
    worker_errors: Counter[str] = Counter()
    for number in (1, 2):
        worker_errors += scan_log(stack.folder / f"worker-{number}.log")[1]
    code, ledger_output = ledger_check(stack.env)
    seconds = traffic.seconds or 1.0

    print()
    print("=" * 78)
    print(
        f"SOAK: {traffic.people} people ({len(traffic.pairs)} worker/household pairs), "
        f"{args.clients} clients, {seconds / 60:.1f} min of traffic, think {args.think:.0f} s"
    )
    print("gunicorn 2 workers x 4 threads, 2 RQ workers, private PostgreSQL and Redis")
    print("restarts:")
    for restart in chaos.done:
        print(
            f"  {clock.stamp(restart.began)}  {restart.name:<40} "
            f"{restart.ended - restart.began:5.1f} s {restart.note}".rstrip()
        )
    for exit_ in stack.unplanned:
        print(f"  {clock.stamp(exit_.at)}  UNPLANNED exit of {exit_.name} (code {exit_.code})")
    print("spool backlogs (sampled every 2 s from /healthz):")
    for began, ended, peak in watch.episodes():
        until = clock.stamp(ended) if ended is not None else "never (until the end)"
        print(f"  from {clock.stamp(began)} to {until}, peak {peak} waiting")
    rows = [
        ("messages posted (unique MessageSids)", f"{len(posted)}"),
        (
            "duplicate deliveries (same MessageSid)",
            f"{sum(duplicates.values())} (concurrent {duplicates['concurrent']}, "
            f"sequential {duplicates['sequential']})",
        ),
        ("HTTP requests answered", f"{len(answered)}"),
        (
            "HTTP failures",
            f"{sum(failures.values())}" + (f" {dict(failures)}" if failures else ""),
        ),
        (
            "connections retried",
            f"refused {sum(d.refused for d in deliveries)}, "
            f"closed unanswered {sum(d.resets for d in deliveries)}",
        ),
        ("messages processed (inbound_messages)", f"{sum(processed.values())}"),
        (
            "spooled (kept for later)",
            f"{web_kept['redis'] + web_kept['file']} deliveries (web log: redis "
            f"{web_kept['redis']}, file {web_kept['file']}); {kept_messages} messages "
            "answered 'Got it...'",
        ),
        ("late answers (reply notices)", f"{kinds_db.get('reply', 0)}"),
        ("replies", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))),
        ("rate-limit deferrals (soak side)", f"{traffic.tally.deferred}"),
        ("latency, all requests", latency_line([d.seconds for d in answered])),
        (f"latency, outside restarts (+{RECOVERY:.0f} s)", latency_line(calm)),
        ("latency, inside restart windows", latency_line(stormy)),
        (
            "throughput",
            f"{len(answered) / seconds:.1f} requests/s, {len(posted) / seconds:.1f} messages/s",
        ),
        ("notices sent (fake twilio)", f"{len(sent)}"),
        ("notices by status (db)", ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))),
        ("notices by kind (db)", ", ".join(f"{k} {v}" for k, v in sorted(kinds_db.items()))),
        (
            "settled",
            f"{'yes' if settled[0] else 'NO'} after {settled[1]:.0f} s "
            "(spool empty, no notice pending/sending)",
        ),
        (
            "spool set aside (failed)",
            f"redis {set_aside[0] if set_aside[0] is not None else '?'}, file {set_aside[1]}",
        ),
        (
            "errors in logs",
            f"web {sum(web_errors.values())}, workers {sum(worker_errors.values())}",
        ),
    ]
    for label, value in rows:
        print(f"{label:<40}: {value}")
    for name, errors in (("web", web_errors), ("workers", worker_errors)):
        for text, count in errors.most_common(6):
            print(f"    {name} x{count}: {text}")
    print(f"ledger check (exit {code}):")
    for line in ledger_output.splitlines():
        print(f"    {line}")
    print(f"LOST    (posted, never processed)        : {len(lost)}")
    for text, count in lost_kinds.most_common(8):
        print(f"    x{count}: {text}")
    if lost:
        times = sorted(by_sid[sid].posted_at for sid in lost)
        print(f"    posted from {clock.stamp(times[0])} to {clock.stamp(times[-1])}")
    print(
        f"DOUBLED (processed twice / notice twice) : {len(doubled) + len(notices_twice)} "
        f"(MessageSids processed more than once {len(doubled)}, "
        f"notices sent more than once {len(notices_twice)})"
    )
    extras = [
        ("processed but never posted", len(strangers)),
        ("answered twice (TwiML reply and a late reply notice)", len(answered_twice)),
        ("notices without ?outbox= in their callback", untagged),
        ("rows with a Twilio sid the fake never saw", len(handed - set(per_notice))),
        ("duplicate deliveries answered differently", mismatched),
    ]
    for label, value in extras:
        if value:
            print(f"    note: {label}: {value}")
    ok = not lost and not doubled and not notices_twice and code == 0 and settled[0]
    print(f"target: 0 and 0 -> {'MET' if ok else 'NOT MET'}")
    print(f"(inbound limit {LIMIT}/{WINDOW} s kept by the soak; logs: {stack.folder})")
    print("=" * 78, flush=True)
    if args.samples and lost:
        for sid in sorted(lost)[: args.samples]:
            message = by_sid[sid]
            print(
                f"lost {sid} {message.phone} {message.body!r} at {clock.stamp(message.posted_at)}:"
            )
            for d in message.deliveries:
                print(f"    {d.outcome} {d.reply_kind} {d.reply[:80]!r} {clock.stamp(d.started)}")
    return 0 if ok else 1


def progress(
    stack: Stack, traffic: Traffic, clock: Clock, watch: SpoolWatch, last: list[int]
) -> None:
    posted, answers, recent = traffic.tally.snapshot()
    rate = (answers - last[0]) / PROGRESS_EVERY
    last[0] = answers
    assert stack.fake is not None
    with stack.fake.lock:
        notices = len(stack.fake.sent)
    clock.log(
        f"{posted} messages, {answers} answers, {rate:.1f} req/s, last minute "
        f"{latency_line(recent)}; spool waiting {watch.latest()}; notices sent {notices}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--think",
        type=float,
        default=None,
        help="mean seconds between a pair's messages (default: minutes*60/20, 5 to 30 s, so "
        "that a pair gets through about 20 messages: joining and two rounds of the rest)",
    )
    parser.add_argument(
        "--pg-down",
        type=float,
        default=5.0,
        help="seconds PostgreSQL stays stopped in its restart (0: PrivatePostgres.restart)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("postgres", "redis", "gunicorn", "worker"),
        help="leave this restart out (to tell apart what each one does); may repeat",
    )
    parser.add_argument("--settle-timeout", type=float, default=900.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=10, help="lost messages to describe")
    parser.add_argument("--keep-logs", action="store_true", help="keep the run's folder")
    args = parser.parse_args()
    if args.think is None:
        args.think = max(5.0, min(30.0, args.minutes * 60 / 20))
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    # Ctrl-C tears down even when started from a shell that made it ignored (background jobs).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    folder = Path(tempfile.mkdtemp(prefix="benefits-soak-"))
    clock = Clock()
    stack = Stack(folder, clock.log)
    traffic: Traffic | None = None
    engine: Engine | None = None
    chaos: Chaos | None = None
    watch = SpoolWatch(stack)
    keep = args.keep_logs
    try:
        clock.log("starting the stack")
        stack.start()
        engine = make_engine(stack.database_url, pool_size=2)
        traffic = Traffic(
            stack.base_url,
            AUTH_TOKEN,
            PUBLIC_BASE_URL,
            people=args.people,
            clients=args.clients,
            think=args.think,
            seed=args.seed,
        )
        clock = Clock()
        stack.log = clock.log
        clock.log(
            f"traffic starts: {traffic.people} people, {args.clients} clients, {args.minutes:g} min"
        )
        traffic.start()
        chaos = Chaos(stack, clock, args.minutes, pg_down=args.pg_down, skip=tuple(args.skip))
        chaos.start()
        watch.start()
        end = clock.zero + args.minutes * 60
        last = [0]
        while time.time() < end:
            time.sleep(min(PROGRESS_EVERY, max(0.0, end - time.time())))
            if time.time() < end - 1:
                progress(stack, traffic, clock, watch, last)
        clock.log("traffic stops; waiting for the messages in flight")
        traffic.stop()
        chaos.join()
        settled = settle(stack, engine, clock, args.settle_timeout)
        watch.join()
        status = report(stack, engine, traffic, chaos, clock, watch, settled, args)
        keep = keep or status != 0
        return status
    except KeyboardInterrupt:
        clock.log("interrupted: tearing down")
        return 130
    except SystemExit:
        clock.log("terminated: tearing down")
        raise
    finally:
        if traffic is not None:
            traffic.stop(timeout=30)
        if chaos is not None:
            chaos.join()
        watch.join()
        if engine is not None:
            engine.dispose()
        with contextlib.suppress(Exception):
            stack.close()
        if keep:
            print(f"logs kept in {folder}")
        else:
            stack.remove_folder()


if __name__ == "__main__":
    sys.exit(main())
