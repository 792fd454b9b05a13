"""How big a request body may be, checked before a byte of it is read.

Twilio's webhooks carry a few KB (a 1,600-character body, some media URLs, a dozen fields),
so 64 KiB leaves room without letting a forged request tie up a worker while its form is
parsed (the signature can only be checked once the form is read). The staff dashboard's
forms are short (16 KiB). The partner API takes batches up to its own 256 KiB.
"""

from typing import NoReturn

from flask import Flask, abort, request

from bot.partners.intake import MAX_BODY_BYTES as PARTNER_API_BYTES

KIB = 1024
TWILIO_BYTES = 64 * KIB
DEFAULT_BYTES = 16 * KIB  # the staff dashboard's forms, and anything not named below
BY_BLUEPRINT = {
    "webhook": TWILIO_BYTES,
    "status": TWILIO_BYTES,
    "partner_api": PARTNER_API_BYTES,
}


def init_app(app: Flask) -> None:
    """Refuse large bodies in every request, ahead of any other before-request step."""
    app.config["MAX_CONTENT_LENGTH"] = DEFAULT_BYTES
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_large_bodies)


def refuse_large_bodies() -> None:
    """413 for a body over this part of the app's limit: by its Content-Length, unread; a
    chunked one (no length) is read only up to the limit."""
    limit = BY_BLUEPRINT.get(request.blueprint or "", DEFAULT_BYTES)
    request.max_content_length = limit
    length = request.content_length
    if length is not None:
        if length > limit:
            _refuse(limit)
        return
    if request.environ.get("wsgi.input_terminated"):
        # Chunked (no length): read one byte past the limit at most, and keep what was read
        # for the form or the JSON. (werkzeug alone would stop at the limit without a word.)
        request.max_content_length = limit + 1
        if len(request.get_data(cache=True)) > limit:
            _refuse(limit)
        request.max_content_length = limit


def _refuse(limit: int) -> NoReturn:
    abort(413, f"The request body is over {limit // KIB} KiB.")
