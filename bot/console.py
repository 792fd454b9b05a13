"""The `benefits-bot` entry point: settings checked before the commands' modules load."""

import sys

from bot.config import ConfigError, Settings

HELP_FLAGS = frozenset({"--help", "-h"})


def main() -> None:
    """Refuse malformed settings in one line (exit 2), then run the command.

    Checking here, before `bot.cli` imports the web stack, the ledger and the queue, makes a
    refusal cost a fifth of a second; `bot.cli.main` checks again for callers that enter
    there. Help needs no settings, so it is shown whatever they say."""
    if not HELP_FLAGS.intersection(sys.argv[1:]):
        try:
            Settings.from_env()
        except ConfigError as error:
            sys.stderr.write(f"benefits-bot: configuration: {error}\n")
            sys.exit(2)
    from bot.cli import main as command  # noqa: PLC0415 (after the settings are known good)

    command()
