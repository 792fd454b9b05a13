"""The API's bodies as pydantic models: validated strictly, described by the OpenAPI document.

Request models are strict (a number in quotes, 5.0 cents or `true` are errors, unknown fields
too). Two checks need the fund's settings and read them from the validation context: the
region national phone numbers are read in (`region`) and the most one payment may be
(`max_cents`). Validation errors become one message per field, keyed by a path such as
`contributions[0].amount_cents`.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo

from bot.infra.phone import InvalidPhoneNumber, normalize_phone

MAX_BATCH = 500
MAX_PAGE = 200
MAX_ID = 2**63 - 1
MAX_PHONE = 32
MAX_REFERENCE = 64
REFERENCE_PATTERN = r"^[ -~]+$"  # printable ASCII
CENTS = "must be a positive whole number of cents"
REFERENCE = "must be 1 to 64 printable ASCII characters"


def _phone(value: str, info: ValidationInfo) -> str:
    try:
        return normalize_phone(value, (info.context or {}).get("region", "US"))
    except InvalidPhoneNumber:
        raise ValueError("is not a valid phone number") from None


def _within_limit(value: int, info: ValidationInfo) -> int:
    limit = (info.context or {}).get("max_cents")
    if limit is not None and value > limit:
        raise ValueError(f"must be at most {limit} cents")
    return value


Language = Literal["en", "es", "pt_BR", "ht", "tl"]
Phone = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_PHONE,
        description="E.164, such as +12125550123",
        examples=["+12125550123"],
    ),
    AfterValidator(_phone),
]
Cents = Annotated[
    int,
    Field(gt=0, description="Whole cents, at most the fund's MAX_CONTRIBUTION_CENTS"),
    AfterValidator(_within_limit),
]
Reference = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_REFERENCE,
        pattern=REFERENCE_PATTERN,
        description="Your own id for it",
        examples=["job-20261120-0042"],
    ),
]
MoneyKind = Literal["contribution", "bonus", "match"]


class RequestBody(BaseModel):
    """A request body: exactly these fields, of exactly these types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EnrolmentIn(RequestBody):
    """A worker to enrol: she is invited by text in her language and agrees by text."""

    phone: Phone
    language: Language


class ContributionIn(RequestBody):
    """Money for one job; the reference is yours and unique among your contributions."""

    worker_phone: Phone
    amount_cents: Cents
    reference: Reference


class ContributionsIn(RequestBody):
    """One or many contributions, recorded all together or not at all."""

    contributions: Annotated[list[ContributionIn], Field(min_length=1, max_length=MAX_BATCH)]


class BonusIn(RequestBody):
    """The one-time jump-start bonus for a worker you enrolled."""

    worker_phone: Phone
    amount_cents: Cents
    reference: Reference | None = None


class ContributionQuery(BaseModel):
    """Filters and a page of the contributions list (from the query string)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    worker_phone: Phone | None = None
    reference: Reference | None = None
    after: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 50


class WorkerOut(BaseModel):
    """A worker you enrolled: `joined` once she agreed by text (to the fund's terms, or, if she
    was a member already, to you); until then `language` is the one you sent."""

    phone: str
    language: Language
    joined: bool
    enrolled_at: datetime


class EnrolmentOut(BaseModel):
    worker: WorkerOut


class ContributionOut(BaseModel):
    """Money you put into a worker's account."""

    id: int
    kind: MoneyKind
    worker_phone: str
    amount_cents: int
    currency: str
    reference: str | None
    created_at: datetime


class ContributionOneOut(BaseModel):
    contribution: ContributionOut


class ContributionsOut(BaseModel):
    contributions: list[ContributionOut]


class ContributionPageOut(BaseModel):
    """A page of your contributions, oldest first; pass `next_after` as `after` for more."""

    contributions: list[ContributionOut]
    next_after: int | None


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "string_too_long": "must be at most {max_length} characters",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "bool_type": "must be true or false",
    "literal_error": "must be one of {expected}",
    "list_type": "must be a list",
    "too_short": "must hold at least {min_length} items",
    "too_long": "must hold at most {max_length} items",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
}


def field_errors(error: ValidationError) -> dict[str, str]:
    """One message per field at fault, keyed by its path in the body."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        fields.setdefault(field_path(item["loc"]) or "body", _message(item))
    return fields


def field_path(location: tuple[int | str, ...]) -> str:
    """("contributions", 0, "amount_cents") -> "contributions[0].amount_cents"."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(item: Any) -> str:
    kind, context = item["type"], item.get("ctx") or {}
    field = next((part for part in reversed(item["loc"]) if isinstance(part, str)), "")
    if kind == "value_error":
        return str(context.get("error", item["msg"]))
    if field == "amount_cents" and kind in {"int_type", "int_parsing", "greater_than"}:
        return CENTS
    if field == "reference" and kind.startswith("string_"):
        return REFERENCE
    if kind == "too_short" and context.get("min_length") == 1:
        return "must not be empty"
    template = MESSAGES.get(kind)
    return template.format(**context) if template else str(item["msg"])
