"""Conditional requests: If-Match on writes (no lost update), If-None-Match on reads (304).

An item's ETag is its version in quotes (`"3"`). A client that read version 3 sends
`If-Match: "3"` with its PATCH or DELETE: if someone else wrote in between, it gets 412
instead of silently overwriting their change.
"""

from ..errors import ChangedError, PreconditionRequiredError

# Versions are 32-bit integers on every database: a larger tag cannot match any row.
VERSION_MAX = 2**31 - 1


def expected_version(if_match: str | None, *, required: bool) -> int | None:
    """The version a write must find, None for any (no header, or `*`)."""
    if if_match is None:
        if required:
            raise PreconditionRequiredError("send If-Match with the ETag you read")
        return None
    tag = if_match.strip()
    if tag == "*":
        return None
    number = tag.removeprefix('"').removesuffix('"')
    if tag == f'"{number}"' and number.isdecimal() and int(number) <= VERSION_MAX:
        return int(number)
    raise ChangedError("If-Match does not match the current version")


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """True when the client already has this representation (weak comparison, RFC 9110)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
