"""The Prometheus instruments behind `bot.infra.metrics`, and the text a scrape reads.

Imported by `bot.infra.metrics` on first use only: prometheus_client chooses between one process's
values and its multiprocess mode (PROMETHEUS_MULTIPROC_DIR) when it is first imported.
"""

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder

log = logging.getLogger(__name__)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
SpoolReader = Callable[[], Mapping[str, int] | None]


@dataclass(frozen=True)
class Instruments:
    """Every metric the service keeps; one per process, see `create`."""

    inbound: Counter
    replies: Counter
    notices: Counter
    ledger: Counter
    job_latency: Histogram
    job_run: Histogram
    spool_depth: "SpoolDepth"
    multiprocess: bool

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """Every metric, in the format the scraper asked for: (body, content type)."""
        encoder, content_type = choose_encoder(accept or "")
        if not self.multiprocess:
            return encoder(REGISTRY), content_type
        # prometheus_client's recipe: a registry per scrape that reads every process's files.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(self.spool_depth)
        return encoder(registry), content_type


class SpoolDepth:
    """The gauge `benefits_spool_depth{store}`, read at scrape time."""

    name = "benefits_spool_depth"
    documentation = "Inbound messages kept in the spool, waiting to be processed, by store."

    def __init__(self, read: SpoolReader, label: Callable[[str], str], most: int) -> None:
        self.read, self.label, self.most = read, label, most

    def describe(self) -> Iterable[Metric]:
        """The gauge's name, so that the registry refuses a second metric of that name."""
        return [GaugeMetricFamily(self.name, self.documentation, labels=["store"])]

    def collect(self) -> Iterable[Metric]:
        """The depths now; nothing (rather than a failed scrape) when they cannot be read."""
        try:
            depths = self.read()
        except Exception:
            log.warning("metrics: the spool depth could not be read", exc_info=True)
            return []
        if depths is None:  # nobody registered a reader
            return []
        gauge = GaugeMetricFamily(self.name, self.documentation, labels=["store"])
        for store, depth in sorted(depths.items())[: self.most]:
            gauge.add_metric([self.label(store)], float(depth))
        return [gauge]


def create(spool_depth: SpoolDepth) -> Instruments:
    """Build and register every metric. Call once per process (metrics register globally)."""
    multiprocess_mode = MULTIPROCESS_ENV in os.environ  # prometheus_client decides so too
    if not multiprocess_mode:
        REGISTRY.register(spool_depth)
    return Instruments(
        inbound=Counter(
            "benefits_inbound_messages",
            "Inbound messages by channel and what became of them.",
            ["channel", "outcome"],
        ),
        replies=Counter("benefits_replies", "Replies to inbound messages, by status.", ["status"]),
        notices=Counter(
            "benefits_notices", "Notice delivery attempts, by how each one settled.", ["status"]
        ),
        ledger=Counter(
            "benefits_ledger_requests",
            "Committed ledger requests by operation and outcome (conflicts: when refused).",
            ["operation", "outcome"],
        ),
        job_latency=Histogram(
            "benefits_job_latency_seconds",
            "Background jobs: from being queued to finished.",
            ["job"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
        ),
        job_run=Histogram(
            "benefits_job_run_seconds",
            "Background jobs: how long each run took.",
            ["job"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        ),
        spool_depth=spool_depth,
        multiprocess=multiprocess_mode,
    )
