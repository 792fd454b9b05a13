"""Abuse and loop protection, per phone number, with figures from the settings.

Inbound: beyond INBOUND_LIMIT messages in its window, one polite answer, then silence for
INBOUND_SILENCE_SECONDS; nothing is processed or written for the extra messages, only
counted. A message is counted once, by its MessageSid: Twilio's retries of it get the verdict
it had and cost nothing more. Outbound (replies and notices alike): at most
IDENTICAL_OUTBOUND_LIMIT copies of the same text in its window, so a loop with another bot
stops itself, and DAILY_OUTBOUND_LIMIT texts a day. Counters live in Redis, shared by every
process; while Redis is down each process counts on its own. Every limit reached is recorded
for staff (`benefits-bot limits`).
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from enum import StrEnum

from redis import Redis
from redis.exceptions import RedisError

from bot.infra.phone import mask_phone
from bot.infra.runtime import Runtime

log = logging.getLogger(__name__)

TRIPPED = "limits:tripped"  # sorted set: {"phone" (masked), "limit"} by when it was reached
TRIPPED_KEPT = 1000


class Verdict(StrEnum):
    """What to do with an inbound message."""

    ALLOW = "allow"
    WARN = "warn"  # the first one over the limit: answer politely, process nothing
    SILENT = "silent"  # the ones after: say nothing, process nothing


@dataclass(frozen=True)
class Trip:
    """A limit one number reached."""

    phone: str  # masked
    limit: str  # inbound, identical, daily
    at: float  # seconds since the epoch


class _LocalCounters:
    """The same counters in this process, for while Redis is down."""

    MAX_KEYS = 100_000  # above this, expired counters are dropped...
    PRUNE_SECONDS = 10.0  # ...at most this often: a prune reads every counter

    def __init__(self) -> None:
        self.counts: dict[str, tuple[float, int]] = {}
        self.next_prune = 0.0
        self.prunes = 0

    def incr(self, key: str, seconds: int) -> int:
        now = time.time()
        if len(self.counts) > self.MAX_KEYS and now >= self.next_prune:
            # More live counters than MAX_KEYS (a flood within a window) stay: pruning again
            # on every message would read them all each time.
            self.counts = {k: v for k, v in self.counts.items() if v[0] > now}
            self.next_prune = now + self.PRUNE_SECONDS
            self.prunes += 1
        expires, count = self.counts.get(key, (now + seconds, 0))
        if expires <= now:
            expires, count = now + seconds, 0
        self.counts[key] = (expires, count + 1)
        return count + 1

    def get(self, key: str) -> bool:
        expires, _ = self.counts.get(key, (0.0, 0))
        return expires > time.time()

    def set(self, key: str, seconds: int, value: int = 1) -> None:
        self.counts[key] = (time.time() + seconds, value)

    def value(self, key: str) -> int | None:
        expires, value = self.counts.get(key, (0.0, 0))
        return value if expires > time.time() else None


LOCAL = _LocalCounters()


# One round trip: whether the number is silenced, and the message's place in its window,
# counted only the first time its MessageSid is seen (kept for the window, a retry's reach).
COUNT_ONCE = """
local silenced = redis.call('EXISTS', KEYS[1])
local seen = redis.call('GET', KEYS[3])
if seen then return {silenced, tonumber(seen), 1} end
seen = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], seen, 'EX', ARGV[1])
return {silenced, seen, 0}
"""


def inbound(runtime: Runtime, phone: str, message_sid: str) -> Verdict:
    """Count a message from this number (once per MessageSid) and say whether to process it."""
    count, seconds = runtime.settings.inbound_limit
    window = int(time.time() // seconds)
    keys = (f"limit:silent:{phone}", f"limit:in:{phone}:{window}", f"limit:msg:{message_sid}")
    redis = None if runtime.redis_resting() else runtime.redis
    counted = None
    if redis is not None:
        try:
            silenced, seen, again = redis.register_script(COUNT_ONCE)(keys, [seconds])
            counted = (bool(silenced), int(seen), bool(again))
        except RedisError:
            runtime.redis_failed()
            redis = None
    silenced, seen, again = counted or _count_here(keys, seconds)
    if silenced:
        return Verdict.SILENT
    if again:  # a retry: processed if the first was, never a second warning
        return Verdict.ALLOW if seen <= count else Verdict.SILENT
    if seen == count + 1:
        _silence(runtime, redis, keys[0], runtime.settings.inbound_silence_seconds)
        _trip(runtime, phone, "inbound")
        return Verdict.WARN
    return Verdict.ALLOW if seen <= count else Verdict.SILENT


def _count_here(keys: tuple[str, str, str], seconds: int) -> tuple[bool, int, bool]:
    """COUNT_ONCE in this process, for while Redis is down."""
    silent, window_key, message_key = keys
    seen = LOCAL.value(message_key)
    if seen is not None:
        return LOCAL.get(silent), seen, True
    seen = LOCAL.incr(window_key, seconds)
    LOCAL.set(message_key, seconds, seen)
    return LOCAL.get(silent), seen, False


def _silence(runtime: Runtime, redis: Redis | None, key: str, seconds: int) -> None:
    """Ignore the number for a while, where its messages are counted."""
    if redis is not None:
        try:
            redis.set(key, 1, ex=seconds)
            return
        except RedisError:
            runtime.redis_failed()
    LOCAL.set(key, seconds)


def outbound(runtime: Runtime, phone: str, body: str) -> bool:
    """Count a text about to go to this number; False if it must not (a cap is reached)."""
    same, same_seconds = runtime.settings.identical_outbound_limit
    daily = runtime.settings.daily_outbound_limit
    now = time.time()
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    same_key = f"limit:same:{phone}:{digest}:{int(now // same_seconds)}"
    day_key = f"limit:day:{phone}:{_utc_day(now)}"
    redis = None if runtime.redis_resting() else runtime.redis
    counts = None
    if redis is not None:
        try:
            with redis.pipeline(transaction=False) as pipe:
                pipe.incr(same_key).expire(same_key, same_seconds)
                pipe.incr(day_key).expire(day_key, 2 * 86400)
                same_seen, _, day_seen, _ = pipe.execute()
            counts = (same_seen, day_seen)
        except RedisError:
            runtime.redis_failed()
    if counts is None:
        counts = (LOCAL.incr(same_key, same_seconds), LOCAL.incr(day_key, 2 * 86400))
    same_seen, day_seen = counts
    if same_seen > same:
        if same_seen == same + 1:
            _trip(runtime, phone, "identical")
        return False
    if day_seen > daily:
        if day_seen == daily + 1:
            _trip(runtime, phone, "daily")
        return False
    return True


_DAY: list[tuple[int, str]] = [(-1, "")]  # the last UTC day named, and its name


def _utc_day(now: float) -> str:
    """The UTC day of `now` as the daily counters name it (20261205): worked out once a day,
    not for every text (strftime is among the dearest steps of a reply)."""
    number = int(now // 86400)
    known, name = _DAY[0]
    if number != known:
        name = time.strftime("%Y%m%d", time.gmtime(number * 86400))
        _DAY[0] = (number, name)
    return name


def _trip(runtime: Runtime, phone: str, limit: str) -> None:
    log.warning("limit reached: %s for %s", limit, mask_phone(phone))
    redis = None if runtime.redis_resting() else runtime.redis
    if redis is None:
        return
    # Masked as in the logs: staff need the last digits to recognise a number, no more.
    member = json.dumps({"phone": mask_phone(phone), "limit": limit, "at": time.time()})
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.zadd(TRIPPED, {member: time.time()})
            pipe.zremrangebyrank(TRIPPED, 0, -TRIPPED_KEPT - 1)
            pipe.execute()
    except RedisError:
        runtime.redis_failed()


def tripped(runtime: Runtime, count: int = 100) -> list[Trip]:
    """The limits reached lately, newest first (empty without Redis)."""
    if runtime.redis is None:
        return []
    trips = []
    for member in runtime.redis.zrevrange(TRIPPED, 0, count - 1):
        data = json.loads(member)
        trips.append(Trip(str(data["phone"]), str(data["limit"]), float(data["at"])))
    return trips
