"""A spooled inbound message, as it is written to Redis or to a file and read back."""

import json
from dataclasses import dataclass

from bot.channel.inbox import InboundText
from bot.models import Channel


@dataclass(frozen=True)
class Entry:
    """A message the webhook kept for later: when it arrived, and where it is kept.

    `uncertain`: the webhook ran her conversation and then lost the database while
    committing, so the message may have been processed already without her hearing the
    answer; a replay of it then still sends the answer (once)."""

    message: InboundText
    received_at: float  # seconds since the epoch, as the webhook saw it
    ref: str = ""  # the Redis stream id, or "" for a file entry
    uncertain: bool = False


def dumps(entry: Entry) -> str:
    """One JSON line (no newline inside)."""
    message = entry.message
    data: dict[str, object] = {
        "sid": message.message_sid,
        "channel": message.channel.value,
        "phone": message.phone,
        "body": message.body,
        "media": message.num_media,
        "at": entry.received_at,
    }
    if message.user_id is not None:
        data["user_id"] = message.user_id
    if message.button is not None:
        data["button"] = message.button
    if message.media_type is not None:
        data["media_type"] = message.media_type
    if entry.uncertain:
        data["uncertain"] = True
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def loads(line: str | bytes, ref: str = "") -> Entry:
    """The entry a line holds; ValueError if it is not one."""
    try:
        data = json.loads(line)
        message = InboundText(
            message_sid=str(data["sid"]),
            channel=Channel(data["channel"]),
            phone=str(data["phone"]),
            body=str(data["body"]),
            num_media=int(data["media"]),
            user_id=_optional(data.get("user_id")),
            button=_optional(data.get("button")),
            media_type=_optional(data.get("media_type")),
        )
        return Entry(message, float(data["at"]), ref, uncertain=bool(data.get("uncertain")))
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a spool entry: {error}") from error


def _optional(value: object) -> str | None:
    return None if value is None else str(value)
