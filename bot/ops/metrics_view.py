"""GET /metrics: Prometheus metrics, for the fund's scraper only.

With METRICS_TOKEN set, a scrape must carry `Authorization: Bearer <token>`. Without it only
this machine may read them: a client on the loopback address whose request no proxy relayed.
Behind a proxy on the same host every visitor looks local to Flask, so a service reachable
from the internet needs METRICS_TOKEN (the forwarding headers a proxy adds are refused here,
but a proxy that adds none would still let the world in).
"""

import hmac
import ipaddress

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from bot.infra import metrics
from bot.infra.runtime import Runtime

blueprint = Blueprint("metrics", __name__)
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


@blueprint.get("/metrics")
def scrape() -> ResponseReturnValue:
    """Every metric in Prometheus's text format (OpenMetrics when the scraper asks for it)."""
    runtime: Runtime = current_app.extensions["runtime"]
    token = runtime.settings.metrics_token
    if token is not None and not _bearer_matches(token):
        refusal = jsonify(error="metrics need Authorization: Bearer and the METRICS_TOKEN")
        return refusal, 401, {"WWW-Authenticate": 'Bearer realm="metrics"'}
    if token is None and not _local_request():
        return jsonify(error="not found: metrics are served to this machine only"), 404
    body, content_type = metrics.exposition(request.headers.get("Accept"))
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _bearer_matches(token: str) -> bool:
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(supplied.strip().encode(), token.encode())


def _local_request() -> bool:
    if any(header in request.headers for header in PROXY_HEADERS):
        return False  # relayed by a proxy: whoever sent it, it was not this machine
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback
