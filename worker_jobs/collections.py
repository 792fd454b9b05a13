"""RQ jobs for money in: charge what households owe, and text them links to save a method.
Both are safe to run twice: charges are one per household and batch, links once each."""

from bot.payments import runner
from worker_jobs.context import runtime


def run(_period: str | None = None) -> int:
    """Charge every household due now and retry declined charges that are due."""
    summary = runner.run(runtime())
    return summary.charged + summary.retried


def send_links(_period: str | None = None) -> int:
    """Text a link to save a payment method to households that have none yet."""
    return runner.send_links(runtime())
