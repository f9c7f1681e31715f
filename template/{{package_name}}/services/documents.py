"""Finished answers: the JSON body and the entity tag a client sends back to ask "changed?"."""

from hashlib import blake2b

from ..cache import Document, JsonBody


def item(body: JsonBody, version: int) -> Document:
    """One item's tag is its version: every write moves it on, so equal tags mean equal data."""
    return Document(body, f'"{version}"')


def listing(body: JsonBody, total: int) -> Document:
    """A page's tag is a digest of its bytes and the total, computed once when it is loaded."""
    digest = blake2b(body, digest_size=12)
    digest.update(str(total).encode())
    return Document(body, f'"{digest.hexdigest()}"', total)
