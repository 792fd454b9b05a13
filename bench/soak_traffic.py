"""The soak benchmark's traffic (bench/soak.py): worker/household pairs texting the fund the way
phones and Twilio do.

Each pair follows one script, strictly in order (one message in flight per pair, so per
person too): the worker joins (hi, 1, yes, her name, ADD the household), the household
accepts, then cycles of visits reported (DONE today / yesterday / a date) and confirmed by
the household (yes, sometimes an amount or no), BALANCE, a day or half day off and its YES,
sometimes HISTORY. A quarter of the pairs speak Spanish. Many pairs are served at once by
`clients` threads, each with its own keep-alive connection (requests.Session).

Like Twilio: every request is signed with twilio's RequestValidator against PUBLIC_BASE_URL;
about 5% of messages are delivered twice with the same MessageSid (half of them at the same
instant, on a second connection; half right after the first answer); a connection that is
refused, or closed before any answer, is tried again after a short pause (the same
MessageSid); an HTTP error response or a 15 s timeout is not retried, and counts as a failure.

Each person stays under the inbound rate limit: the pair counts what it sent in the server's
fixed window (INBOUND_LIMIT, 20 messages per 600 s by default, duplicates included) and keeps
two in hand; a message that would pass that waits for the next window.
"""

import heapq
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from secrets import token_hex
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import requests
from twilio.request_validator import RequestValidator

from bot.infra.config import Settings
from bot.infra.phone import InvalidPhoneNumber, normalize_phone
from bot.texting import texts
from conversations import messages as m
from conversations.keywords import LANGUAGES
from conversations.talk import Say

PATH = "/webhooks/twilio/messages"
TIME_ZONE = ZoneInfo(Settings().default_time_zone)  # people's days, as the service reads them
LIMIT, WINDOW = Settings().inbound_limit  # the service's default inbound limit
BUDGET = LIMIT - 2  # kept in hand: a message sent at a window's end may be counted in the next
CONNECT_GIVE_UP = 120.0  # seconds of refused connections before a delivery counts as failed
RESET_RETRIES = 5
TIMEOUT = (5.0, 15.0)  # connect, read: Twilio waits 15 s for a webhook's answer
WORKER_NAMES = ("Maria", "Ana", "Rosa", "Lucia", "Carmen", "Joy", "Fatima", "Wendy", "Marie")
HOUSEHOLD_NAMES = ("Ana", "Beth", "Carol", "Dana", "Ellen", "Grace", "Helen", "Iris", "Kim")
WORKER_AREAS = ("212", "718", "917", "347")
HOUSEHOLD_AREAS = ("646", "201", "973", "914")


def _rendered(msgid: str) -> frozenset[str]:
    return frozenset(texts.render([Say(msgid)], language) for language in LANGUAGES)


@dataclass
class Pair:
    """A worker and the household she works for, texting one message at a time."""

    index: int
    worker: str
    household: str
    spanish: bool
    worker_name: str
    household_name: str
    rng: random.Random
    steps: Iterator[tuple[str, str]] = field(init=False)
    pending: tuple[str, str] | None = None  # the next step, when it had to wait
    windows: dict[str, tuple[int, int]] = field(default_factory=dict)  # phone: (window, sent)

    def __post_init__(self) -> None:
        self.steps = self._script()

    def phone(self, who: str) -> str:
        return self.worker if who == "worker" else self.household

    def allow(self, phone: str, deliveries: int) -> bool:
        """Count these deliveries against her window, unless they would pass the budget."""
        window = int(time.time() // WINDOW)
        seen_window, sent = self.windows.get(phone, (window, 0))
        if seen_window != window:
            sent = 0
        if sent + deliveries > BUDGET:
            return False
        self.windows[phone] = (window, sent + deliveries)
        return True

    def _script(self) -> Iterator[tuple[str, str]]:
        es, rng = self.spanish, self.rng
        yes = "si" if es else "yes"
        yield "worker", "hola" if es else rng.choice(("hi", "Hello", "hi!"))
        yield "worker", "2" if es else "1"
        yield "worker", yes
        yield "worker", self.worker_name
        yield "worker", f"{'agregar' if es else 'add'} {self.household} {self.household_name}"
        yield "household", yes
        cycle = 0
        while True:
            today = datetime.now(TIME_ZONE).date()
            for offset in ((2 * cycle) % 14, (2 * cycle + 1) % 14):
                yield "worker", _done(es, offset, today - timedelta(days=offset))
                roll = rng.random()
                yield "household", yes if roll < 0.85 else ("10" if roll < 0.95 else "no")
            yield "worker", "saldo" if es else "balance"
            half = rng.random() < 0.3
            yield "worker", _day_off(es, half, today + timedelta(days=3 + cycle % 60))
            yield "worker", yes
            if rng.random() < 0.5:
                yield "worker", rng.choice(("historial", "saldo") if es else ("history", "bal"))
            cycle += 1


def _done(es: bool, offset: int, day: date) -> str:
    if offset == 0:
        return "listo hoy" if es else "done today"
    if offset == 1:
        return "listo ayer" if es else "done yesterday"
    return f"listo {day.day}/{day.month}" if es else f"done {day:%b} {day.day}"


def _day_off(es: bool, half: bool, day: date) -> str:
    if es:
        return f"{'medio dia' if half else 'dia libre'} {day.day}/{day.month}"
    return f"{'half day' if half else 'day off'} {day:%b} {day.day}"


def make_pairs(count: int, seed: int) -> list[Pair]:
    """`count` pairs with valid, distinct US numbers; a quarter of them Spanish speakers."""
    pairs = []
    for index in range(count):
        rng = random.Random(seed * 1_000_003 + index)
        block, number = divmod(index, 10_000)
        worker = f"+1{WORKER_AREAS[block % 4]}{555 + block // 4:03d}{number:04d}"
        household = f"+1{HOUSEHOLD_AREAS[block % 4]}{555 + block // 4:03d}{number:04d}"
        for phone in (worker, household):
            try:
                normalize_phone(phone, "US")
            except InvalidPhoneNumber as error:
                raise SystemExit(f"generated an invalid number {phone}: {error}") from error
        pairs.append(
            Pair(
                index=index,
                worker=worker,
                household=household,
                spanish=rng.random() < 0.25,
                worker_name=rng.choice(WORKER_NAMES),
                household_name=rng.choice(HOUSEHOLD_NAMES),
                rng=rng,
            )
        )
    return pairs


class Schedule:
    """Pairs by the time their next message is due; a client takes the first one due."""

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, Pair]] = []
        self.ready = threading.Condition()
        self.counter = 0

    def put(self, due: float, pair: Pair) -> None:
        with self.ready:
            self.counter += 1
            heapq.heappush(self.heap, (due, self.counter, pair))
            self.ready.notify()

    def take(self, stop: threading.Event) -> Pair | None:
        with self.ready:
            while not stop.is_set():
                now = time.monotonic()
                if self.heap and self.heap[0][0] <= now:
                    return heapq.heappop(self.heap)[2]
                wait = self.heap[0][0] - now if self.heap else 0.5
                self.ready.wait(min(wait, 0.5))
        return None


@dataclass
class Delivery:
    """One delivery of a message (one or more HTTP attempts, retried on refused connections)."""

    outcome: str  # "ok" or a failure: "http 500", "timeout", "refused", "reset", "error"
    reply_kind: str = ""  # for "ok": reply, kept, try-later, slow-down, none
    reply: str = ""
    started: float = 0.0  # time.time() of the attempt that was answered
    seconds: float = 0.0  # how long that attempt took
    refused: int = 0  # attempts refused (or timed out connecting), then retried
    resets: int = 0  # attempts whose connection closed before any answer, then retried


@dataclass
class Message:
    """What became of one MessageSid the soak posted."""

    sid: str
    phone: str
    body: str
    posted_at: float
    deliveries: list[Delivery]
    duplicate: str  # "", "concurrent" or "sequential"


@dataclass
class Tally:
    """Everything the clients saw, shared (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[Message] = field(default_factory=list)
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (started, seconds)
    deferred: int = 0  # messages that waited for the next rate-limit window

    def add(self, message: Message) -> None:
        with self.lock:
            self.messages.append(message)
            for delivery in message.deliveries:
                if delivery.outcome == "ok" or delivery.outcome.startswith("http"):
                    self.latencies.append((delivery.started, delivery.seconds))

    def snapshot(self) -> tuple[int, int, list[float]]:
        """(messages, HTTP answers, the last minute's latencies) so far."""
        with self.lock:
            answers = len(self.latencies)
            recent = [s for started, s in self.latencies[-5000:] if started > time.time() - 60]
            return len(self.messages), answers, recent


class Traffic:
    """Clients posting the pairs' messages to the webhook until stopped."""

    def __init__(
        self,
        base_url: str,
        auth_token: str,
        public_base_url: str,
        people: int,
        clients: int,
        think: float,
        duplicates: float = 0.05,
        seed: int = 1,
    ) -> None:
        self.url = base_url + PATH
        self.signed_url = public_base_url + PATH
        self.validator = RequestValidator(auth_token)
        self.pairs = make_pairs(max(1, people // 2), seed)
        self.clients = clients
        self.think = think
        self.duplicates = duplicates
        self.schedule = Schedule()
        self.tally = Tally()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        texts.load_all()
        self.kept = _rendered(m.KEPT_FOR_LATER)
        self.try_later = _rendered(m.TRY_LATER)
        self.slow_down = _rendered(m.SLOW_DOWN)
        self.seconds = 0.0
        self._started = 0.0

    @property
    def people(self) -> int:
        return 2 * len(self.pairs)

    def start(self) -> None:
        now = time.monotonic()
        ramp = random.Random(0)
        for pair in self.pairs:  # first messages spread over one think time
            self.schedule.put(now + ramp.uniform(0, self.think), pair)
        self._started = time.monotonic()
        for number in range(self.clients):
            thread = threading.Thread(target=self._client, name=f"client-{number}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 180) -> None:
        """Let each client finish the message in hand, then stop."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        self.seconds = time.monotonic() - self._started if self._started else 0.0

    # -- one client ---------------------------------------------------------------------

    def _client(self) -> None:
        session = requests.Session()
        second = requests.Session()  # the connection a concurrent duplicate arrives on
        helper = ThreadPoolExecutor(max_workers=1)
        try:
            while (pair := self.schedule.take(self.stopping)) is not None:
                try:
                    self._turn(pair, session, second, helper)
                except Exception as error:  # a bug of the soak's: say so, keep the pair going
                    print(f"soak client error: {error!r}", flush=True)
                    self.schedule.put(time.monotonic() + self.think, pair)
        finally:
            helper.shutdown(wait=True)
            session.close()
            second.close()

    def _turn(
        self,
        pair: Pair,
        session: requests.Session,
        second: requests.Session,
        helper: ThreadPoolExecutor,
    ) -> None:
        """Send the pair's next message (perhaps twice), then schedule the one after."""
        if pair.pending is None:
            pair.pending = next(pair.steps)
        who, body = pair.pending
        phone = pair.phone(who)
        duplicate = ""
        if pair.rng.random() < self.duplicates:
            duplicate = "concurrent" if pair.rng.random() < 0.5 else "sequential"
        if not pair.allow(phone, 2 if duplicate else 1):
            with self.tally.lock:
                self.tally.deferred += 1
            next_window = (int(time.time() // WINDOW) + 1) * WINDOW - time.time()
            self.schedule.put(time.monotonic() + next_window + pair.rng.uniform(1, 30), pair)
            return
        pair.pending = None
        form = {
            "MessageSid": "SM" + token_hex(16),
            "AccountSid": "AC" + "1" * 32,
            "From": phone,
            "To": "+15005550006",
            "Body": body,
            "NumMedia": "0",
        }
        signature = self.validator.compute_signature(self.signed_url, form)
        posted_at = time.time()
        if duplicate == "concurrent":
            other = helper.submit(self._deliver, second, form, signature)
            deliveries = [self._deliver(session, form, signature), other.result()]
        else:
            deliveries = [self._deliver(session, form, signature)]
            if duplicate == "sequential":
                time.sleep(pair.rng.uniform(0, 0.3))
                deliveries.append(self._deliver(session, form, signature))
        self.tally.add(Message(form["MessageSid"], phone, body, posted_at, deliveries, duplicate))
        if not self.stopping.is_set():
            self.schedule.put(time.monotonic() + self.think * pair.rng.uniform(0.5, 1.5), pair)

    def _deliver(self, session: requests.Session, form: dict[str, str], signature: str) -> Delivery:
        """Post until answered; refused and unanswered connections are retried, nothing else."""
        first = time.monotonic()
        refused = resets = 0
        while True:
            started, clock = time.time(), time.perf_counter()
            try:
                response = session.post(
                    self.url, data=form, headers={"X-Twilio-Signature": signature}, timeout=TIMEOUT
                )
            except requests.exceptions.ConnectTimeout:
                kind = "refused"
            except requests.exceptions.Timeout:
                return Delivery("timeout", refused=refused, resets=resets)
            except requests.exceptions.ConnectionError as error:
                kind = _connection_failure(error)
            except requests.exceptions.RequestException:
                return Delivery("error", refused=refused, resets=resets)
            else:
                seconds = time.perf_counter() - clock
                if response.status_code != 200:
                    return Delivery(
                        f"http {response.status_code}", "", response.text[:200], started, seconds,
                        refused, resets,
                    )  # fmt: skip
                reply = _reply_of(response.text)
                return Delivery("ok", self._kind(reply), reply, started, seconds, refused, resets)
            if kind == "refused" and time.monotonic() - first < CONNECT_GIVE_UP:
                refused += 1
                time.sleep(0.5)
                continue
            if kind == "reset" and resets < RESET_RETRIES:
                resets += 1
                time.sleep(0.2)
                continue
            return Delivery(kind, refused=refused, resets=resets)

    def _kind(self, reply: str | None) -> str:
        if reply is None:
            return "unreadable"
        if not reply:
            return "none"
        if reply in self.kept:
            return "kept"
        if reply in self.try_later:
            return "try-later"
        if reply in self.slow_down:
            return "slow-down"
        return "reply"


def _connection_failure(error: BaseException) -> str:
    """refused (nothing listens), reset (closed before answering), or error."""
    seen: list[BaseException] = []
    stack: list[object] = [error]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or item in seen:
            continue
        seen.append(item)
        stack.extend([item.__cause__, item.__context__, *item.args])
        reason = getattr(item, "reason", None)
        if reason is not None:
            stack.append(reason)
    if any(isinstance(item, ConnectionRefusedError) for item in seen):
        return "refused"
    if any(
        isinstance(item, ConnectionResetError | BrokenPipeError | ConnectionAbortedError)
        or type(item).__name__ == "RemoteDisconnected"
        for item in seen
    ):
        return "reset"
    text = str(error)
    if "Connection refused" in text or "Errno 111" in text:
        return "refused"
    if "Connection aborted" in text or "Connection reset" in text:
        return "reset"
    return "error"


def _reply_of(twiml: str) -> str | None:
    try:
        root = ElementTree.fromstring(twiml)
    except ElementTree.ParseError:
        return None
    return "\n".join(element.text or "" for element in root.iter("Message"))


def count_outcomes(messages: list[Message]) -> Counter[str]:
    """How many deliveries ended each way."""
    return Counter(d.outcome for message in messages for d in message.deliveries)
