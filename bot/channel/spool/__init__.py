"""The inbound spool: messages kept while the database cannot take them, answered later.

When the database is unreachable or times out, the webhook keeps the message here and
answers "got it": in Redis when Redis writes its data to disk (appendonly; see
SPOOL_REDIS), so that every machine's drainer sees it, else in an fsync'd file of this
machine's SPOOL_DIR. A drainer processes what waits once the database is back, several
people at a time, each person's messages in arrival order; the answers go out as notices.
While a person has messages waiting, her new ones queue behind them, so her conversation
keeps its order. Processing is exactly once whichever way a message came: its MessageSid is
claimed once.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from secrets import token_hex

from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.channel import inbox, outbox
from bot.channel.inbox import InboundText
from bot.channel.spool import drainer
from bot.channel.spool.entry import Entry
from bot.channel.spool.file_store import FileSpool
from bot.channel.spool.in_order import Outcome, process_in_order
from bot.channel.spool.redis_store import RedisSpool
from bot.infra.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 200
LOCK_SECONDS = 120
DURABLE_KEY = "spool-redis-durable"  # in runtime.clients: (checked at, whether Redis persists)
DURABLE_CHECK_SECONDS = 60.0
FILES_KEY = "spool-files"  # in runtime.clients: this machine's FileSpool
_LANGUAGES: OrderedDict[str, str] = OrderedDict()  # phone -> language, the last ones served
_LANGUAGES_KEPT = 50_000


def database_down(error: BaseException) -> bool:
    """Whether an error means the database could not be reached or did not answer in time."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def remember_language(phone: str, language: str) -> None:
    """Note her language, to say "got it" in it if the database is down next time."""
    _LANGUAGES[phone] = language
    _LANGUAGES.move_to_end(phone)
    if len(_LANGUAGES) > _LANGUAGES_KEPT:
        _LANGUAGES.popitem(last=False)


def forget_languages() -> None:
    """Forget every language noted (tests start from nothing)."""
    _LANGUAGES.clear()


def known_language(phone: str) -> str | None:
    """Her language, if this process served her lately."""
    return _LANGUAGES.get(phone)


def files(runtime: Runtime) -> FileSpool:
    """This machine's file spool (made once per runtime: it is asked for every message)."""
    spool = runtime.clients.get(FILES_KEY)
    if spool is None:
        spool = runtime.clients[FILES_KEY] = FileSpool(runtime.settings.spool_dir)
    return spool


def _redis(runtime: Runtime) -> RedisSpool | None:
    """The shared spool, to read and finish what waits there; None while Redis is down."""
    if runtime.redis is None or runtime.redis_resting():
        return None
    return RedisSpool(runtime.redis)


def _durable_redis(runtime: Runtime) -> RedisSpool | None:
    """The shared spool, to keep a message in: only a Redis that keeps it on disk (or one
    the settings vouch for), since a restart of one that does not would lose it."""
    shared = _redis(runtime)
    mode = runtime.settings.spool_redis
    if shared is None or mode == "never":
        return None
    if mode == "always":
        return shared
    checked = runtime.clients.get(DURABLE_KEY)
    now = time.monotonic()
    if checked is None or now - checked[0] > DURABLE_CHECK_SECONDS:
        try:
            durable = str(shared.redis.info("persistence").get("aof_enabled")) == "1"
        except RedisError:
            runtime.redis_failed()
            return None
        if not durable and checked is None:
            log.info("spool: redis keeps nothing on disk; spooling to %s", files(runtime).folder)
        checked = runtime.clients[DURABLE_KEY] = (now, durable)
    return shared if checked[1] else None


def keep(runtime: Runtime, message: InboundText, uncertain: bool = False) -> str:
    """Keep the message durably; return where ("redis" or "file"). Raises OSError only when
    neither Redis nor the disk can take it.

    `uncertain`: her conversation ran but the commit's outcome is unknown (see Entry)."""
    drainer.ensure_running(runtime)
    entry = Entry(message, time.time(), uncertain=uncertain)
    local = files(runtime)
    shared = _durable_redis(runtime)
    if shared is not None and not local.waiting(message.phone):
        try:
            shared.keep(entry)
            return "redis"
        except RedisError:
            runtime.redis_failed()
            log.warning("spool: redis unreachable, keeping %s on disk", inbox.describe(message))
    local.keep(entry)
    return "file"


def waiting(runtime: Runtime, phone: str) -> bool:
    """Whether messages of hers wait in the spool (the next one must queue behind them)."""
    if files(runtime).waiting(phone):
        return True
    shared = _redis(runtime)
    if shared is None:
        return False
    try:
        return shared.waiting(phone)
    except RedisError:
        runtime.redis_failed()
        return False


def depth(runtime: Runtime) -> Mapping[str, int | None]:
    """How many messages wait in each store (None: Redis could not be asked)."""
    report: dict[str, int | None] = {"file": files(runtime).depth()}
    if runtime.redis is not None:
        try:
            report["redis"] = RedisSpool(runtime.redis).depth()
        except RedisError:
            report["redis"] = None
    return report


def set_aside(runtime: Runtime) -> Mapping[str, int | None]:
    """How many messages our code failed on were set aside for staff, per store."""
    report: dict[str, int | None] = {"file": files(runtime).set_aside()}
    if runtime.redis is not None:
        try:
            report["redis"] = RedisSpool(runtime.redis).set_aside()
        except RedisError:
            report["redis"] = None
    return report


def drain(runtime: Runtime) -> int:
    """Process what waits, oldest first per person, while the database answers; return how
    many messages were finished.

    Local files move to a durable Redis when there is one (so every machine's drainer sees
    them), and are processed here when there is not."""
    started = time.monotonic()
    done = _drain_files(runtime) + _drain_redis(runtime)
    if done:
        seconds = time.monotonic() - started
        log.info("spool: answered %d kept message(s) in %.1f s", done, seconds)
    return done


def _drain_redis(runtime: Runtime) -> int:
    done = 0
    shared = _redis(runtime)
    if shared is None:
        return done
    token = token_hex(8)
    try:
        if not shared.lock(token, LOCK_SECONDS):
            return done
        try:
            while (entries := shared.oldest(BATCH)) and shared.hold(token, LOCK_SECONDS):
                entries.sort(key=lambda entry: entry.received_at)
                outcomes = _process_all(runtime, entries)
                for entry, outcome in zip(entries, outcomes, strict=True):
                    if outcome == "failed":
                        shared.bury(entry)
                    if outcome in ("done", "failed"):
                        shared.done(entry)
                        done += 1
                if not all(outcomes):
                    return done  # the database is down again: the rest waits
        finally:
            shared.unlock(token)
    except RedisError:
        runtime.redis_failed()
        log.warning("spool: redis failed while draining; the rest waits")
    return done


def _drain_files(runtime: Runtime) -> int:
    local = files(runtime)
    if not local.has_entries():
        return 0
    with local.draining() as mine:
        if not mine:
            return 0
        taken, entries = local.take()
        shared = _durable_redis(runtime)
        if shared is not None:
            try:
                for entry in entries:
                    shared.keep(entry)
                local.finish(taken, entries)
                log.info("spool: moved %d message(s) from disk to redis", len(entries))
                return 0
            except RedisError:
                runtime.redis_failed()
        outcomes = _process_all(runtime, entries)
        for entry, outcome in zip(entries, outcomes, strict=True):
            if outcome == "failed":
                local.bury(entry)
        if not all(outcomes):
            # The taken files stay for the next drain; what was processed replays harmlessly
            # (its MessageSid is claimed, its late answer was written once).
            return 0
        local.finish(taken, entries)
        return len(entries)


def _process_all(runtime: Runtime, entries: list[Entry]) -> list[Outcome | None]:
    """Every entry's outcome (None: not tried); several people at once, each in order."""
    threads = runtime.settings.spool_drain_threads
    return process_in_order(entries, lambda entry: _process(runtime, entry), threads)


def _process(runtime: Runtime, entry: Entry) -> Outcome:
    """Handle one spooled message: done; wait (the database is still down); or failed (a
    fault of ours: it is set aside for staff, not retried forever ahead of everyone else)."""
    try:
        handled = inbox.handle(runtime, entry.message, spooled=True, uncertain=entry.uncertain)
    except inbox.SenderMismatch:
        # Not a retry of hers: it would read another person's reply. Nothing to keep.
        log.warning("spool: sid of another number, %s dropped", inbox.describe(entry.message))
        return "done"
    except Exception as error:
        if database_down(error):
            log.info("spool: database still unavailable; %s waits", inbox.describe(entry.message))
            return "wait"
        log.exception("spool: could not process %s; set aside", inbox.describe(entry.message))
        return "failed"
    remember_language(entry.message.phone, handled.language)
    outbox.hand_over(runtime, handled.outbox_ids)
    return "done"
