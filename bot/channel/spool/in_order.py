"""Answer spooled messages several people at a time, each person's strictly in arrival order.

One thread per person at a time (up to `threads` people at once): her messages go one after
the other, so her conversation sees them in the order she sent them, while other people's
are answered beside hers. When one comes back "wait" (the database is down again), no one's
next message is started.
"""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from bot.channel.spool.entry import Entry

Outcome = Literal["done", "wait", "failed"]


def process_in_order(
    entries: Sequence[Entry], process: Callable[[Entry], Outcome], threads: int
) -> list[Outcome | None]:
    """Each entry's outcome, by position; None for the ones not tried because of a "wait".

    `entries` must be oldest first: each person's keep that order."""
    people: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        people.setdefault(entry.message.phone, []).append(index)
    outcomes: list[Outcome | None] = [None] * len(entries)
    halt = threading.Event()

    def one_person(indexes: list[int]) -> None:
        for index in indexes:
            if halt.is_set():
                return
            outcomes[index] = outcome = process(entries[index])
            if outcome == "wait":
                halt.set()
                return

    workers = min(threads, len(people))
    if workers <= 1:
        one_person(list(range(len(entries))))  # everyone's, in arrival order
        return outcomes
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="spool") as pool:
        for future in [pool.submit(one_person, indexes) for indexes in people.values()]:
            future.result()
    return outcomes
