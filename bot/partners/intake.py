"""Reading a partner's request: who is calling, its JSON body, and its fields, in that order.

A missing, unknown or revoked key is turned down before anything else is read; then a body
over the size limit (413), malformed JSON (400), and invalid fields (422) are turned down
before any transaction starts.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from pydantic import BaseModel, ValidationError

from bot import ledger
from bot.infra.runtime import Runtime
from bot.partners import keys
from bot.partners.answers import Refusal, invalid, unauthorized
from bot.partners.schemas import field_errors

MAX_BODY_BYTES = 256 * 1024  # 500 contributions take about 60 KiB
Model = TypeVar("Model", bound=BaseModel)
View = TypeVar("View", bound=Callable[..., Any])


def runtime() -> Runtime:
    """The process's runtime, from the app."""
    found: Runtime = current_app.extensions["runtime"]
    return found


def partner_id() -> int:
    """The id of the partner whose key authenticated this request."""
    found: int = g.partner_id
    return found


def authenticated(view: View) -> View:
    """Run the view only for a live key (`Authorization: Bearer <key>`); else 401."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        with runtime().sessions() as session:
            partner = keys.authenticate(session, request.headers.get("Authorization"))
            if partner is None:
                raise unauthorized()
            g.partner_id = partner.id
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]


def json_body() -> Any:
    """The request's JSON, read up to the size limit."""
    request.max_content_length = MAX_BODY_BYTES
    data = request.get_data(cache=False)  # over the limit: werkzeug raises 413
    try:
        return json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise Refusal(400, "malformed_json", "The body is not valid JSON.") from None


def validated(model: type[Model], data: Any, *, strict: bool = True) -> Model:
    """The data as the model, or 422 naming each field at fault."""
    settings = runtime().settings
    context = {
        "region": settings.default_region,
        "max_cents": min(settings.max_contribution_cents, ledger.MAX_TRANSFER_CENTS),
    }
    try:
        return model.model_validate(data, strict=strict, context=context)
    except ValidationError as error:
        raise invalid(field_errors(error)) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
