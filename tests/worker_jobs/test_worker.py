"""The worker `benefits-bot worker` builds: which queue it serves first, its job timeout, and
its forking mode (issues 6b and 6c), on the real PostgreSQL and Redis."""

import os
import subprocess
import sys
from pathlib import Path

from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy.orm import Session

from bot.channel import outbox
from bot.infra.db import run_in_transaction
from bot.models import OutboundMessage, Person
from bot.ops import clock
from bot.ops.worker import QUEUES, InProcessWorker, make_worker
from tests.worker_jobs.conftest import Service

ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 40


def pending_notices(service: Service, count: int) -> list[int]:
    """Notices committed and handed to the queue, as a busy day of receipts leaves them."""

    def write(session: Session) -> list[int]:
        person = Person(phone="+12125550142", time_zone="America/New_York")
        session.add(person)
        session.flush()
        rows = [
            OutboundMessage(
                person_id=person.id,
                channel="sms",
                kind="receipt",
                language="en",
                body=f"Ana added $5.00 (visit {n})",
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]

    ids = run_in_transaction(service.runtime.sessions, write)
    outbox.hand_over(service.runtime, ids)
    return ids


def test_the_clock_queue_is_served_first() -> None:
    assert QUEUES[0] == clock.QUEUE
    assert set(QUEUES) >= {clock.QUEUE, outbox.QUEUE, "default"}


def test_periodic_jobs_never_wait_behind_a_backlog_of_notices(service: Service) -> None:
    pending_notices(service, BACKLOG)
    started = clock.tick(service.runtime)  # the sweeper, the spool drain, this month's jobs
    assert {"sweep", "spool"} <= {job_id.split("-")[0] for job_id in started}

    worker = make_worker(service.runtime.redis)
    worker.work(burst=True, max_jobs=len(started))  # as many jobs as the clock started

    redis = service.runtime.redis
    for job_id in started:
        job = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
        assert job.get_status() == JobStatus.FINISHED, job_id
    assert service.fake.sent == []  # not one notice went before them
    notices = Queue(outbox.QUEUE, connection=redis, serializer=JSONSerializer)
    assert notices.count == BACKLOG


def test_the_sweeper_leaves_alone_notices_still_waiting_in_the_queue(service: Service) -> None:
    ids = pending_notices(service, 3)
    outbox.hand_over(service.runtime, ids[:1])  # (the same job id again: queued twice)
    later = outbox.utcnow() + outbox.GRACE * 2
    redis = service.runtime.redis
    notices = Queue(outbox.QUEUE, connection=redis, serializer=JSONSerializer)
    queued = notices.count

    assert outbox.sweep(service.runtime, now=later) == 0  # all three wait in the queue
    assert notices.count == queued

    Job.fetch(outbox.job_id(ids[2]), connection=redis, serializer=JSONSerializer).delete()
    assert outbox.sweep(service.runtime, now=later) == 1  # its job was lost: queued again
    much_later = outbox.utcnow() + outbox.QUEUED_PATIENCE * 2  # waited too long: lost too?
    assert outbox.sweep(service.runtime, now=much_later) == 3
    service.work()
    assert sorted(m.body for m in service.fake.sent) == [
        f"Ana added $5.00 (visit {n})" for n in range(3)
    ]


def test_jobs_in_the_worker_process_still_stop_at_their_timeout(service: Service) -> None:
    queue = Queue(clock.QUEUE, connection=service.runtime.redis, serializer=JSONSerializer)
    job = queue.enqueue("time.sleep", 30, job_timeout=1)

    worker = make_worker(service.runtime.redis)
    assert isinstance(worker, InProcessWorker)  # the default: jobs run in this process
    worker.work(burst=True)

    assert job.get_status() == JobStatus.FAILED
    assert "JobTimeoutException" in (job.latest_result().exc_string or "")


FORKING_WORKER = """
import os
from sqlalchemy import event, text
from bot.infra.config import Settings
from bot.infra.runtime import Runtime
from bot.ops import worker
runtime = Runtime(Settings.from_env())

@event.listens_for(runtime.engine, "checkout")
def checked_out(dbapi_connection, _record, _proxy):
    print("session", os.getpid(), dbapi_connection.info.backend_pid, flush=True)

worker.run(runtime, burst=True, fork=True)
with runtime.engine.connect() as connection:  # the parent's pooled connection still works
    connection.execute(text("select 1"))
runtime.close()
"""


def test_forked_work_horses_inherit_the_runtime_and_leave_its_connections_alone(
    service: Service,
) -> None:
    pending_notices(service, 3)
    done = subprocess.run(
        [sys.executable, "-c", FORKING_WORKER],
        check=False,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # Which database session each process used: the parent's, and each horse's own.
    used = [
        (int(line.split()[1]), int(line.split()[2]))
        for line in done.stdout.splitlines()
        if line.startswith("session ")
    ]
    parent = used[0][0]
    parent_sessions = {session for pid, session in used if pid == parent}
    horse_sessions = {session for pid, session in used if pid != parent}
    assert len({pid for pid, _ in used}) >= 4  # the parent, then a horse for each notice
    assert horse_sessions and not horse_sessions & parent_sessions
    assert sorted(m.body for m in service.fake.sent) == [
        f"Ana added $5.00 (visit {n})" for n in range(3)
    ]
