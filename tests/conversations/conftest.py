"""Reports the corpus's understood share and the transcripts' one-segment share per language
at the end of the run, and writes the transcripts' SMS tally when asked (segment_tally.py)."""

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conversations import segment_tally

# The corpus test's report property: per language (understood, total, misses).
CORPUS_SHARES = "corpus_shares"
# The segment tests' report property: per language (texts in one segment, texts).
SEGMENT_SHARES = "segment_shares"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per language for each share the tests reported; the corpus's misses."""
    segments = {k: v for found in _reported(terminalreporter, SEGMENT_SHARES) for k, v in found}
    if segments:
        terminalreporter.section("transcripts: replies and notices in one SMS segment")
        for language, (one, total) in segments.items():
            terminalreporter.write_line(_share(language, one, total))
    for shares in _reported(terminalreporter, CORPUS_SHARES)[:1]:
        terminalreporter.section("corpus: share understood per language")
        for language, (good, total, misses) in shares:
            terminalreporter.write_line(_share(language, good, total))
            for miss in misses:
                terminalreporter.write_line(f"         miss {miss}")


def _reported(terminalreporter: pytest.TerminalReporter, name: str) -> list[Any]:
    """What the tests reported under this name, as (language, figures) pairs; a report
    property reaches the summary from a pytest-xdist worker too."""
    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])]
    found = [v for r in reports for k, v in getattr(r, "user_properties", ()) if k == name]
    return [list(value.items()) for value in found]


def _share(language: str, good: int, total: int) -> str:
    return f"{language:6} {good:4}/{total:<4} {100 * good / total:5.1f} %"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("SEGMENT_TALLY_FILE")
    if path:
        segment_tally.write(Path(path))
