"""The partner API, `/api/v1`: JSON in, JSON out, one error shape, every write idempotent.

A partner enrols workers, pays into their accounts, and reads back what it paid; it sees no
balances, no other partner and no message texts. Each view is thin: `intake` reads and checks
the request, `idempotency` runs a write once per Idempotency-Key, and the modules beside them
do the work on the database.
"""

import logging
import re
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from bot.models import Partner
from bot.partners import contributions, enrolment, idempotency, openapi
from bot.partners import schemas as s
from bot.partners.answers import Answer, Refusal, error_text, invalid, not_found, ok
from bot.partners.contributions import NotEnrolled, Paid, Payment, ReferenceReused
from bot.partners.intake import authenticated, json_body, partner_id, runtime, validated

log = logging.getLogger(__name__)
blueprint = Blueprint("partner_api", __name__, url_prefix="/api/v1")
Body = TypeVar("Body", bound=BaseModel)
ID = re.compile(r"^[0-9]{1,19}$")
NOT_ENROLLED = "is not a worker you enrolled (POST /workers first)"


@blueprint.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI document (no key needed)."""
    return jsonify(openapi.document(runtime().settings))


@blueprint.post("/workers")
@authenticated
def enrol_worker() -> Response:
    """Enrol a worker by phone number and language; she is invited by text."""

    def act(session: Session, partner: Partner, body: s.EnrolmentIn) -> Answer:
        done = enrolment.enrol(session, runtime().settings, partner, body.phone, body.language)
        worker = s.WorkerOut(
            phone=done.phone,
            language=done.language,
            joined=done.joined,
            enrolled_at=done.enrolled_at,
        )
        payload = s.EnrolmentOut(worker=worker).model_dump(mode="json")
        return ok(201 if done.created else 200, payload, done.outbox_ids)

    return _write(s.EnrolmentIn, act)


@blueprint.post("/contributions")
@authenticated
def record_contributions() -> Response:
    """Record one or many contributions, all or none."""

    def act(session: Session, partner: Partner, body: s.ContributionsIn) -> Answer:
        payments = [
            Payment(c.worker_phone, c.amount_cents, c.reference) for c in body.contributions
        ]
        try:
            paid, new = contributions.contribute(session, partner, payments)
        except NotEnrolled as missing:
            raise invalid({f"contributions[{missing.index}].worker_phone": NOT_ENROLLED}) from None
        except ReferenceReused as reused:
            raise Refusal(
                409,
                "reference_reused",
                "A reference was used before for a different contribution.",
                {f"contributions[{reused.index}].reference": "was used for another contribution"},
            ) from None
        payload = s.ContributionsOut(contributions=[_shown(p) for p in paid])
        return ok(201 if new else 200, payload.model_dump(mode="json"))

    return _write(s.ContributionsIn, act, check=_references_unique)


@blueprint.post("/bonuses")
@authenticated
def grant_bonus() -> Response:
    """Grant a worker's one-time jump-start bonus."""

    def act(session: Session, partner: Partner, body: s.BonusIn) -> Answer:
        payment = Payment(body.worker_phone, body.amount_cents, body.reference)
        try:
            paid, new = contributions.grant_bonus(session, partner, payment)
        except NotEnrolled:
            raise invalid({"worker_phone": NOT_ENROLLED}) from None
        except ReferenceReused:
            raise Refusal(
                409, "bonus_already_granted", "You already granted this worker a different bonus."
            ) from None
        payload = s.ContributionOneOut(contribution=_shown(paid)).model_dump(mode="json")
        return ok(201 if new else 200, payload)

    return _write(s.BonusIn, act)


@blueprint.get("/contributions")
@authenticated
def list_contributions() -> Response:
    """A page of this partner's contributions, bonuses and matches, filtered."""
    query = validated(s.ContributionQuery, request.args.to_dict(), strict=False)
    with runtime().sessions() as session:
        partner = session.get_one(Partner, partner_id())
        paid, next_after = contributions.paid_list(
            session,
            partner,
            worker_phone=query.worker_phone,
            reference=query.reference,
            after=query.after,
            limit=query.limit,
        )
    page = s.ContributionPageOut(contributions=[_shown(p) for p in paid], next_after=next_after)
    return ok(200, page.model_dump(mode="json")).response()


@blueprint.get("/contributions/<contribution_id>")
@authenticated
def read_contribution(contribution_id: str) -> Response:
    """One of this partner's contributions; another partner's is not found."""
    if not ID.match(contribution_id) or not 0 < int(contribution_id) <= s.MAX_ID:
        raise not_found("contribution")
    with runtime().sessions() as session:
        partner = session.get_one(Partner, partner_id())
        paid = contributions.paid_one(session, partner, int(contribution_id))
    if paid is None:
        raise not_found("contribution")
    return ok(
        200, s.ContributionOneOut(contribution=_shown(paid)).model_dump(mode="json")
    ).response()


@blueprint.errorhandler(Refusal)
def refused(refusal: Refusal) -> Response:
    """A 4xx in the one error shape; a 401 says which scheme to use."""
    response = refusal.answer().response()
    if refusal.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="partner API"'
    return response


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Werkzeug's own errors (413 for a body over the limit...) in the one error shape."""
    code = (error.name or "error").lower().replace(" ", "_")
    status = error.code or 500
    return Answer(status, error_text(code, error.description or error.name)).response()


@blueprint.errorhandler(Exception)
def failed(error: Exception) -> Response:
    """Our fault: logged, and said in the one error shape, without details."""
    log.error("partner API: %s %s failed", request.method, request.path, exc_info=error)
    return Answer(500, error_text("internal_error", "Something went wrong on our side.")).response()


def _write(
    model: type[Body],
    act: Callable[[Session, Partner, Body], Answer],
    check: Callable[[Body], None] | None = None,
) -> Response:
    """Check the key and the body, then run the write once per Idempotency-Key."""
    key = idempotency.check_key(request.headers.get("Idempotency-Key"))
    data = json_body()
    body = validated(model, data)
    if check is not None:
        check(body)
    request_hash = idempotency.fingerprint(request.method, request.path, data)
    answer = idempotency.write_once(
        runtime(),
        partner_id(),
        key,
        request_hash,
        lambda session, partner: act(session, partner, body),
    )
    replay = " (replayed)" if answer.replayed else ""
    log.info(
        "partner %d: %s %s -> %d%s",
        partner_id(),
        request.method,
        request.path,
        answer.status,
        replay,
    )
    return answer.response()


def _references_unique(body: s.ContributionsIn) -> None:
    first: dict[str, int] = {}
    for index, contribution in enumerate(body.contributions):
        if contribution.reference in first:
            earlier = first[contribution.reference]
            raise invalid(
                {f"contributions[{index}].reference": f"repeats contributions[{earlier}]"}
            )
        first[contribution.reference] = index


def _shown(paid: Paid) -> s.ContributionOut:
    return s.ContributionOut(
        id=paid.id,
        kind=paid.kind.value,
        worker_phone=paid.worker_phone,
        amount_cents=paid.amount_cents,
        currency=runtime().settings.currency,
        reference=paid.reference,
        created_at=paid.created_at,
    )
