"""The one interface services use, and the guard every backend sits behind."""

import hashlib
import hmac
import threading
from collections.abc import Callable
from typing import Protocol

TAG_BYTES = 16


class Cache(Protocol):
    """What services see: bytes in, bytes out (services store JSON), every entry with a TTL.

    A cache never fails a request: a backend that cannot answer is a miss.
    """

    name: str

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes) -> None: ...
    def delete(self, key: str) -> None: ...
    def clear(self, prefix: str = "") -> None: ...
    def ping(self) -> bool: ...
    def get_or_set(self, key: str, load: Callable[[], bytes]) -> bytes: ...


class Store(Protocol):
    """A backend: raw bytes under prefixed keys, expiring after the backend's TTL."""

    name: str

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes) -> None: ...
    def delete(self, key: str) -> None: ...
    def clear(self, prefix: str = "") -> None: ...
    def ping(self) -> bool: ...


class GuardedCache:
    """A store made safe to trust.

    Every value carries an HMAC of its key and bytes under the app's secret, so a value the
    app did not write (garbage, another app's entry, a value moved to another key) is a miss,
    never a 500. `get_or_set` is single-flight: when many threads miss the same key at once,
    one loads it and the others wait for that value instead of stampeding the database.
    """

    def __init__(self, store: Store, secret: bytes) -> None:
        self.store = store
        self.name = store.name
        self._secret = secret
        self._lock = threading.Lock()
        self._loading: dict[str, _Flight] = {}

    def _tag(self, key: str, value: bytes) -> bytes:
        mac = hmac.new(self._secret, key.encode(), hashlib.blake2b)
        mac.update(value)
        return mac.digest()[:TAG_BYTES]

    def get(self, key: str) -> bytes | None:
        sealed = self.store.get(key)
        if sealed is None or len(sealed) < TAG_BYTES:
            return None
        tag, value = sealed[:TAG_BYTES], sealed[TAG_BYTES:]
        return value if hmac.compare_digest(tag, self._tag(key, value)) else None

    def set(self, key: str, value: bytes) -> None:
        self.store.set(key, self._tag(key, value) + value)

    def delete(self, key: str) -> None:
        self.store.delete(key)

    def clear(self, prefix: str = "") -> None:
        self.store.clear(prefix)

    def ping(self) -> bool:
        return self.store.ping()

    def get_or_set(self, key: str, load: Callable[[], bytes]) -> bytes:
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            flight = self._loading.setdefault(key, _Flight())
            flight.waiting += 1
        try:
            with flight.lock:
                value = self.get(key)
                if value is None:
                    value = load()
                    self.set(key, value)
        finally:
            with self._lock:
                flight.waiting -= 1
                if not flight.waiting:
                    del self._loading[key]
        return value


class _Flight:
    """One load in progress for a key, and how many threads wait on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting = 0


class NullCache:
    """No caching: every read goes to the database."""

    name = "none"

    def get(self, key: str) -> bytes | None:
        return None

    def set(self, key: str, value: bytes) -> None:
        return None

    def delete(self, key: str) -> None:
        return None

    def clear(self, prefix: str = "") -> None:
        return None

    def ping(self) -> bool:
        return True

    def get_or_set(self, key: str, load: Callable[[], bytes]) -> bytes:
        return load()
