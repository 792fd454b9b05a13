"""Alembic environment: the schema of bot.models and bot.ledger, on the configured database."""

from alembic import context
from sqlalchemy import Engine

import bot.ledger.models
import bot.models
import bot.payments.models
import bot.payments.stripe.models
import bot.payouts_rail.stripe_connect.models  # noqa: F401 (register the tables on the shared metadata)
from bot.infra.config import Settings
from bot.infra.db import make_engine
from bot.infra.orm import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    return make_engine(Settings.from_env().database_url)


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(
        url=_engine().url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations over a connection of the configured engine."""
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite alters tables by copying them
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
