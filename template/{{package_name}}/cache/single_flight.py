"""Single-flight reads: when many threads miss the same key at once, one loads it and the
others wait for that value instead of stampeding the database."""

import threading
from collections.abc import Callable

from .interface import JsonBody, Store


class SingleFlight:
    """A store made into the cache services use (see interface.Cache)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.name = store.name
        self._lock = threading.Lock()
        self._loading: dict[str, Flight] = {}

    def get(self, key: str) -> bytes | None:
        return self.store.get(key)

    def set(self, key: str, value: bytes) -> None:
        self.store.set(key, value)

    def delete(self, key: str) -> None:
        self.store.delete(key)

    def clear(self, prefix: str = "") -> None:
        self.store.clear(prefix)

    def ping(self) -> bool:
        return self.store.ping()

    def get_or_set(self, key: str, load: Callable[[], JsonBody]) -> JsonBody:
        value = self.store.get(key)
        if value is not None:
            return value
        flight = self._join(key)
        try:
            with flight.lock:  # the first thread in loads; the others find its value after
                value = self.store.get(key)
                if value is None:
                    value = load()
                    self.store.set(key, value)
        finally:
            self._leave(key, flight)
        return value

    def _join(self, key: str) -> "Flight":
        with self._lock:
            flight = self._loading.setdefault(key, Flight())
            flight.waiting += 1
        return flight

    def _leave(self, key: str, flight: "Flight") -> None:
        with self._lock:
            flight.waiting -= 1
            if not flight.waiting:
                del self._loading[key]


class Flight:
    """One load in progress for a key, and how many threads wait on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting = 0
