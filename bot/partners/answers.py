"""What the partner API answers: JSON bodies built once, as text, so a replay is byte-for-byte.

Every error has one shape, `fields` only when particular fields are at fault:

    {"error": {"code": "validation_failed", "message": "Some fields are not valid.",
               "fields": {"contributions[0].amount_cents": "must be at most 10000 cents"}}}
"""

import json
from dataclasses import dataclass
from typing import Any

from flask import Response

MIMETYPE = "application/json"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status, its JSON text, and the notices to hand over after commit."""

    status: int
    body: str
    outbox_ids: tuple[int, ...] = ()
    replayed: bool = False  # the first answer to this Idempotency-Key, given again

    def response(self) -> Response:
        """The Flask response; a replay says so in a header."""
        response = Response(self.body, status=self.status, mimetype=MIMETYPE)
        if self.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response


class Refusal(Exception):
    """A request the API turns down with a 4xx answer; raised anywhere below a view."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields

    def answer(self) -> Answer:
        """The refusal as an answer, in the one error shape."""
        return Answer(self.status, error_text(self.code, self.message, self.fields))


def json_text(payload: Any) -> str:
    """The JSON text of a payload, the same for the same payload every time."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def error_text(code: str, message: str, fields: dict[str, str] | None = None) -> str:
    """An error body's JSON text."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return json_text({"error": error})


def ok(status: int, payload: Any, outbox_ids: tuple[int, ...] = ()) -> Answer:
    """A successful answer."""
    return Answer(status, json_text(payload), outbox_ids)


def unauthorized() -> Refusal:
    """The one answer to a missing, malformed, unknown or revoked key (which is never said)."""
    return Refusal(401, "unauthorized", "Send a live API key as: Authorization: Bearer <key>.")


def not_found(what: str) -> Refusal:
    """Nothing of this partner's by that id; another partner's is not found either."""
    return Refusal(404, "not_found", f"No {what} of yours has that id.")


def invalid(fields: dict[str, str]) -> Refusal:
    """Field-level validation errors."""
    return Refusal(422, "validation_failed", "Some fields are not valid.", fields)
