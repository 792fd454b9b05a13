"""The README's commands table against the real console command: every command it names
answers `--help`, and has every option the table gives it; every command is in the table."""

import re
from collections.abc import Iterator
from itertools import takewhile

import click
import pytest

from bot.cli import main
from tests.readme import command_environment, run_command, section, table_rows

OPTION = re.compile(r"--[a-z][a-z-]*")


def documented_commands() -> dict[tuple[str, ...], set[str]]:
    """Each command the table names (its words after `benefits-bot`), with its options.

    A cell may hold several commands: `benefits-bot payouts pay ID` / `payouts void ID
    --reason TEXT`; a span of options alone (`--off`) belongs to the command before it."""
    commands: dict[tuple[str, ...], set[str]] = {}
    last: tuple[str, ...] = ()
    for row in table_rows(section("Commands")):
        for span in re.findall(r"`([^`]+)`", row[0].replace("\\|", "|")):
            words = span.split()
            if words[0].startswith("--"):
                commands[last] |= set(OPTION.findall(span))
                continue
            words = words[1:] if words[0] == "benefits-bot" else words
            last = tuple(takewhile(re.compile(r"[a-z][a-z-]*$").match, words))
            commands.setdefault(last, set()).update(OPTION.findall(span))
    return commands


DOCUMENTED = documented_commands()


def test_the_table_is_read_whole():
    """The rows after `ledger check` count (a blank line once cut the table in two)."""
    assert {("serve",), ("worker",), ("chat",), ("limits",), ("spool",)} <= DOCUMENTED.keys()
    assert DOCUMENTED[("partner", "match")] == {"--percent", "--monthly-cap-cents", "--off"}
    assert DOCUMENTED[("payouts", "void")] == {"--reason"}


@pytest.mark.parametrize("command", sorted(DOCUMENTED), ids=" ".join)
def test_each_command_in_the_table_has_the_options_it_names(command, tmp_path):
    env = command_environment(f"sqlite:///{tmp_path / 'help.sqlite3'}")
    result = run_command([*command, "--help"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Usage: benefits-bot {' '.join(command)}" in result.stdout
    offered = set(OPTION.findall(result.stdout))
    assert DOCUMENTED[command] <= offered, f"not in its --help: {DOCUMENTED[command] - offered}"


def leaf_commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


LEAVES = list(leaf_commands(main))


@pytest.mark.parametrize(("name", "command"), LEAVES, ids=[" ".join(name) for name, _ in LEAVES])
def test_every_command_and_option_is_in_the_table(name, command):
    assert name in DOCUMENTED, f"`benefits-bot {' '.join(name)}` is missing from the README"
    options = {o for parameter in command.params for o in parameter.opts if o.startswith("--")}
    assert options <= DOCUMENTED[name], f"undocumented: {options - DOCUMENTED[name]}"
