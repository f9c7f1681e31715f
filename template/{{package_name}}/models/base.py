"""The declarative base and the column types every model shares."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every database, always read back as an aware UTC datetime.

    Without this, SQLite and MySQL hand back naive values and PostgreSQL aware ones, and the
    same row would serialize differently depending on the database.
    """

    impl = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # Runs for every timestamp read: combine() (the date and time of `value`, in UTC) is
        # several times faster than value.replace(tzinfo=UTC).
        return None if value is None else datetime.combine(value, value.time(), UTC)


class Base(DeclarativeBase):
    pass
