"""Metrics from jobs: each delivery attempt counted by how it settled, job latency observed."""

from datetime import timedelta

from prometheus_client import REGISTRY

from bot.channel import outbox
from bot.infra.orm import utcnow
from bot.ops.worker import make_worker
from tests.worker_jobs.test_notices import contribution

JOB = "notices.deliver"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def work(service) -> None:
    """Run the queued jobs with the worker `benefits-bot worker --simple` builds."""
    make_worker(service.runtime.redis).work(burst=True)


def test_notices_handed_to_twilio_are_counted_and_their_jobs_timed(service):
    sent = sample("benefits_notices_total", status="sent")
    waited = sample("benefits_job_latency_seconds_count", job=JOB)
    ran = sample("benefits_job_run_seconds_count", job=JOB)
    contribution(service)
    work(service)
    assert len(service.fake.sent) == 4
    assert sample("benefits_notices_total", status="sent") == sent + 4
    assert sample("benefits_job_latency_seconds_count", job=JOB) == waited + 4
    assert sample("benefits_job_run_seconds_count", job=JOB) == ran + 4
    assert sample("benefits_job_latency_seconds_sum", job=JOB) > 0


def test_retries_and_failures_are_counted_as_such(service):
    retry = sample("benefits_notices_total", status="retry")
    failed = sample("benefits_notices_total", status="failed")
    contribution(service)
    service.fake.fail_next(500)  # the invitation: retried
    service.fake.fail_next(400, 21610)  # then the household had said STOP: failed for good
    work(service)
    outbox.sweep(service.runtime, now=utcnow() + timedelta(minutes=1))
    work(service)
    assert sample("benefits_notices_total", status="retry") == retry + 1
    assert sample("benefits_notices_total", status="failed") == failed + 1
