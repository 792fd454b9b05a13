"""One Runtime per worker process, built on first use (never at import time)."""

from functools import cache

from bot import worker
from bot.config import Settings
from bot.runtime import Runtime


@cache
def runtime() -> Runtime:
    """The process's runtime: that of the `benefits-bot worker` running the job (built once,
    before any job, and inherited by forked work horses), else one from the environment."""
    return worker.process_runtime() or Runtime(Settings.from_env())
