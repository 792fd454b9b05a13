"""PostgreSQL, Redis, or both fail in the middle of a stream of signed messages from many
people, with duplicate deliveries: afterwards every message was processed exactly once, the
ledger is sound, and every notice went out once."""

import time

from tests.resilience.conftest import enrol, stream

PAIRS = 6


def test_postgres_restarted_mid_stream(durable_stack):
    stack = durable_stack
    people = enrol(stack, PAIRS)
    stream(stack, people, stack.postgres.restart, after=PAIRS * 3)
    assert stack.kept["redis"] > 0  # the restart was felt, and the spool took the strain
    stack.settle()
    stack.assert_nothing_lost_or_doubled()


def test_redis_restarted_while_postgres_is_down(stack):
    # Messages kept while the database is down must outlive a Redis that comes back empty:
    # such a Redis is never trusted with them (they wait on disk).
    people = enrol(stack, PAIRS)

    def outage():
        stack.postgres.stop()
        time.sleep(1.0)
        stack.redis.stop()
        stack.redis.start()
        time.sleep(0.5)
        stack.postgres.start()

    stream(stack, people, outage, after=PAIRS * 3)
    assert stack.kept["file"] > 0
    stack.settle()
    stack.assert_nothing_lost_or_doubled()


def test_redis_stopped_and_started_mid_stream(stack):
    people = enrol(stack, PAIRS)

    def outage():
        stack.redis.stop()
        time.sleep(1.5)
        stack.redis.start()

    stream(stack, people, outage, after=PAIRS * 3)
    stack.settle()
    stack.assert_nothing_lost_or_doubled()


def test_both_down_at_once_then_back(stack):
    people = enrol(stack, PAIRS)

    def outage():
        stack.redis.stop()
        stack.postgres.stop()
        time.sleep(1.5)
        stack.postgres.start()
        stack.redis.start()

    stream(stack, people, outage, after=PAIRS * 3)
    assert stack.kept["file"] > 0  # neither service could keep them: the disk did
    stack.settle()
    stack.assert_nothing_lost_or_doubled()
