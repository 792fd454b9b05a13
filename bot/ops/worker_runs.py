"""Work done for every active worker, one transaction each, notices handed over after."""

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channel import outbox
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.models import Worker, WorkerStatus


def each_worker(runtime: Runtime, work: Callable[[Session, Worker], list[int]]) -> int:
    """Run `work` for each active worker; return for how many it wrote notices."""
    with runtime.sessions() as session:
        worker_ids = list(
            session.scalars(
                select(Worker.id).where(Worker.status == WorkerStatus.ACTIVE).order_by(Worker.id)
            )
        )
    done = 0
    for worker_id in worker_ids:

        def one(session: Session, worker_id: int = worker_id) -> list[int]:
            worker = session.get(Worker, worker_id)
            return work(session, worker) if worker is not None else []

        outbox_ids = run_in_transaction(runtime.sessions, one)
        outbox.hand_over(runtime, outbox_ids)
        done += bool(outbox_ids)
    return done
