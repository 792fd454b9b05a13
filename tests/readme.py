"""Reading the README the way a newcomer does: its sections, fenced blocks and tables, and
the console command it tells her to run."""

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# The console command of the environment running the tests (the worktree's .venv), so a
# test runs the real entry point and not a function call.
BENEFITS_BOT = Path(sys.executable).parent / "benefits-bot"


def section(title: str, text: str | None = None) -> str:
    """The README's section under a `## title` (or `###`) heading, up to the next heading
    (a `#` line inside a fenced block is no heading)."""
    text = README.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines(keepends=True)
    heading = re.compile(rf"#+ {re.escape(title)}\s*$")
    start = next((i + 1 for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        raise LookupError(f"README has no section {title!r}")
    body, in_fence = [], False
    for line in lines[start:]:
        in_fence ^= line.startswith("```")
        if not in_fence and re.match(r"#{1,6} ", line):
            break
        body.append(line)
    return "".join(body)


def fenced_block(text: str, info: str) -> str:
    """The first fenced code block of that info string (```text) in the text."""
    match = re.search(rf"^```{re.escape(info)}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise LookupError(f"no ```{info} block")
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """The first Markdown table in the text, as cells per row (header and rule left out).

    A table ends at its first line that is not a row, as a Markdown renderer ends it; it may
    be indented (inside a list item)."""
    lines = [line.strip() for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def command_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a laptop without Redis or Twilio, on the given database."""
    environment: Mapping[str, str] = os.environ
    unset = ("REDIS_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "WHATSAPP_TEMPLATES")
    env = {name: value for name, value in environment.items() if name not in unset}
    return {**env, "DATABASE_URL": database_url, "LOG_FORMAT": "text", **extra}


def run_command(
    arguments: list[str], env: Mapping[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `benefits-bot ARGUMENTS` as a person would, in a folder of the test's own."""
    return subprocess.run(
        [str(BENEFITS_BOT), *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=cwd,
        timeout=120,
        check=False,
    )
