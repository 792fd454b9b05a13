"""The README's worked chat session, typed into the real `benefits-bot chat`: the README can
never promise a conversation the product does not have."""

import re
import shlex
from dataclasses import dataclass, field

from tests.readme import command_environment, fenced_block, run_command, section

# "Sat Nov 21": the session reports a visit for today, so the day differs from the README's.
DAY = re.compile(
    r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b"
)


@dataclass
class ChatRun:
    """One `$ benefits-bot chat ...` of the transcript: what is typed, what must come back."""

    arguments: list[str]
    typed: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)


def transcript_runs(transcript: str) -> list[ChatRun]:
    """Split the transcript into its runs of the command, each with its lines."""
    runs: list[ChatRun] = []
    for line in transcript.splitlines():
        stripped = line.strip()
        if stripped.startswith("$ "):
            command = shlex.split(stripped[2:], comments=True)
            assert command[:2] == ["benefits-bot", "chat"], line
            runs.append(ChatRun(command[1:]))
        elif stripped.startswith("you> "):
            runs[-1].typed.append(stripped.removeprefix("you> "))
        elif stripped.startswith(("bot> ", "[")):
            runs[-1].expected.append(stripped)
        else:
            assert not stripped, f"a transcript line the test does not understand: {line!r}"
    return runs


def normalised(text: str) -> str:
    return DAY.sub("<day>", text)


def test_the_transcript_is_what_the_test_expects():
    """The parser sees the README's session as a person would: four runs, every line placed."""
    runs = transcript_runs(fenced_block(section("Try it without Twilio"), "text"))
    assert [run.arguments for run in runs] == [
        ["chat", "--phone", "+12125550123"],
        ["chat", "--phone", "+12125550199"],
        ["chat", "--phone", "+12125550123"],
        ["chat", "--phone", "+12125550199"],
    ]
    assert all(run.typed and run.expected for run in runs)
    assert sum(line.startswith("[") for run in runs for line in run.expected) == 4


def test_the_readme_session_runs_as_written(tmp_path):
    """Each run's `you>` lines typed into the command; every `bot>` line and bracketed notice
    comes back, in order, on the one database the runs share (new, as a newcomer's is)."""
    env = command_environment(f"sqlite:///{tmp_path / 'benefits-bot.sqlite3'}")
    runs = transcript_runs(fenced_block(section("Try it without Twilio"), "text"))
    for run in runs:
        result = run_command(run.arguments, env, tmp_path, stdin="\n".join(run.typed) + "\n")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        output = normalised(result.stdout)
        position = 0
        for expected in map(normalised, run.expected):
            found = output.find(expected, position)
            assert found >= 0, (
                f"after typing {run.typed} as {run.arguments[-1]}, missing or out of order:\n"
                f"{expected}\n--- the command printed:\n{result.stdout}"
            )
            position = found + len(expected)
