"""The urllib3 client under twilio's REST client: what it puts on the wire, and how it fails."""

import base64
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3
from sqlalchemy import select
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.channel.twilio_http import NETWORK_ERRORS, Urllib3HttpClient, environ_proxy
from bot.models import DeliveryEvent, OutboundStatus
from tests.worker_jobs.test_notices import contribution

ACCOUNT = "AC" + "b" * 32
MESSAGE = {
    "sid": "SM" + "c" * 32,
    "status": "queued",
    "body": "Ana ajoute $5.00",
    "to": "+12125550123",
    "date_created": "Sun, 22 Nov 2026 09:00:00 +0000",
}


class Capture:
    """A loopback server that records each request and answers with a scripted status."""

    def __init__(self) -> None:
        self.requests: list[dict[str, object]] = []
        self.status = 201
        capture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._record(b"")

            def do_POST(self) -> None:
                self._record(self.rfile.read(int(self.headers["Content-Length"])))

            def _record(self, body: bytes) -> None:
                capture.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body.decode(),
                        "port": self.client_address[1],
                    }
                )
                if self.command == "GET":
                    answer: dict[str, object] = {"messages": [MESSAGE], "next_page_uri": None}
                elif capture.status >= 400:
                    answer = {"code": 20003, "message": "Authenticate", "status": capture.status}
                else:
                    answer = MESSAGE
                payload = json.dumps(answer).encode()
                self.send_response(capture.status if self.command == "POST" else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def capture() -> Iterator[Capture]:
    server = Capture()
    yield server
    server.server.shutdown()
    server.server.server_close()


def client_for(base_url: str, timeout: float = 5) -> Client:
    client = Client(ACCOUNT, "secret", http_client=Urllib3HttpClient(base_url, timeout=timeout))
    client.api.base_url = base_url
    return client


def test_a_message_goes_out_as_twilio_expects_it(capture: Capture) -> None:
    client = client_for(capture.base_url)
    body = "Ana ajoute $5.00 · balans ou: $85.00 (Kreyòl, ção, 💛)"
    message = client.messages.create(
        to="+12125550123",
        from_="+15005550006",
        body=body,
        status_callback="https://fund.example.org/webhooks/twilio/status?outbox=7",
    )
    assert (message.sid, message.status) == (MESSAGE["sid"], "queued")
    sent = capture.requests[0]
    assert sent["method"] == "POST"
    assert sent["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    headers = sent["headers"]
    assert isinstance(headers, dict)
    assert (
        headers["Authorization"]
        == "Basic " + base64.b64encode(f"{ACCOUNT}:secret".encode()).decode()
    )
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "twilio-python" in headers["User-Agent"]
    form = {k: v[0] for k, v in parse_qs(str(sent["body"])).items()}
    assert form == {
        "To": "+12125550123",
        "From": "+15005550006",
        "Body": body,
        "StatusCallback": "https://fund.example.org/webhooks/twilio/status?outbox=7",
    }


def test_lists_carry_their_query_and_the_connection_is_kept_alive(capture: Capture) -> None:
    client = client_for(capture.base_url)
    found = client.messages.list(to="+12125550123", limit=50)
    client.messages.create(to="+12125550123", from_="+15005550006", body="again")
    assert [m.sid for m in found] == [MESSAGE["sid"]]
    listed = capture.requests[0]
    query = parse_qs(urlsplit(str(listed["path"])).query)
    assert query["To"] == ["+12125550123"] and query["PageSize"] == ["50"]
    assert listed["port"] == capture.requests[1]["port"], "one connection for both"


def test_an_error_answer_is_twilios_exception(capture: Capture) -> None:
    capture.status = 401
    with pytest.raises(TwilioRestException) as raised:
        client_for(capture.base_url).messages.create(to="+12125550123", from_="+1500", body="x")
    assert (raised.value.status, raised.value.code) == (401, 20003)


def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(NETWORK_ERRORS):
        client_for(f"http://127.0.0.1:{port}").messages.create(
            to="+12125550123", from_="+15005550006", body="x"
        )


def test_a_silent_server_times_out_as_a_network_error() -> None:
    with socket.socket() as silent:  # accepts (the kernel's backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        base_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(NETWORK_ERRORS):
            client_for(base_url, timeout=0.3).messages.create(
                to="+12125550123", from_="+15005550006", body="x"
            )


def test_the_environment_names_the_proxy_unless_no_proxy_says_otherwise(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert environ_proxy("https://api.twilio.com") == "http://proxy.internal:3128"
    client = Urllib3HttpClient("https://api.twilio.com", timeout=5)
    assert isinstance(client.pool, urllib3.ProxyManager)
    monkeypatch.setenv("NO_PROXY", "api.twilio.com")
    assert environ_proxy("https://api.twilio.com") is None
    assert not isinstance(Urllib3HttpClient("https://api.twilio.com", 5).pool, urllib3.ProxyManager)


def test_a_notice_twilio_cannot_be_reached_for_is_kept_for_a_retry(service) -> None:
    contribution(service)
    service.fake.stop()  # Twilio unreachable: its port refuses connections
    service.work()
    assert service.fake.sent == []
    # Each may have reached Twilio before the connection failed: they stay `sending`, and the
    # sweeper's next attempt first asks Twilio whether the text went out.
    assert {n["status"] for n in service.notices()} == {OutboundStatus.SENDING.value}
    with service.runtime.sessions() as session:
        events = session.scalars(select(DeliveryEvent.status)).all()
    assert events and set(events) == {"retry"}
