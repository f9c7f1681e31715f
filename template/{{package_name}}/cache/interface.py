"""What services see of the cache, and what each backend (a store) provides."""

from collections.abc import Callable
from typing import Protocol, TypeAlias

# A finished JSON document: what a service returns, the cache keeps and a route sends as is.
JsonBody: TypeAlias = bytes


class Store(Protocol):
    """A backend: values under prefixed keys, each expiring after the backend's TTL.

    A store never fails a request: one that cannot answer is a miss.
    """

    name: str

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes) -> None: ...
    def delete(self, key: str) -> None: ...
    def clear(self, prefix: str = "") -> None: ...
    def ping(self) -> bool: ...


class Cache(Store, Protocol):
    """A store with the one call reads go through: the cached body, or `load()` cached."""

    def get_or_set(self, key: str, load: Callable[[], JsonBody]) -> JsonBody: ...


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

    def get_or_set(self, key: str, load: Callable[[], JsonBody]) -> JsonBody:
        return load()
