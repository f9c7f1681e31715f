"""What services see of the cache, and what each backend (a store) provides.

Entries live in groups, one per resource. A write does not hunt down the entries it made
stale: it moves its group to a new version, and every entry is stored under the version its
reader saw before loading. Invalidation is one step however many keys are cached, and a
reader that loaded before a commit can only store under a version nobody reads any more.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import NamedTuple, Protocol, TypeAlias

# A finished JSON document: what a service returns, the cache keeps and a route sends as is.
JsonBody: TypeAlias = bytes


class Document(NamedTuple):
    """A finished answer: the JSON body, its entity tag (ETag) and, for a page, the total."""

    body: JsonBody
    etag: str
    total: int | None = None  # how many items the whole list has, for a page of it

    def pack(self) -> bytes:
        total = b"" if self.total is None else str(self.total).encode()
        return self.etag.encode() + b"\n" + total + b"\n" + self.body

    @classmethod
    def unpack(cls, packed: bytes) -> "Document | None":
        etag, _, rest = packed.partition(b"\n")
        total, newline, body = rest.partition(b"\n")
        if not newline or not (total.isdigit() or total == b""):
            return None  # not something this code wrote
        return cls(body, etag.decode("ascii", "replace"), int(total) if total else None)


class Store(Protocol):
    """A backend: versioned groups of entries, each entry expiring after the store's TTL.

    `read` gives the group's version and the entry under it; version None means the store
    cannot be trusted now (unreachable), so the reader loads without storing. `write` keeps a
    value only while its version is current and no write to the group is under way. `begin`
    and `end` bracket a write: begin makes every entry of the group unreachable and refuses
    new ones until end (raising UnavailableError when the store cannot be told); end moves
    the group on once more, so what was loaded during the write is never read.
    """

    name: str

    def read(self, group: str, key: str) -> tuple[str | None, bytes | None]: ...
    def write(self, group: str, version: str, key: str, value: bytes) -> None: ...
    def begin(self, group: str) -> None: ...
    def end(self, group: str) -> None: ...
    def ping(self) -> bool: ...


class Cache(Protocol):
    """What services use: a read through the cache, and a bracket around every write."""

    name: str

    def get_or_load(self, group: str, key: str, load: Callable[[], Document]) -> Document: ...
    def changing(self, group: str) -> AbstractContextManager[None]: ...
    def ping(self) -> bool: ...


class NullCache:
    """No caching: every read goes to the database."""

    name = "none"

    def get_or_load(self, group: str, key: str, load: Callable[[], Document]) -> Document:
        return load()

    def changing(self, group: str) -> AbstractContextManager[None]:
        return nullcontext()

    def ping(self) -> bool:
        return True
