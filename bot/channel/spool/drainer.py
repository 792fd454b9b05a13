"""A thread in the web process that drains the spool soon after the database is back.

Started the first time this process spools a message, and when the app starts with messages
on this machine's disk (only a process on this machine can read them). The worker's clock
drains the shared Redis spool too, every tick.
"""

import logging
import threading

from bot.infra.runtime import Runtime

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 1.0
KEY = "spool-drainer"


def ensure_running(runtime: Runtime) -> None:
    """Start this process's drainer unless it runs already."""
    if runtime.clients.get(KEY) is not None:
        return
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(runtime, stop), daemon=True, name="spool-drainer")
    runtime.clients[KEY] = thread
    runtime.on_close(lambda: _stop(thread, stop))
    thread.start()


def _stop(thread: threading.Thread, stop: threading.Event) -> None:
    stop.set()
    thread.join(timeout=10)


def _loop(runtime: Runtime, stop: threading.Event) -> None:
    from bot.channel import spool  # noqa: PLC0415 (the package imports this module)

    while not stop.wait(INTERVAL_SECONDS):
        try:
            spool.drain(runtime)
        except Exception:
            log.exception("spool drainer: drain failed; trying again")
