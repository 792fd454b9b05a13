"""`.env.example` lists exactly the README's configuration variables, and what it sets is
what the service accepts (its active lines being the defaults)."""

import re
import shlex
import subprocess
from pathlib import Path

from bot.infra.config import Settings
from tests.readme import BENEFITS_BOT, ROOT, command_environment, section, table_rows

ENV_EXAMPLE = ROOT / ".env.example"
SOURCE_THEN_RUN = 'set -a && . "$1" && set +a && exec "$2" whatsapp-templates --uncovered'
ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def readme_variables() -> set[str]:
    rows = table_rows(section("Configuration"))
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row[0])}


def example_lines(text: str | None = None) -> list[tuple[bool, str, str]]:
    """(active, name, value as a shell reads it) for each assignment, commented or not."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8") if text is None else text
    found = []
    for line in text.splitlines():
        match = ASSIGNMENT.match(line)
        if match:
            value = shlex.split(match.group(3))
            found.append((match.group(1) is None, match.group(2), value[0] if value else ""))
    return found


def test_the_readme_table_is_read():
    assert {"DATABASE_URL", "TWILIO_AUTH_TOKEN", "DAILY_OUTBOUND_LIMIT"} <= readme_variables()


def test_every_readme_variable_is_in_env_example_and_nothing_else():
    listed = [name for _, name, _ in example_lines()]
    assert len(listed) == len(set(listed)), "a variable is listed twice"
    assert set(listed) == readme_variables()


def test_each_variable_has_a_comment_line_above_it():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if ASSIGNMENT.match(line):
            above = lines[number - 1]
            assert above.startswith("# ") and not ASSIGNMENT.match(above), line


def test_its_active_lines_are_the_defaults():
    active = {name: value for is_active, name, value in example_lines() if is_active}
    assert Settings.from_env(active) == Settings.from_env({})


def test_sourced_whole_with_every_example_uncommented_the_command_accepts_it(tmp_path: Path):
    """A shell sources the file as the README says; every example value is a valid one."""
    uncommented = re.sub(r"^#\s*(?=[A-Z][A-Z0-9_]*=)", "", ENV_EXAMPLE.read_text(), flags=re.M)
    env_file = tmp_path / ".env"
    env_file.write_text(uncommented)
    assert all(is_active for is_active, _, _ in example_lines(uncommented))
    env = command_environment("sqlite:///unused.sqlite3")
    for name in readme_variables():
        env.pop(name, None)
    result = subprocess.run(
        ["bash", "-c", SOURCE_THEN_RUN, "bash", str(env_file), str(BENEFITS_BOT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "receipt:es" not in result.stderr  # WHATSAPP_TEMPLATES's example was read
