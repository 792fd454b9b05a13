"""Who listens to what: the ledger's answers counted as metrics, wired once per process."""

from bot.infra import metrics
from bot.ledger import events


def count_ledger_answers() -> None:
    """Count every committed ledger answer (`benefits_ledger_requests_total`); idempotent."""
    events.subscribe(metrics.count_ledger)
