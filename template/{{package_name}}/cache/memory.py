"""An in-process cache: bounded (least recently used goes first), TTL, thread-safe.

It lives in one process: with several workers or replicas each has its own copy, and a write
in one does not invalidate the others. Choose Redis for more than one process.
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
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        key = self.prefix + key
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        key = self.prefix + key
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(self.prefix + key, None)

    def clear(self, prefix: str = "") -> None:
        prefix = self.prefix + prefix
        with self._lock:
            for key in [key for key in self._entries if key.startswith(prefix)]:
                del self._entries[key]

    def ping(self) -> bool:
        return True
