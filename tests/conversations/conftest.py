"""Reports the corpus's understood share per language at the end of the run, and writes the
transcripts' SMS tally when asked (see segment_tally.py)."""

import os
from pathlib import Path

import pytest

from tests.conversations import segment_tally

# The share understood per language: (understood, total, misses), set by the corpus test.
CORPUS_SHARES = pytest.StashKey[dict[str, tuple[int, int, list[str]]]]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per language: the share of the corpus understood, and the misses."""
    shares = terminalreporter.config.stash.get(CORPUS_SHARES, None)
    if shares is None:
        return
    terminalreporter.section("corpus: share understood per language")
    for language, (good, total, misses) in shares.items():
        terminalreporter.write_line(f"{language:6} {good:4}/{total:<4} {100 * good / total:5.1f} %")
        for miss in misses:
            terminalreporter.write_line(f"         miss {miss}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("SEGMENT_TALLY_FILE")
    if path:
        segment_tally.write(Path(path))
