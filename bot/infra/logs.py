"""Logs: one JSON object a line on stderr (plain text at a terminal), phone numbers masked.

Call sites mask numbers with `bot.infra.phone.mask_phone` and never log message bodies. The filter
here is the safety net for what slips through anyway: an exception's message, a URL, a
library's own log line. It masks anything shaped like a phone number (`+12125550123`,
`whatsapp:+12125550123`, `%2B12125550123` in a URL) or like a WhatsApp user id
(`whatsapp:US.13491208655302741918`) in the message, in extra fields and in tracebacks.

The JSON comes from python-json-logger, which already turns extra fields, exceptions and
odd values (datetimes, enums, bytes) into JSON; only the field names and the masking are ours.
"""

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from bot.infra.config import Settings
from bot.infra.phone import mask_phone

# A plus sign (or %2B in a URL), then 7 to 15 digits, perhaps spaced: +1 (212) 555-0123.
PHONE_NUMBER = re.compile(
    r"(?P<prefix>whatsapp(?::|%3A))?(?:\+|%2B)(?P<number>\d(?:[ .()-]{0,2}\d){6,14})(?!\d)",
    re.IGNORECASE,
)
# A WhatsApp business-scoped user id: a country code, a dot, 8 or more letters and digits with
# at least one digit (so that `OK.done` or a module path stays as it is).
WHATSAPP_USER_ID = re.compile(
    r"(?<![A-Za-z0-9.])(?P<id>[A-Z]{2}(?:\.ENT)?\.(?=[A-Za-z]*\d)[A-Za-z0-9]{8,128})(?![A-Za-z0-9])"
)
STANDARD_FIELDS = frozenset(RESERVED_ATTRS) | {"message", "asctime"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = {
    # Eight lines a call at INFO, and its lookup of recent messages names the recipient.
    "twilio.http_client": logging.WARNING,
    # At DEBUG it logs result rows: people's numbers and the texts they sent.
    "sqlalchemy.engine": logging.WARNING,
}


def mask_phone_numbers(text: str) -> str:
    """The text with every phone-number-looking sequence (and every WhatsApp user id) masked
    like `mask_phone` does."""
    text = PHONE_NUMBER.sub(_masked, text)
    return WHATSAPP_USER_ID.sub(lambda match: mask_phone(match.group("id")), text)


def _masked(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group("number"))
    return (match.group("prefix") or "") + mask_phone("+" + digits)


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phone_numbers(value)
    if isinstance(value, dict):
        return {key: _mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_value(item) for item in value]
    return value


class MaskPhoneNumbers(logging.Filter):
    """Masks phone numbers in a record's rendered message and in its extra fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message now, masked; mask extra fields. Never drops a record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = mask_phone_numbers(message), None
        if record.exc_text:  # a traceback another handler formatted and cached
            record.exc_text = mask_phone_numbers(record.exc_text)
        for name, value in list(vars(record).items()):
            if name not in STANDARD_FIELDS and not name.startswith("_"):
                setattr(record, name, _mask_value(value))
        return True


class _MaskedTracebacks(logging.Formatter):
    """Exceptions and stacks often quote values: mask them too."""

    def formatException(self, ei: Any) -> str:
        """The traceback, masked."""
        return mask_phone_numbers(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        """The stack, masked."""
        return mask_phone_numbers(super().formatStack(stack_info))


class JsonLines(_MaskedTracebacks, JsonFormatter):
    """{"time", "level", "logger", "message", extra fields..., "exc_info"} on one line."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        """Time first, in UTC to the millisecond, then what python-json-logger adds."""
        moment = datetime.fromtimestamp(record.created, UTC)
        log_data["time"] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        super().add_fields(log_data, record, message_dict)


class TextLines(_MaskedTracebacks):
    """`time LEVEL logger: message` for a person at a terminal."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record comes (tests and tools swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        """The current stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record through one masked handler on the root logger; return it.

    Idempotent: a second call replaces the handler the first one installed, and leaves other
    handlers (pytest's, say) alone."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "benefits_bot", False)]:
        root.removeHandler(old)
    handler = _StderrHandler() if stream is None else logging.StreamHandler(stream)
    handler.benefits_bot = True  # type: ignore[attr-defined]
    handler.addFilter(MaskPhoneNumbers())
    handler.setFormatter(JsonLines() if _format(settings, stream) == "json" else TextLines())
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(level, root.level))
    return handler


def _format(settings: Settings, stream: TextIO | None) -> str:
    if settings.log_format is not None:
        return settings.log_format
    target = stream or sys.stderr
    return "text" if hasattr(target, "isatty") and target.isatty() else "json"
