"""What a process needs to serve the fund: settings, a database engine, sessions, a queue."""

from dataclasses import dataclass, field
from functools import cached_property

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db import make_engine, make_session_factory


@dataclass
class Runtime:
    """One per process: built from settings, shared by the web app, the CLI and the jobs."""

    settings: Settings
    engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)
    print_notices: bool = True  # without Twilio, print notices on stdout (the laptop default)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.database_url)
        self.sessions = make_session_factory(self.engine)

    @cached_property
    def redis(self) -> Redis | None:
        """The queue's Redis connection, or None when jobs run in process."""
        if self.settings.redis_url is None:
            return None
        return Redis.from_url(self.settings.redis_url, socket_timeout=2, socket_connect_timeout=2)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()
        if self.settings.redis_url is not None:
            self.redis.close()  # type: ignore[union-attr]
