"""One Runtime per worker process, built on first use (never at import time)."""

from functools import cache

from bot.config import Settings
from bot.runtime import Runtime


@cache
def runtime() -> Runtime:
    """The process's runtime, from the environment."""
    return Runtime(Settings.from_env())
