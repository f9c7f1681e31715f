"""The cache services use, on any store: versioned reads, single-flight loads, write brackets.

When many threads miss the same key at once, one loads it and the others take its value
instead of stampeding the database.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .interface import Document, Store


class SingleFlight:
    """A store made into the cache services use (see interface.Cache)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.name = store.name
        self._lock = threading.Lock()
        self._loading: dict[str, Flight] = {}

    def ping(self) -> bool:
        return self.store.ping()

    @contextmanager
    def changing(self, group: str) -> Iterator[None]:
        """Around a write and its commit: no reader trusts what it loaded meanwhile."""
        self.store.begin(group)
        try:
            yield
        finally:
            self.store.end(group)

    def get_or_load(self, group: str, key: str, load: Callable[[], Document]) -> Document:
        version, packed = self.store.read(group, key)
        cached = None if packed is None else Document.unpack(packed)
        if cached is not None:
            return cached
        if version is None:  # the store cannot be trusted now: straight to the database
            return load()
        slot = f"{group}@{version}:{key}"
        flight = self._join(slot)
        try:
            with flight.lock:  # the first thread in loads; the others take its document
                if flight.document is None:
                    flight.document = load()
                    self.store.write(group, version, key, flight.document.pack())
                return flight.document
        finally:
            self._leave(slot, flight)

    def _join(self, slot: str) -> "Flight":
        with self._lock:
            flight = self._loading.setdefault(slot, Flight())
            flight.waiting += 1
        return flight

    def _leave(self, slot: str, flight: "Flight") -> None:
        with self._lock:
            flight.waiting -= 1
            if not flight.waiting:
                del self._loading[slot]


class Flight:
    """One load in progress for a slot (group, version, key), and how many threads wait on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting = 0
        self.document: Document | None = None
