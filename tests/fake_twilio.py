"""A fake Twilio REST API on loopback, so the real twilio client's request code runs in tests.

It accepts Messages.json creates and lists, records every message, and answers with scripted
failures (429, 500, 21610, 63016...) when a test asks for them. It also serves the Content
API's create (POST /v1/Content, JSON), as content.twilio.com does: a message sent with such a
content reads as its body with the variables filled in, and its buttons can be looked up.
"""

import json
import re
import secrets
import socket
import threading
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Sent:
    sid: str
    to: str
    sender: str
    body: str | None
    content_sid: str | None
    content_variables: str | None
    status_callback: str | None
    created: datetime


@dataclass
class FakeTwilio:
    """Start with `start()`; `base_url` goes in TWILIO_API_BASE_URL."""

    sent: list[Sent] = field(default_factory=list)
    script: deque[tuple[int, dict]] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    connections: set[socket.socket] = field(default_factory=set)  # kept alive, open now
    # Approved content templates, content SID -> body with {{1}}, {{2}}...: a message sent
    # with one reads as Twilio would show it.
    templates: dict[str, str] = field(default_factory=dict)
    # Contents created through the Content API, content SID -> the JSON posted.
    contents: dict[str, dict] = field(default_factory=dict)
    content_failures: int = 0  # the next creates that answer 500

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def shown(self, form: dict[str, str]) -> str | None:
        """The text of a message sent with a content template, its variables filled in."""
        template = self.templates.get(form.get("ContentSid", ""))
        if template is None:
            return None
        variables = json.loads(form.get("ContentVariables") or "{}")
        return re.sub(r"\{\{(\d+)\}\}", lambda v: variables[v.group(1)], template)

    def accept_then_fail(self, status: int = 500) -> None:
        """The next create is accepted (the text goes out) but answered with an error, as when
        Twilio's answer is lost: the sender must not send it twice."""
        self.script.append(
            (status, {"code": status, "message": "accepted, then failed", "keep": True})
        )

    def fail_next(self, status: int, code: int | None = None, times: int = 1) -> None:
        """The next `times` creates answer this error instead of accepting the message."""
        for _ in range(times):
            self.script.append(
                (
                    status,
                    {"code": code or status, "message": f"scripted {status}", "status": status},
                )
            )

    def buttons(self, message: Sent) -> list[tuple[str, str]]:
        """The (title, id) of each button or list item a message was sent with, its variables
        filled in (Twilio fills them in a button's id too)."""
        content = self.contents.get(message.content_sid or "")
        if content is None:
            return []
        variables = json.loads(message.content_variables or "{}")
        fill = lambda text: re.sub(r"\{\{(\d+)\}\}", lambda v: variables[v.group(1)], text)  # noqa: E731
        for kind, data in content["types"].items():
            if kind == "twilio/quick-reply":
                return [(fill(a["title"]), fill(a["id"])) for a in data["actions"]]
            if kind == "twilio/list-picker":
                return [(fill(i["item"]), fill(i["id"])) for i in data["items"]]
        return []

    def _create_content(self, content: dict) -> tuple[int, dict]:
        with self.lock:
            if self.content_failures:
                self.content_failures -= 1
                return 500, {"code": 20500, "message": "scripted failure", "status": 500}
            sid = "HX" + secrets.token_hex(16)
            self.contents[sid] = content
            body = next(iter(content["types"].values()))["body"]
            self.templates[sid] = body
        return 201, {"sid": sid, **content}

    def to(self, number: str) -> list[Sent]:
        with self.lock:
            return [message for message in self.sent if message.to == number]

    def start(self) -> "FakeTwilio":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as Twilio's API does: the client's pooled connection is reused, so a
            # benchmark measures our sender rather than a TCP handshake per notice.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with fake.lock:
                    fake.connections.add(self.connection)

            def finish(self) -> None:
                with fake.lock:
                    fake.connections.discard(self.connection)
                super().finish()

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if urlparse(self.path).path == "/v1/Content":
                    return self._answer(*fake._create_content(json.loads(raw)))
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                with fake.lock:
                    scripted = fake.script.popleft() if fake.script else None
                    if scripted is not None and not scripted[1].get("keep"):
                        return self._answer(*scripted)
                    message = Sent(
                        sid="SM" + secrets.token_hex(16),
                        to=form.get("To", ""),
                        sender=form.get("From", ""),
                        body=form.get("Body") or fake.shown(form),
                        content_sid=form.get("ContentSid"),
                        content_variables=form.get("ContentVariables"),
                        status_callback=form.get("StatusCallback"),
                        created=datetime.now(UTC),
                    )
                    fake.sent.append(message)
                if scripted is not None:
                    return self._answer(*scripted)
                self._answer(201, _resource(message))

            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                with fake.lock:
                    found = [m for m in fake.sent if m.to == query.get("To", m.to)]
                self._answer(
                    200,
                    {"messages": [_resource(m) for m in found], "next_page_uri": None, "page": 0},
                )

            def _answer(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            with self.lock:  # a stopped Twilio answers nothing, kept-alive connections too
                for connection in self.connections:
                    with suppress(OSError):
                        connection.shutdown(socket.SHUT_RDWR)
                self.connections.clear()


def _resource(message: Sent) -> dict:
    content = None
    if message.content_variables:
        content = json.loads(message.content_variables).get("1")
    return {
        "sid": message.sid,
        "status": "queued",
        "to": message.to,
        "from": message.sender,
        "body": message.body if message.body is not None else content,
        "date_created": format_datetime(message.created),
        "date_sent": format_datetime(message.created),
        "num_segments": "1",
    }
