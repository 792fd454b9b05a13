"""The spool in Redis: one stream in arrival order, and a count of waiting messages per person.

Shared by every process and machine of the service. An entry leaves the stream only after
its message was processed and committed; processing it twice is harmless (the MessageSid is
claimed once in the database).
"""

from redis import Redis

from bot.channel.spool.entry import Entry, dumps, loads

STREAM = "spool:inbound"
WAITING = "spool:waiting"  # hash: phone -> messages of hers still in the stream
DRAIN_LOCK = "spool:drain-lock"
SET_ASIDE = "spool:failed"  # messages our code failed on, kept for staff

# Remove the entry and count it out, once, even when two drainers finish the same one.
_DONE = """
if redis.call('XDEL', KEYS[1], ARGV[1]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[2])
  end
end
return 1
"""
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisSpool:
    """Keep, list and finish spooled messages in Redis. Every call may raise RedisError."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def keep(self, entry: Entry) -> None:
        """Add the message at the end of the stream, atomically with her waiting count."""
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(STREAM, {"m": dumps(entry)})
            pipe.hincrby(WAITING, entry.message.phone, 1)
            pipe.execute()

    def waiting(self, phone: str) -> bool:
        """Whether messages of hers wait in the stream (a new one must queue behind them)."""
        return bool(self.redis.hexists(WAITING, phone))

    def oldest(self, count: int) -> list[Entry]:
        """Up to `count` entries, oldest first; an unreadable one is dropped with the rest."""
        entries = []
        for ref, fields in self.redis.xrange(STREAM, count=count):
            ref_text = ref.decode() if isinstance(ref, bytes) else str(ref)
            try:
                entries.append(loads(fields[b"m"], ref_text))
            except (KeyError, ValueError):
                self.redis.xdel(STREAM, ref_text)  # written by no version of this code
        return entries

    def done(self, entry: Entry) -> None:
        """The entry's message is committed: remove it and count it out."""
        self.redis.eval(_DONE, 2, STREAM, WAITING, entry.ref, entry.message.phone)

    def bury(self, entry: Entry) -> None:
        """Keep a message our code failed on where staff can see it, out of the way."""
        self.redis.rpush(SET_ASIDE, dumps(entry))

    def set_aside(self) -> int:
        """How many messages were set aside."""
        return int(self.redis.llen(SET_ASIDE))

    def depth(self) -> int:
        """How many messages wait."""
        return int(self.redis.xlen(STREAM))

    def lock(self, token: str, seconds: int) -> bool:
        """Become the one drainer for a while; False if another process is draining."""
        return bool(self.redis.set(DRAIN_LOCK, token, nx=True, ex=seconds))

    def hold(self, token: str, seconds: int) -> bool:
        """Keep being the drainer a while longer; False if the lock was lost meanwhile."""
        return bool(self.redis.eval(_EXTEND, 1, DRAIN_LOCK, token, seconds))

    def unlock(self, token: str) -> None:
        """Stop being the drainer (only if the lock is still ours)."""
        self.redis.eval(_RELEASE, 1, DRAIN_LOCK, token)
