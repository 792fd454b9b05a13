"""What the console command prints when all goes well: one line from `db upgrade` (Alembic's
own lines with -v), no server warnings from `chat`, nothing written to the home folder."""

import os
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.infra import migrate
from bot.infra.db import make_engine

COMMAND = Path(sys.executable).parent / "benefits-bot"  # this virtualenv's console script
SERVER_WARNINGS = ("SECRET_KEY is not set", "TWILIO_AUTH_TOKEN is not set")


def run(home: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The console command on a SQLite file in a home folder of its own, laptop settings."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "SECRET_KEY", "TWILIO_AUTH_TOKEN", "XDG_RUNTIME_DIR")
    }
    environ.update(
        HOME=str(home),
        DATABASE_URL=f"sqlite:///{home.parent / 'fund.sqlite3'}",
        SPOOL_DIR=str(home.parent / "spool"),
        LOG_FORMAT="text",
    )
    return subprocess.run(
        [str(COMMAND), *arguments],
        cwd=home.parent,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def home_folder(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def head_and_the_one_before() -> tuple[str, str]:
    scripts = ScriptDirectory.from_config(migrate.alembic_config(make_engine("sqlite://")))
    head = scripts.get_revision(scripts.get_current_head())
    return head.revision, head.down_revision


def test_db_upgrade_says_one_line_and_alembic_only_with_v(tmp_path):
    home = home_folder(tmp_path)
    head, _ = head_and_the_one_before()
    created = run(home, "db", "upgrade")
    assert (created.returncode, created.stderr) == (0, "")
    assert created.stdout == f"database created at revision {head}\n"
    again = run(home, "db", "upgrade")
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout == f"database already at revision {head}\n"
    verbose = run(home, "db", "upgrade", "-v")
    assert verbose.stdout == f"database already at revision {head}\n"
    assert "INFO alembic.runtime.migration: Context impl SQLiteImpl." in verbose.stderr
    assert list(home.iterdir()) == []


def test_db_upgrade_names_the_revisions_it_went_between(tmp_path):
    home = home_folder(tmp_path)
    head, before = head_and_the_one_before()
    engine = make_engine(f"sqlite:///{tmp_path / 'fund.sqlite3'}")
    migrate.upgrade(engine, before)
    engine.dispose()
    result = run(home, "db", "upgrade", "-v")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"database upgraded from revision {before} to {head}\n"
    assert f"Running upgrade {before} -> {head}" in result.stderr


def test_chat_gives_no_server_warnings_and_leaves_home_alone(tmp_path):
    home = home_folder(tmp_path)
    result = run(home, "chat", "--phone", "+12125550123", stdin="hi\n")
    assert result.returncode == 0, result.stderr
    assert "Reply with a number" in result.stdout  # it did talk to the bot
    for warning in SERVER_WARNINGS:
        assert warning not in result.stderr
    assert list(home.iterdir()) == []
