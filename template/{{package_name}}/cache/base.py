"""The one interface services use, whatever the backend."""

from typing import Protocol


class Cache(Protocol):
    """Bytes in, bytes out (services store JSON), every entry with a time to live.

    Backends never raise for a cache fault: a cache that cannot answer is a miss.
    """

    name: str

    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes) -> None: ...
    def delete(self, key: str) -> None: ...
    def clear(self, prefix: str = "") -> None: ...
    def ping(self) -> bool: ...


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
