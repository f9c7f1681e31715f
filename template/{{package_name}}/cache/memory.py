"""An in-process cache: bounded (least recently used goes first), TTL, thread-safe.

It lives in one process: with several workers or replicas each has its own copy, and a write
in one does not reach the others. So the production server runs one process (with threads)
when this cache is chosen (gunicorn.conf.py); choose Redis for more than one process.
"""

import threading
import time
from collections import OrderedDict


class MemoryStore:
    name = "memory"

    def __init__(self, *, prefix: str, ttl: float, max_entries: int) -> None:
        self.prefix = prefix
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._writing: dict[str, int] = {}  # writes under way, per group
        self._lock = threading.Lock()

    def _key(self, group: str, version: int | str, key: str) -> str:
        return f"{self.prefix}{group}@{version}:{key}"

    def read(self, group: str, key: str) -> tuple[str | None, bytes | None]:
        with self._lock:
            version = self._versions.get(group, 0)
            entry_key = self._key(group, version, key)
            entry = self._entries.get(entry_key)
            if entry is None:
                return str(version), None
            expires, value = entry
            if expires <= time.monotonic():
                del self._entries[entry_key]
                return str(version), None
            self._entries.move_to_end(entry_key)
            return str(version), value

    def write(self, group: str, version: str, key: str, value: bytes) -> None:
        with self._lock:
            if version != str(self._versions.get(group, 0)) or self._writing.get(group):
                return  # loaded before a write moved the group on: nobody would read it
            entry_key = self._key(group, version, key)
            self._entries[entry_key] = (time.monotonic() + self.ttl, value)
            self._entries.move_to_end(entry_key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def begin(self, group: str) -> None:
        with self._lock:
            self._writing[group] = self._writing.get(group, 0) + 1
            self._versions[group] = self._versions.get(group, 0) + 1

    def end(self, group: str) -> None:
        with self._lock:
            self._versions[group] = self._versions.get(group, 0) + 1
            self._writing[group] -= 1
            if not self._writing[group]:
                del self._writing[group]

    def ping(self) -> bool:
        return True
