"""What the transcripts cost by SMS: every reply and notice they produce, rendered as sent.

`Chat.text` (test_transcripts.py) records each turn here; with SEGMENT_TALLY_FILE set, the
conftest writes the tally as JSON when the run ends, for test_transcript_segments.py to read.
WhatsApp replies are not counted (WhatsApp has no segments).
"""

import json
from collections.abc import Iterable
from pathlib import Path

from bot.texting.texts import render
from conversations.segments import count_segments
from conversations.talk import Say

TALLY: list[dict[str, object]] = []


def record(says: Iterable[Say], language: str, kind: str) -> None:
    """One text as it goes out by SMS: its language, its segments and its words."""
    text = render(says, language)
    TALLY.append(
        {
            "language": language,
            "kind": kind,
            "segments": count_segments(text).segments,
            "text": text,
        }
    )


def write(path: Path) -> None:
    """The tally so far, as JSON."""
    path.write_text(json.dumps(TALLY, ensure_ascii=False))
