"""What the transcripts cost by SMS: at least 80 % of their replies and notices fit one
segment, in every language and overall, and none takes more than two.

Runs test_transcripts.py in a subprocess (as `pytest` would) with SEGMENT_TALLY_FILE set, so
the figures cover every transcript however this run was selected, then reads the tally that
its Chat wrote. The run's summary prints the share per language.
"""

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from conversations.keywords import LANGUAGES
from tests.conversations.reported import SEGMENT_SHARES

ROOT = Path(__file__).resolve().parents[2]
TRANSCRIPTS = Path(__file__).with_name("test_transcripts.py")
ONE_SEGMENT_SHARE = 0.8
MAX_SEGMENTS = 2


@pytest.fixture(scope="module")
def tally(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    path = tmp_path_factory.mktemp("segments") / "tally.json"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TRANSCRIPTS)],
        env={**os.environ, "SEGMENT_TALLY_FILE": str(path)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"the transcripts failed:\n{run.stdout[-3000:]}"
    texts = json.loads(path.read_text())
    assert texts, "the transcripts rendered nothing"
    return texts


def shares(tally: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Per language (and 'all'): texts in one segment, texts."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for text in tally:
        for key in (str(text["language"]), "all"):
            counts[key][0] += text["segments"] == 1
            counts[key][1] += 1
    return {key: (one, total) for key, (one, total) in counts.items()}


def test_the_transcripts_cover_every_language(tally):
    assert set(LANGUAGES) <= {text["language"] for text in tally}


def test_no_reply_or_notice_takes_more_than_two_segments(tally):
    over = [text for text in tally if text["segments"] > MAX_SEGMENTS]
    assert not over, "\n".join(f"{t['language']} {t['segments']}: {t['text']!r}" for t in over)


@pytest.mark.parametrize("language", [*LANGUAGES, "all"])
def test_most_replies_and_notices_fit_one_segment(tally, language, request):
    one, total = shares(tally)[language]
    # The run's summary prints the share per language (tests/conversations/conftest.py).
    request.node.user_properties.append((SEGMENT_SHARES, {language: (one, total)}))
    two = [t["text"] for t in tally if t["segments"] != 1 and language in ("all", t["language"])]
    assert one / total >= ONE_SEGMENT_SHARE, f"{language}: {one}/{total} in one segment:\n" + (
        "\n".join(map(repr, two))
    )
