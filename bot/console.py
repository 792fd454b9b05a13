"""The `benefits-bot` entry point: settings checked before the commands' modules load, and a
database that cannot be reached said in one line."""

import sys
from typing import NoReturn

from sqlalchemy.exc import OperationalError

from bot.infra.config import ConfigError, Settings

HELP_FLAGS = frozenset({"--help", "-h"})
# psycopg's words for a server that refused or is missing, SQLite's for a file it cannot open.
UNREACHABLE = ("connection failed", "unable to open database file")


def main() -> None:
    """Refuse malformed settings in one line (exit 2), then run the command.

    Checking here, before `bot.cli` imports the web stack, the ledger and the queue, makes a
    refusal cost a fifth of a second; `bot.cli.main` checks again for callers that enter
    there. Help needs no settings, so it is shown whatever they say."""
    if not HELP_FLAGS.intersection(sys.argv[1:]):
        try:
            Settings.from_env()
        except ConfigError as error:
            _stop(f"configuration: {error}", 2)
    from bot.cli import main as command  # noqa: PLC0415 (after the settings are known good)

    try:
        command()
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        if not any(words in reason for words in UNREACHABLE):
            raise  # a fault of ours or the server's mid-work: its traceback helps
        _stop(f"the database in DATABASE_URL cannot be reached: {reason}", 1)


def _stop(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"benefits-bot: {message}\n")
    sys.exit(code)
