"""The migrations build exactly the schema the models describe, and go down again."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.infra import migrate
from bot.infra.db import make_engine
from bot.infra.orm import Base


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert migrate.is_current(engine)


def test_downgrade_to_nothing_and_up_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrate.upgrade(engine)
    empty = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert not migrate.is_current(empty)
    empty.dispose()
    command.downgrade(migrate.alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    engine.dispose()
