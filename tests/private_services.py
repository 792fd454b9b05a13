"""A PostgreSQL and a redis-server of a test's (or a benchmark's) own, that it may stop and
start at will without disturbing the shared servers."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path | None:
    """Where Debian keeps initdb and pg_ctl (the newest version), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """initdb into a folder of its own; start, stop and restart on a free port.

    PostgreSQL refuses to run as root, so as root it runs as the postgres user."""

    def __init__(self) -> None:
        binaries = postgres_bin()
        if binaries is None:
            raise RuntimeError("PostgreSQL's server binaries are not installed")
        self.bin = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="benefits-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.started = False  # once started, it keeps its port: clients reconnect to it
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres?connect_timeout=2"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        """Start the server; before its first start, on another free port if another process
        took this one meanwhile (free_port only found it free a moment ago)."""
        log = self.folder / "log"
        for attempt in (1, 2, 3):
            written = log.stat().st_size if log.exists() else 0
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(log),
                          "-w", "-t", "60", "start")  # fmt: skip
            except subprocess.CalledProcessError as error:
                said = log.read_bytes()[written:].decode(errors="replace") if log.exists() else ""
                if self.started or attempt == 3 or "could not bind" not in said:
                    raise RuntimeError(f"PostgreSQL did not start; its log:\n{said}") from error
                self.port = free_port()
                continue
            self.started = True
            return

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A redis-server on a free port, keeping nothing on disk unless `appendonly`."""

    def __init__(self, folder: str | os.PathLike[str], appendonly: bool = False) -> None:
        self.folder = folder
        self.appendonly = appendonly
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.started = False  # once started, it keeps its port: clients reconnect to it

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server; before its first start, on another free port if another process
        (a parallel test worker's own server) took this one meanwhile."""
        for _attempt in (1, 2, 3):
            if self._start_once():
                self.started = True
                return
            if self.started:
                break  # clients know this port: it must not move
            self.port = free_port()
        raise RuntimeError(f"private redis-server did not start on port {self.port}")

    def _start_once(self) -> bool:
        """Whether the server we started answers on the port (not some other one there)."""
        process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.appendonly else "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.process = process
        for _ in range(100):
            if process.poll() is not None:
                return False  # it exited: most likely the port was taken
            try:
                with Redis.from_url(self.url) as client:
                    answered = client.info("server")["process_id"]
            except RedisError:
                time.sleep(0.05)
                continue
            if answered == process.pid:
                return True
            time.sleep(0.05)  # someone else's server: ours will exit shortly
        process.terminate()
        process.wait(timeout=10)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
