"""Limits on what one request may ask for."""

from pydantic import BaseModel, Field

PAGE_SIZE_MAX = 100
# Ids are 32-bit integers on every database; a larger one cannot exist (404 would be a lie).
ID_MAX = 2**31 - 1


class Page(BaseModel):
    """Which slice of a list to return; bounded so one request cannot read a whole table."""

    limit: int = Field(default=20, ge=1, le=PAGE_SIZE_MAX)
    offset: int = Field(default=0, ge=0, le=10_000_000)
