"""The HTTP client under twilio's REST client: urllib3, one keep-alive pool per process.

twilio's default client goes through requests, which on every call builds a Request, merges
session settings, cookies and hooks and re-encodes the Basic credentials: about 0.4 ms of
Python per notice, more than the rest of our sender's own work but the round trips
(bench/notice_throughput.py). twilio lets a caller bring its own client (`HttpClient`, passed
as `http_client=`); this one does what the REST API needs (form or JSON bodies, query
parameters, Basic auth, timeouts, an optional proxy, certificate checks) on urllib3, which
requests itself runs on. It never retries and never follows redirects on its own: whether a
text may be sent again is the sender's decision (see bot.channel.sender).

Failures to reach Twilio are urllib3's (`NETWORK_ERRORS`): a connection refused or reset, a
timeout, a TLS failure.
"""

import base64
import json
import logging
import os
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment

import certifi
import urllib3
from twilio.http import HttpClient
from twilio.http.response import Response
from urllib3.exceptions import HTTPError

NETWORK_ERRORS = (HTTPError,)  # urllib3's base: refused, reset, timed out, TLS, proxy
FORM = "application/x-www-form-urlencoded"


class Urllib3HttpClient(HttpClient):
    """twilio's `HttpClient` on a urllib3 pool: connections kept alive between requests."""

    def __init__(self, base_url: str, timeout: float, max_connections: int = 4) -> None:
        super().__init__(logging.getLogger("twilio.http_client"), is_async=False, timeout=timeout)
        options: dict[str, Any] = {
            "retries": False,  # every request's: the sender decides whether to try again
            "timeout": urllib3.Timeout(timeout),
            "maxsize": max_connections,
            # requests' defaults, read once: a bundle named in the environment, else certifi's
            "ca_certs": os.environ.get("REQUESTS_CA_BUNDLE")
            or os.environ.get("CURL_CA_BUNDLE")
            or certifi.where(),
        }
        proxy = environ_proxy(base_url)
        self.pool: urllib3.PoolManager = (
            urllib3.ProxyManager(proxy, **options) if proxy else urllib3.PoolManager(**options)
        )
        self._authorization: dict[tuple[str, str], str] = {}

    def request(  # noqa: PLR0917 (twilio's signature, called positionally)
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if timeout is not None and timeout <= 0:
            raise ValueError(timeout)
        headers = dict(headers or {})
        if auth is not None:
            headers["Authorization"] = self._basic(auth)
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        body = None
        if data:
            if headers.get("Content-Type", "").endswith("json"):  # JSON and SCIM+JSON
                body = json.dumps(data)
            else:
                body = urlencode(data, doseq=True)
                headers.setdefault("Content-Type", FORM)
        per_call = {"timeout": urllib3.Timeout(timeout)} if timeout else {}  # else the pool's
        answer = self.pool.request(
            method.upper(), url, body=body, headers=headers, redirect=allow_redirects, **per_call
        )
        text = answer.data.decode("utf-8", errors="replace")
        self._test_only_last_response = Response(answer.status, text, answer.headers)
        return self._test_only_last_response

    def _basic(self, auth: tuple[str, str]) -> str:
        value = self._authorization.get(auth)
        if value is None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            value = self._authorization[auth] = f"Basic {token}"
        return value


def environ_proxy(url: str) -> str | None:
    """The proxy the environment names for this URL (HTTPS_PROXY..., unless NO_PROXY)."""
    parts = urlsplit(url)
    if parts.hostname is None or proxy_bypass_environment(parts.hostname):
        return None
    proxies = getproxies_environment()
    return proxies.get(parts.scheme) or proxies.get("all")
