"""gunicorn's settings for the fund: the Procfile's `--config python:bot.ops.gunicorn_config`,
and `benefits-bot serve` reads the same ones.

gunicorn logs through the service's handler (JSON, phone numbers masked) and its access log
leaves query strings out. Metrics run in prometheus_client's multiprocess mode, so that a
scrape of /metrics, whichever worker answers it, adds up every worker's counts.
"""

import logging
import os
import shutil
import sys
import tempfile
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

from bot.infra.config import ConfigError, Settings
from bot.infra.logs import configure_logging
from bot.ops import startup_warnings, web_clock

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
_made_here: list[str] = []  # the metrics directory on_starting made, for on_exit to remove

# Path without the query string (a query may name someone), status, size, milliseconds.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
accesslog = "-"
# Newer gunicorn (27 here) opens a control socket for gunicornc in $XDG_RUNTIME_DIR or
# ~/.gunicorn; the fund does not use it, and a server writes nothing into its user's home.
control_socket_disable = True


class Logger(GunicornLogger):
    """gunicorn's error and access logs through the root handler `bot.infra.logs` installs."""

    def setup(self, cfg: Any) -> None:
        """Let gunicorn set levels, then hand its console logs to the service's handler."""
        super().setup(cfg)
        try:
            settings = Settings.from_env()
        except ConfigError as error:  # the Procfile's gunicorn: no traceback for a typo
            sys.stderr.write(f"benefits-bot: configuration: {error}\n")
            sys.exit(2)
        configure_logging(settings)  # the master never builds the app
        for log, output in ((self.error_log, cfg.errorlog), (self.access_log, cfg.accesslog)):
            if output != "-":
                continue  # a log file the operator asked for stays as gunicorn made it
            for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
                log.removeHandler(handler)
            log.propagate = True


logger_class = Logger


def on_starting(_server: Any) -> None:
    """Before any worker starts: the server warnings, once, and a folder for the metrics.

    The operator's PROMETHEUS_MULTIPROC_DIR (shared with `benefits-bot worker` on the same
    host, the web's /metrics then shows the jobs' metrics too), or else a new one, removed
    when the server stops. Workers inherit it, so a scrape adds up every worker's counts."""
    settings = Settings.from_env()
    startup_warnings.for_server(settings)  # here once; forked workers stay quiet
    web_clock.prepare(settings)  # without Redis, one worker runs the clock (bot.ops.web_clock)
    directory = os.environ.get(MULTIPROCESS_ENV)
    if directory:
        os.makedirs(directory, exist_ok=True)
        return
    if "prometheus_client" in sys.modules:  # preloaded: the library has chosen its mode
        logging.getLogger(__name__).warning("metrics: each worker reports only its own counts")
        return
    _made_here.append(tempfile.mkdtemp(prefix="benefits-bot-metrics-"))
    os.environ[MULTIPROCESS_ENV] = _made_here[-1]


def on_exit(_server: Any) -> None:
    """The server stops: remove the metrics directory and the clock's lock file it made."""
    web_clock.remove()
    while _made_here:
        shutil.rmtree(_made_here.pop(), ignore_errors=True)


def post_worker_init(worker: Any) -> None:
    """In a worker, its app built: without Redis, the clock thread (bot.ops.web_clock)."""
    runtime = getattr(worker.wsgi, "extensions", {}).get("runtime")
    if runtime is not None:
        web_clock.start(runtime)


def worker_exit(_server: Any, _worker: Any) -> None:
    """A worker stops (SIGTERM, recycled): its clock thread ends after the tick at hand."""
    web_clock.stop()


def child_exit(_server: Any, worker: Any) -> None:
    """A worker died: drop its live gauges' files (prometheus_client's recipe)."""
    if os.environ.get(MULTIPROCESS_ENV):
        from prometheus_client import multiprocess  # noqa: PLC0415 (after the mode is chosen)

        multiprocess.mark_process_dead(worker.pid)
