"""Writes the transcripts' SMS tally when asked (segment_tally.py)."""

import os
from pathlib import Path

import pytest

from tests.conversations import segment_tally


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("SEGMENT_TALLY_FILE")
    if path:
        segment_tally.write(Path(path))
