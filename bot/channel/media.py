"""What she sent besides text, from Twilio's MediaContentType0: a photo, a voice note..."""

from collections.abc import Mapping

MAX_CONTENT_TYPE = 100
UNKNOWN_MEDIA = "application/octet-stream"


def content_type_of(form: Mapping[str, str], num_media: int) -> str | None:
    """The first attachment's content type (image/jpeg, audio/ogg...), if one came."""
    if num_media <= 0:
        return None
    value = form.get("MediaContentType0", "").strip().lower()[:MAX_CONTENT_TYPE]
    return value if "/" in value and value.isascii() else UNKNOWN_MEDIA


def kind_of(content_type: str | None) -> str:
    """The kind the conversation answers: photo, voice, video, file; "" when none came."""
    if not content_type:
        return ""
    major = content_type.partition("/")[0]
    return {"image": "photo", "audio": "voice", "video": "video"}.get(major, "file")
