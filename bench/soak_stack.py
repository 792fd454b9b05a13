"""The soak benchmark's stack (bench/soak.py): a PostgreSQL and a redis-server of its own, the
fake Twilio in this process, gunicorn and two `benefits-bot worker` processes, each restartable.

Child processes run in sessions of their own (Ctrl-C in the terminal reaches only the soak,
which then stops them), their output in log files of the run's temporary folder. A supervisor
restarts a gunicorn or worker that exits when nobody asked it to, as a process manager would,
and records it: such an exit is a finding of the run.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from bot.infra import migrate
from bot.infra.db import make_engine
from tests.fake_twilio import FakeTwilio
from tests.private_services import PrivatePostgres, PrivateRedis, free_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PUBLIC_BASE_URL = "https://fund.example.org"
AUTH_TOKEN = "soak-auth-token-not-secret"  # a private stack's token
ACCOUNT_SID = "AC" + "b" * 32
SMS_FROM = "+15005550006"
SERVICE_VARIABLES = (  # never inherited from the caller's environment
    "DATABASE_URL", "REDIS_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_FROM",
    "TWILIO_WHATSAPP_FROM", "TWILIO_API_BASE_URL", "PUBLIC_BASE_URL", "SPOOL_DIR",
    "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY", "INBOUND_LIMIT", "NOTICE_RETRY_SECONDS",
)  # fmt: skip

Log = Callable[[str], None]


class Child:
    """One service process: started in a session of its own, output appended to a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.planned_down = False  # set while the soak itself stops or restarts it
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def exited(self) -> int | None:
        """Its exit code if it has exited, else None."""
        return None if self.process is None else self.process.poll()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 45) -> int | None:
        """Send the signal to its whole process group; SIGKILL if it outlives the timeout."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=10)

    def kill_leftovers(self) -> None:
        """SIGKILL whatever is left of its process group (an RQ work horse, say)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


@dataclass
class UnplannedExit:
    """A service process that exited when nobody asked it to."""

    name: str
    code: int
    at: float  # time.time()


class Stack:
    """Everything the soak runs against; `close` tears it all down, whatever state it is in."""

    def __init__(self, folder: Path, log: Log, gunicorn_workers: int = 2, threads: int = 4) -> None:
        self.folder = folder
        self.log = log
        self.gunicorn_workers = gunicorn_workers
        self.threads = threads
        self.postgres: PrivatePostgres | None = None
        self.redis: PrivateRedis | None = None
        self.fake: FakeTwilio | None = None
        self.port = free_port()
        self.env: dict[str, str] = {}
        self.web: Child | None = None
        self.workers: list[Child] = []
        self.unplanned: list[UnplannedExit] = []
        self._stop_supervising = threading.Event()
        self._supervisor: threading.Thread | None = None

    # -- start and stop ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        assert self.postgres is not None
        return self.postgres.url

    def start(self) -> None:
        self.postgres = PrivatePostgres()
        self.postgres.start()
        engine = make_engine(self.postgres.url)
        migrate.upgrade(engine)
        engine.dispose()
        (self.folder / "redis").mkdir()
        self.redis = PrivateRedis(self.folder / "redis")
        self.redis.start()
        self.fake = FakeTwilio().start()
        self.env = self._environment()
        self.log(
            f"postgres on :{self.postgres.port}, redis on :{self.redis.port}, "
            f"fake twilio at {self.fake.base_url}, logs in {self.folder}"
        )
        self.web = Child("gunicorn", self._gunicorn_command(), self.env, self.folder / "web.log")
        self.start_web()
        for number in (1, 2):
            worker = Child(
                f"worker-{number}",
                [str(VENV_BIN / "benefits-bot"), "worker"],
                self.env,
                self.folder / f"worker-{number}.log",
            )
            worker.start()
            self.workers.append(worker)
        self._supervisor = threading.Thread(target=self._supervise, daemon=True, name="supervisor")
        self._supervisor.start()

    def _environment(self) -> dict[str, str]:
        assert self.postgres is not None and self.redis is not None and self.fake is not None
        env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "DATABASE_URL": self.postgres.url,
                "REDIS_URL": self.redis.url,
                "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "TWILIO_SMS_FROM": SMS_FROM,
                "TWILIO_API_BASE_URL": self.fake.base_url,
                "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                "SPOOL_DIR": str(self.folder / "spool"),
                "DAY_OFF_CENTS": "1000",
                "HALF_DAY_OFF_CENTS": "500",
                # No monthly premiums: the clock's first tick would charge them mid-run.
                "INSURANCE_PREMIUMS_CENTS": "",
                "LOG_FORMAT": "json",
                "LOG_LEVEL": "INFO",
            }
        )
        return env

    def _gunicorn_command(self) -> list[str]:
        return [
            str(VENV_BIN / "gunicorn"),
            "--config", "python:bot.ops.gunicorn_config",
            "--bind", f"127.0.0.1:{self.port}",
            # Not the default ~/.gunicorn/gunicorn.ctl, which every gunicorn here would share.
            "--control-socket", str(self.folder / "gunicorn.ctl"),
            "--workers", str(self.gunicorn_workers),
            "--threads", str(self.threads),
            "bot.app:create_app()",
        ]  # fmt: skip

    def start_web(self, timeout: float = 90) -> None:
        assert self.web is not None
        self.web.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthz() is not None:
                return
            if self.web.exited() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.web.exited()}: see {self.web.log_path}"
                )
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def close(self) -> None:
        """Stop every service; PostgreSQL's folder goes with it (the run's folder stays)."""
        self._stop_supervising.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        steps: list[Callable[[], object]] = []
        for child in [*self.workers, *([self.web] if self.web else [])]:
            child.planned_down = True
            steps += [lambda c=child: c.stop(signal.SIGTERM, timeout=20), child.kill_leftovers]
        for service in (self.fake, self.redis):
            if service is not None:
                steps.append(service.stop)
        if self.postgres is not None:
            steps.append(self.postgres.destroy)
        for step in steps:  # each one, whatever the others did
            try:
                step()
            except Exception as error:
                self.log(f"teardown: {error!r}")

    # -- looking at it -------------------------------------------------------------------

    def healthz(self) -> dict | None:
        """/healthz's JSON (200 or 503), or None if gunicorn does not answer."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                return json.loads(error.read())
            except ValueError:
                return None
        except (OSError, ValueError):
            return None

    def spool_waiting(self) -> int | None:
        """Messages waiting in the spool (Redis and disk) as /healthz reports them; None if
        gunicorn or Redis does not answer."""
        health = self.healthz()
        if health is None:
            return None
        counts = list(health.get("spool", {}).get("waiting", {}).values())
        if not all(isinstance(count, int) for count in counts):
            return None  # Redis did not answer: its depth is unknown, not zero
        return sum(counts)

    def redis_client(self) -> Redis:
        assert self.redis is not None
        return Redis.from_url(self.redis.url, socket_timeout=5, socket_connect_timeout=5)

    def spool_set_aside(self) -> tuple[int | None, int]:
        """Spooled messages our code failed on and set aside: (in Redis, on disk)."""
        in_redis = None
        client = self.redis_client()
        try:
            in_redis = int(client.llen("spool:failed"))
        except RedisError:
            pass
        finally:
            client.close()
        failed_file = self.folder / "spool" / "failed.jsonl"
        on_disk = len(failed_file.read_bytes().splitlines()) if failed_file.exists() else 0
        return in_redis, on_disk

    # -- restarts --------------------------------------------------------------------------

    def restart_postgres(self, down_seconds: float = 0.0) -> None:
        """PrivatePostgres.restart (fast shutdown, start), down a while in between if asked."""
        assert self.postgres is not None
        if down_seconds <= 0:
            self.postgres.restart()
            return
        self.postgres.stop()
        time.sleep(down_seconds)
        self.postgres.start()

    def restart_redis(self, down_seconds: float = 3.0) -> None:
        assert self.redis is not None
        self.redis.stop()
        time.sleep(down_seconds)
        self.redis.start()

    def restart_web(self) -> int | None:
        """SIGTERM gunicorn (graceful: in-flight requests finish), wait, start it again."""
        assert self.web is not None
        with self.web.lock:
            self.web.planned_down = True
            code = self.web.stop(signal.SIGTERM, timeout=45)
            self.web.kill_leftovers()
            self.start_web()
            self.web.planned_down = False
        return code

    def kill_worker(self, index: int, down_seconds: float = 2.0) -> int | None:
        """SIGKILL one `benefits-bot worker` and its work horse, as a crash would; start again."""
        worker = self.workers[index]
        with worker.lock:
            worker.planned_down = True
            code = worker.stop(signal.SIGKILL, timeout=10)
            worker.kill_leftovers()
            time.sleep(down_seconds)
            worker.start()
            worker.planned_down = False
        return code

    def _supervise(self) -> None:
        while not self._stop_supervising.wait(1.0):
            for child in [*([self.web] if self.web else []), *self.workers]:
                if child.planned_down or not child.lock.acquire(blocking=False):
                    continue
                try:
                    code = child.exited()
                    if code is None or child.planned_down or self._stop_supervising.is_set():
                        continue
                    self.unplanned.append(UnplannedExit(child.name, code, time.time()))
                    self.log(
                        f"UNPLANNED EXIT: {child.name} (pid {child.pid}) exited with {code}; "
                        f"restarting it (see {child.log_path.name})"
                    )
                    child.kill_leftovers()
                    if child is self.web:
                        self.start_web()
                    else:
                        child.start()
                except Exception as error:  # keep supervising whatever happens
                    self.log(f"supervisor: could not restart {child.name}: {error}")
                finally:
                    child.lock.release()

    def remove_folder(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
