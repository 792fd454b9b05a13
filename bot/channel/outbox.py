"""Handing committed notices to the queue, and sweeping up any that never got there.

`bot` enqueues jobs by their dotted name, so it never imports `worker_jobs`. Without Redis
the same delivery runs in a background thread of this process, after commit.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from rq.utils import utcparse
from sqlalchemy import or_, select

from bot.channel import sender
from bot.infra.orm import utcnow
from bot.infra.runtime import Runtime
from bot.models import OutboundMessage, OutboundStatus

log = logging.getLogger(__name__)

QUEUE = "notices"
DELIVER = "worker_jobs.notices.deliver"
GRACE = timedelta(seconds=30)  # a pending notice younger than this is probably still queued
# A job queued longer than this may be lost (its worker died between taking it from the queue
# and starting it, until RQ's maintenance notices): the sweeper queues it again all the same.
QUEUED_PATIENCE = timedelta(minutes=5)
SWEEP_BATCH = 500


def notice_queue(runtime: Runtime) -> Queue:
    """The RQ queue notices go through (JSON serializer: ids only, never pickles)."""
    assert runtime.redis is not None
    return Queue(QUEUE, connection=runtime.redis, serializer=JSONSerializer)


def job_id(outbox_id: int) -> str:
    """The RQ job id of a notice's delivery: one per notice, so a repeat does not double."""
    return f"notice-{outbox_id}"


def hand_over(runtime: Runtime, outbox_ids: Iterable[int]) -> None:
    """Queue each notice for delivery; the row id is the job id, so a repeat does not double."""
    ids = list(outbox_ids)
    if not ids:
        return
    if runtime.redis is None:
        runtime.in_background(lambda: [sender.deliver(runtime, outbox_id) for outbox_id in ids])
        return
    try:
        queue = notice_queue(runtime)
        for outbox_id in ids:
            queue.enqueue(
                DELIVER,
                outbox_id,
                job_id=job_id(outbox_id),
                result_ttl=3600,
                failure_ttl=7 * 86400,
            )
    except RedisError:
        # The rows are committed: the sweeper hands them over once Redis answers again.
        log.warning("redis unreachable: %d notice(s) wait for the sweeper", len(ids))


def due(runtime: Runtime, now: datetime | None = None) -> list[int]:
    """Notices committed but not handed to Twilio: pending past their time, or stuck sending."""
    now = now or utcnow()
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.id)
                .where(
                    or_(
                        (OutboundMessage.status == OutboundStatus.PENDING)
                        & or_(
                            OutboundMessage.next_attempt_at <= now,
                            OutboundMessage.next_attempt_at.is_(None)
                            & (OutboundMessage.created_at <= now - GRACE),
                        ),
                        (OutboundMessage.status == OutboundStatus.SENDING)
                        & or_(
                            OutboundMessage.next_attempt_at <= now,
                            OutboundMessage.next_attempt_at.is_(None)
                            & (OutboundMessage.sending_at <= now - sender.STUCK_AFTER),
                        ),
                    )
                )
                .order_by(OutboundMessage.id)
                .limit(SWEEP_BATCH)
            )
        )


def sweep(runtime: Runtime, now: datetime | None = None) -> int:
    """Hand over every notice that is due and not waiting in the queue already; return how
    many."""
    now = now or utcnow()
    ids = _not_queued(runtime, due(runtime, now), now)
    if ids:
        log.info("sweeper: handing over %d notice(s)", len(ids))
        hand_over(runtime, ids)
    return len(ids)


def _not_queued(runtime: Runtime, ids: list[int], now: datetime) -> list[int]:
    """Leave out the notices whose job waits in the queue (for less than QUEUED_PATIENCE):
    behind a long queue of notices the sweeper, which runs first, would otherwise queue them
    again on every tick."""
    if runtime.redis is None or not ids:
        return ids
    try:
        with runtime.redis.pipeline(transaction=False) as pipe:
            for outbox_id in ids:
                pipe.hmget(Job.key_for(job_id(outbox_id)), ["status", "enqueued_at"])
            jobs = pipe.execute()
    except RedisError:
        return ids  # hand_over finds Redis down too, and says so
    return [i for i, job in zip(ids, jobs, strict=True) if not _waiting(job, now)]


def _waiting(job: list[bytes | None], now: datetime) -> bool:
    status, enqueued_at = job
    if status != JobStatus.QUEUED.value.encode() or enqueued_at is None:
        return False
    return utcparse(enqueued_at.decode()) > now - QUEUED_PATIENCE
