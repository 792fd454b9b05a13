"""RQ jobs for notices: deliver one, and sweep up the ones that never reached the queue."""

from bot.channel import outbox, sender
from worker_jobs.context import runtime


def deliver(outbox_id: int) -> str | None:
    """Hand one outbox notice to Twilio (at most once); return its status."""
    status = sender.deliver(runtime(), outbox_id)
    return status.value if status else None


def sweep(_period: str | None = None) -> int:
    """Re-enqueue notices committed but not yet handed over (Redis was down, a worker died)."""
    return outbox.sweep(runtime())
