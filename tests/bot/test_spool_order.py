"""Spooled messages are answered several people at a time, each person's in arrival order."""

import random
import threading
import time

from bot.channel.inbox import InboundText
from bot.channel.spool.entry import Entry
from bot.channel.spool.in_order import process_in_order
from bot.models import Channel

PHONES = [f"+1212555{n:04d}" for n in range(6)]


def entries(count: int) -> list[Entry]:
    rng = random.Random(7)
    made = []
    for n in range(count):
        message = InboundText(f"SM{n:032x}", Channel.SMS, rng.choice(PHONES), f"#{n}")
        made.append(Entry(message, received_at=float(n)))
    return made


def test_each_person_in_order_several_people_at_once():
    kept = entries(120)
    seen: dict[str, list[float]] = {}
    busy: set[str] = set()
    overlap = threading.Event()
    lock = threading.Lock()

    def process(entry: Entry) -> str:
        phone = entry.message.phone
        with lock:
            assert phone not in busy, "two of her messages at the same time"
            busy.add(phone)
            if len(busy) > 1:
                overlap.set()
        time.sleep(0.001)
        with lock:
            busy.discard(phone)
            seen.setdefault(phone, []).append(entry.received_at)
        return "done"

    outcomes = process_in_order(kept, process, threads=4)
    assert outcomes == ["done"] * len(kept)
    for times in seen.values():
        assert times == sorted(times)
    assert overlap.is_set()  # other people's messages were answered beside hers


def test_a_wait_stops_everyone_and_leaves_her_later_messages_untried():
    kept = entries(60)
    stuck = kept[10]

    def process(entry: Entry) -> str:
        return "wait" if entry is stuck else "done"

    outcomes = process_in_order(kept, process, threads=1)
    assert outcomes[10] == "wait"
    assert all(outcome is None for outcome in outcomes[11:])
    assert outcomes[:10] == ["done"] * 10
    threaded = process_in_order(kept, process, threads=4)
    her_later = [i for i, e in enumerate(kept) if e.message.phone == stuck.message.phone and i > 10]
    assert threaded[10] == "wait" and all(threaded[i] is None for i in her_later)
