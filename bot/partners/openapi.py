"""The partner API's OpenAPI 3.1 document, built from the same pydantic models that validate.

Served at `GET /api/v1/openapi.json`; the tests run schemathesis against it.
"""

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot import ledger
from bot.infra.config import Settings
from bot.partners import schemas as s

REQUESTS: tuple[type[BaseModel], ...] = (s.EnrolmentIn, s.ContributionsIn, s.BonusIn)
RESPONSES: tuple[type[BaseModel], ...] = (
    s.EnrolmentOut,
    s.ContributionsOut,
    s.ContributionOneOut,
    s.ContributionPageOut,
    s.ErrorOut,
)
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "Your unique id for this write. A repeat gets the first answer again; "
    "the same key with another body gets 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[!-~]+$"},
}
REFERENCE = {
    "type": "string",
    "minLength": 1,
    "maxLength": s.MAX_REFERENCE,
    "pattern": s.REFERENCE_PATTERN,
}
ERRORS = {
    400: "Malformed JSON, or a missing or malformed Idempotency-Key",
    401: "A missing, unknown or revoked API key",
    404: "None of yours has that id",
    409: "The Idempotency-Key, a reference or the bonus was used for something else",
    413: "The body is over 256 KiB",
    422: "Invalid fields: `error.fields` names each one",
}


def document(settings: Settings) -> dict[str, Any]:
    """The document for this fund (its limits come from the settings)."""
    return _document(min(settings.max_contribution_cents, ledger.MAX_TRANSFER_CENTS))


@cache
def _document(max_cents: int) -> dict[str, Any]:
    _, definitions = models_json_schema(
        [(model, "validation") for model in REQUESTS]
        + [(model, "serialization") for model in RESPONSES],
        ref_template="#/components/schemas/{model}",
    )
    components = definitions["$defs"]
    for name in ("ContributionIn", "BonusIn"):
        components[name]["properties"]["amount_cents"]["maximum"] = max_cents
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Benefits fund partner API",
            "version": "1",
            "description": "For gig platforms and public or sectoral programs: enrol workers, "
            "pay into their benefit accounts, and read back what you paid. Money is in whole "
            "cents. Keys are issued by the fund (`benefits-bot partner create`).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"partnerKey": []}],
        "paths": _paths(),
        "components": {
            "schemas": components,
            "securitySchemes": {"partnerKey": {"type": "http", "scheme": "bearer"}},
        },
    }


def _paths() -> dict[str, Any]:
    return {
        "/workers": {
            "post": _write(
                "Enrol a worker: she is invited by text and agrees by text",
                "EnrolmentIn",
                "EnrolmentOut",
            )
        },
        "/contributions": {
            "post": _write(
                "Record contributions (per job, with your reference), all or none",
                "ContributionsIn",
                "ContributionsOut",
            ),
            "get": {
                "summary": "Your contributions, bonuses and matches, oldest first",
                "parameters": [
                    _query(
                        "worker_phone", {"type": "string", "minLength": 1, "maxLength": s.MAX_PHONE}
                    ),
                    _query("reference", REFERENCE),
                    _query("after", {"type": "integer", "minimum": 0, "maximum": s.MAX_ID}),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": s.MAX_PAGE}),
                ],
                "responses": _responses(200, "ContributionPageOut", 401, 422),
            },
        },
        "/contributions/{contribution_id}": {
            "get": {
                "summary": "One of your contributions",
                "parameters": [
                    {
                        "name": "contribution_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
                    }
                ],
                "responses": _responses(200, "ContributionOneOut", 401, 404),
            }
        },
        "/bonuses": {
            "post": _write(
                "Grant a worker's one-time jump-start bonus", "BonusIn", "ContributionOneOut"
            )
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


def _write(summary: str, request: str, response: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": [IDEMPOTENCY_KEY],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref(request)}},
        },
        "responses": {
            **_responses(201, response, 400, 401, 409, 413, 422),
            "200": _content("Already done: what was done the first time", response),
        },
    }


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _responses(status: int, model: str, *errors: int) -> dict[str, Any]:
    answers = {str(status): _content("Done", model)}
    answers.update({str(error): _content(ERRORS[error], "ErrorOut") for error in errors})
    return answers


def _content(description: str, model: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _ref(model: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model}"}
