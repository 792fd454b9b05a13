"""What the service counts for Prometheus: the calls the rest of the code makes.

gunicorn serves with several worker processes and RQ forks a work horse per job, so one
process's counters are not the service's. With `PROMETHEUS_MULTIPROC_DIR` set, every process
writes its values to files in that directory and a scrape adds them up (prometheus_client's
multiprocess mode; gunicorn's `on_starting` hook in `bot.ops.gunicorn_config` sets it). The
library picks its mode when it is first imported, so it is imported on the first count or
scrape (`bot.infra.instruments`), never merely by importing this module: a server that has loaded
the whole code base can still choose the mode before its workers start.

Label values are checked against fixed sets, and names from code against a pattern, so no
input (a phone number, a status Twilio invents tomorrow) can grow the number of series.
"""

import os
import re
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.infra.instruments import Instruments

OTHER = "other"  # what an unexpected label value is counted as
CHANNELS = ("sms", "whatsapp")
INBOUND_OUTCOMES = (
    "handled",
    "replayed",
    "spooled",
    "rate_limited",
    "silenced",
    "refused",
    "failed",
)
REPLY_STATUSES = ("sent", "capped", "none")
NOTICE_STATUSES = (
    "sent",
    "retry",
    "failed",
    "undelivered",
    "suppressed",
    "recorded",
    "capped",
    "queued",
    "delivered",
    "read",
)
# What `bot.ledger.events` announces; the composition root subscribes `count_ledger` to it
# (`bot.ops.observers`), so the plumbing here knows nothing of the ledger.
LEDGER_OUTCOMES = ("posted", "rejected", "replayed", "conflict")
CODE_NAME = re.compile(r"[a-z][a-z0-9_.]{0,63}")  # operations, jobs and stores are named in code
MAX_STORES = 8

_spool_readers: list[Callable[[], Mapping[str, int]]] = []  # the one registered, if any
_created: list["Instruments"] = []  # once per process: metrics register globally
_creating = threading.Lock()


def count_inbound(channel: str, outcome: str) -> None:
    """One inbound message on `channel` (sms, whatsapp) ended as `outcome` (handled, ...)."""
    labels = _one_of(channel, CHANNELS), _one_of(outcome, INBOUND_OUTCOMES)
    _child("inbound", labels).inc()


def count_reply(status: str) -> None:
    """A reply to an inbound message: sent, capped (by a rate limit) or none."""
    _child("replies", (_one_of(status, REPLY_STATUSES),)).inc()


def count_notice(status: str) -> None:
    """A notice delivery attempt settled: sent, retry, failed, suppressed, recorded, ..."""
    _child("notices", (_one_of(status, NOTICE_STATUSES),)).inc()


def count_ledger(operation: str, outcome: str) -> None:
    """A ledger request: posted, rejected (no funds...), replayed (same key) or conflict."""
    labels = _code_name(operation), _one_of(outcome, LEDGER_OUTCOMES)
    _child("ledger", labels).inc()


def observe_job(name: str, seconds: float) -> None:
    """A background job finished `seconds` after it was queued."""
    _child("job_latency", (_code_name(name),)).observe(max(seconds, 0.0))


def observe_job_run(name: str, seconds: float) -> None:
    """A background job ran for `seconds`."""
    _child("job_run", (_code_name(name),)).observe(max(seconds, 0.0))


def register_spool_depth(reader: Callable[[], Mapping[str, int]]) -> None:
    """Read the spool's depth per store ({"redis": 3, "file": 0}) whenever metrics are scraped."""
    _spool_readers[:] = [reader]


def exposition(accept: str | None) -> tuple[bytes, str]:
    """Every metric, in the format the scraper asked for: (body, content type)."""
    return _instruments().exposition(accept)


def multiprocess() -> bool:
    """Whether this process keeps its metrics in PROMETHEUS_MULTIPROC_DIR's files."""
    return "PROMETHEUS_MULTIPROC_DIR" in os.environ


def _spool_depths() -> Mapping[str, int] | None:
    return _spool_readers[0]() if _spool_readers else None


def _instruments() -> "Instruments":
    if not _created:
        with _creating:
            if not _created:
                _created.append(_create())
    return _created[0]


def _create() -> "Instruments":
    from bot.infra import instruments  # noqa: PLC0415 (on first use: see the module's docstring)

    created = instruments.create(
        instruments.SpoolDepth(_spool_depths, label=_code_name, most=MAX_STORES)
    )
    # Known series exist from the start, so that rate() sees the first increase.
    for channel in CHANNELS:
        for outcome in INBOUND_OUTCOMES:
            created.inbound.labels(channel, outcome)
    for status in REPLY_STATUSES:
        created.replies.labels(status)
    for status in NOTICE_STATUSES:
        created.notices.labels(status)
    return created


_children: dict[tuple[str, tuple[str, ...]], Any] = {}  # (metric, label values): its series


def _child(metric: str, labels: tuple[str, ...]) -> Any:
    """The series of one of the instruments for these (checked) label values, looked up once
    per process: `labels()` validates and locks on every call (two counts per inbound
    message, one per ledger request and notice). The values are checked against fixed sets or
    a pattern before they come here, so the series stay few."""
    key = (metric, labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = getattr(_instruments(), metric).labels(*labels)
    return child


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else OTHER


def _code_name(value: str) -> str:
    return value if CODE_NAME.fullmatch(value) else OTHER

