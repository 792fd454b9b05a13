"""The spool on local disk, for when Redis is down too: append-only files, fsync'd per message.

Each process appends to a file of its own; a marker per person says she has messages here.
A drainer first renames the files it will read (under a lock writers also take), so nothing
is appended to a file after it was read; a taken file is deleted only once all of it was
handed on. A drainer that dies leaves its taken files for the next one.
"""

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from secrets import token_hex

from bot.channel.spool.entry import Entry, dumps, loads


class FileSpool:
    """Keep and take spooled messages in a folder of this machine."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.markers = self.folder / "waiting"
        self._markers = str(self.markers)  # `waiting` runs for every message: no Path there

    def keep(self, entry: Entry) -> None:
        """Append the message, durably, before the webhook answers."""
        self.markers.mkdir(parents=True, exist_ok=True)
        line = (dumps(entry) + "\n").encode()
        with self._locked():
            path = self.folder / f"inbound-{os.getpid()}.jsonl"
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, line)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            self._marker(entry.message.phone).touch()

    def waiting(self, phone: str) -> bool:
        """Whether messages of hers wait here."""
        return os.path.exists(os.path.join(self._markers, _marker_name(phone)))

    def has_entries(self) -> bool:
        """Whether anything waits (cheap: a look at the folder)."""
        return self.folder.is_dir() and any(self._files())

    def depth(self) -> int:
        """How many messages wait here."""
        if not self.folder.is_dir():
            return 0
        return sum(len(path.read_bytes().splitlines()) for path in self._files())

    def set_aside(self) -> int:
        """How many messages were set aside here."""
        failed = self.folder / "failed.jsonl"
        return len(failed.read_bytes().splitlines()) if failed.is_file() else 0

    @contextmanager
    def draining(self) -> Iterator[bool]:
        """Be this machine's one drainer: yields False if another process is draining."""
        if not self.folder.is_dir():
            yield False
            return
        with open(self.folder / ".drain.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def take(self) -> tuple[list[Path], list[Entry]]:
        """Every file waiting (no more appends to them), and their entries, oldest first."""
        with self._locked():
            for path in self.folder.glob("inbound-*.jsonl"):
                path.rename(path.with_suffix(f".taken-{token_hex(4)}"))
        taken = sorted(self.folder.glob("inbound-*.taken-*"))
        entries = []
        for path in taken:
            for line in path.read_bytes().splitlines():
                try:
                    entries.append(loads(line))
                except ValueError:
                    continue  # a line cut short by a crash mid-write was never acknowledged
        entries.sort(key=lambda entry: entry.received_at)
        return taken, entries

    def bury(self, entry: Entry) -> None:
        """Keep a message our code failed on where staff can see it, out of the way."""
        with self._locked(), open(self.folder / "failed.jsonl", "a", encoding="utf-8") as out:
            out.write(dumps(entry) + "\n")

    def finish(self, taken: list[Path], entries: list[Entry]) -> None:
        """The taken files are handed on: delete them, and the markers no one needs now."""
        for path in taken:
            path.unlink(missing_ok=True)
        phones = {entry.message.phone for entry in entries}
        with self._locked():
            still = {entry.message.phone for entry in self._entries_left()}
            for phone in phones - still:
                self._marker(phone).unlink(missing_ok=True)

    def _entries_left(self) -> Iterator[Entry]:
        for path in self._files():
            for line in path.read_bytes().splitlines():
                try:
                    yield loads(line)
                except ValueError:
                    continue

    def _files(self) -> Iterator[Path]:
        yield from self.folder.glob("inbound-*.jsonl")
        yield from self.folder.glob("inbound-*.taken-*")

    def _marker(self, phone: str) -> Path:
        return self.markers / _marker_name(phone)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".write.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _marker_name(phone: str) -> str:
    """The name of the file that says her messages wait (her number, hashed)."""
    return hashlib.sha256(phone.encode()).hexdigest()[:32]
