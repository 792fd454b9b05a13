"""GET /healthz: the database, the queue and the inbound spool, told apart.

"ok": everything answers. "degraded" (still 200): the database or Redis is down, but inbound
messages are kept in the spool and answered later, so Twilio should keep sending them here.
"unavailable" (503): a message arriving now could not be kept anywhere.
"""

import os
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.channel import spool
from bot.infra.runtime import Runtime

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when every dependency answers, 503 naming the one that does not."""
    runtime: Runtime = current_app.extensions["runtime"]
    database, queue = _database(runtime), _queue(runtime)
    depth = spool.depth(runtime)
    spool_state = {
        "state": "ok" if queue == "ok" or _disk_writable(runtime) else "unwritable",
        # Redis's count is "unknown" while it does not answer: not zero.
        "waiting": {store: "unknown" if n is None else n for store, n in depth.items()},
    }
    if database == "ok" and queue in ("ok", "in-process"):
        status = "ok"
    elif spool_state["state"] == "ok":
        status = "degraded"
    else:
        status = "unavailable"
    body = {"status": status, "database": database, "queue": queue, "spool": spool_state}
    return jsonify(body), 503 if status == "unavailable" else 200


def _disk_writable(runtime: Runtime) -> bool:
    folder = Path(runtime.settings.spool_dir).absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK)


def _database(runtime: Runtime) -> str:
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.warning("healthz: database unreachable", exc_info=True)
        return "unreachable"
    return "ok"


def _queue(runtime: Runtime) -> str:
    if runtime.redis is None:
        return "in-process"
    try:
        runtime.redis.ping()
    except RedisError:
        current_app.logger.warning("healthz: redis unreachable", exc_info=True)
        return "unreachable"
    return "ok"
