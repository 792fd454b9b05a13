"""One Runtime per worker process, built on first use (never at import time)."""

from functools import cache

from bot.infra.config import Settings
from bot.infra.runtime import Runtime
from bot.ops import worker


@cache
def runtime() -> Runtime:
    """The process's runtime: that of the `benefits-bot worker` running the job (built once,
    before any job, and inherited by forked work horses), else one from the environment."""
    return worker.process_runtime() or Runtime(Settings.from_env())
