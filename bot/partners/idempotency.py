"""Every write carries an Idempotency-Key: a repeat gets the first answer, byte for byte.

The key is claimed in the same transaction as the write, by inserting its row (unique per
partner and key). A request under the same key at the same moment waits on that row; on
PostgreSQL it then fails with a unique violation, which `run_in_transaction` retries, and the
retry finds the first answer and replays it. The write itself runs in a savepoint, so that a
refusal half-way through (a reference reused in a batch) undoes its money but is still kept as
the key's first answer. The same key with another method, path or body is a 409, not kept.
A request turned down before the transaction (a bad key, malformed JSON, invalid fields)
keeps nothing: fixed, it may be sent again under the same key.
"""

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bot.channel import outbox
from bot.infra.db import run_in_transaction
from bot.infra.runtime import Runtime
from bot.models import Partner, PartnerRequest
from bot.partners.answers import Answer, Refusal, error_text

KEY = re.compile(r"^[!-~]{1,128}$")  # printable ASCII without spaces, as in a header

Act = Callable[[Session, Partner], Answer]


def check_key(header: str | None) -> str:
    """The Idempotency-Key header, if it is 1 to 128 printable ASCII characters."""
    if header is None or not header.strip():
        raise Refusal(400, "idempotency_key_missing", "A write needs an Idempotency-Key header.")
    if not KEY.match(header.strip()):
        raise Refusal(
            400,
            "idempotency_key_invalid",
            "An Idempotency-Key is 1 to 128 printable ASCII characters without spaces.",
        )
    return header.strip()


def fingerprint(method: str, path: str, body: Any) -> str:
    """What the request asked, whatever the spacing or the order of the body's fields."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def write_once(runtime: Runtime, partner_id: int, key: str, request_hash: str, act: Act) -> Answer:
    """Answer the request under this key once; then hand over the notices it wrote."""
    answer = run_in_transaction(
        runtime.sessions, lambda session: _write(session, partner_id, key, request_hash, act)
    )
    if not answer.replayed:
        outbox.hand_over(runtime, answer.outbox_ids)
    return answer


def _write(session: Session, partner_id: int, key: str, request_hash: str, act: Act) -> Answer:
    earlier = session.get(PartnerRequest, (partner_id, key))
    if earlier is not None:
        return _replay(earlier, request_hash)
    claim = PartnerRequest(partner_id=partner_id, key=key, fingerprint=request_hash)
    session.add(claim)
    session.flush()  # a concurrent claim of the same key waits here, then fails and is retried
    partner = session.get_one(Partner, partner_id)
    savepoint = session.begin_nested()
    try:
        answer = act(session, partner)
    except Refusal as refusal:
        savepoint.rollback()
        answer = refusal.answer()
    else:
        savepoint.commit()
    claim.status_code = answer.status
    claim.response_body = answer.body
    return answer


def _replay(earlier: PartnerRequest, request_hash: str) -> Answer:
    if earlier.fingerprint != request_hash:
        return Answer(
            409,
            error_text(
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different request; use a new key.",
            ),
        )
    if earlier.status_code is None or earlier.response_body is None:
        raise RuntimeError("an idempotency record committed without its answer")
    return Answer(earlier.status_code, earlier.response_body, replayed=True)
