"""GET /healthz: is the database reachable, is the queue reachable."""

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when every dependency answers, 503 naming the one that does not."""
    runtime: Runtime = current_app.extensions["runtime"]
    report = {"database": _database(runtime), "queue": _queue(runtime)}
    healthy = all(state in ("ok", "in-process") for state in report.values())
    return jsonify(status="ok" if healthy else "unavailable", **report), 200 if healthy else 503


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
