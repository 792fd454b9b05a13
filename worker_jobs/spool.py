"""RQ job for the inbound spool: answer the messages kept while the database was down."""

from bot.channel import spool
from worker_jobs.context import runtime


def drain(_period: str | None = None) -> int:
    """Process the spooled messages, oldest first, while the database answers."""
    return spool.drain(runtime())
