"""The types a resource's fields are made of, validated the same way in every resource.

Each type has the name `newbackend add resource --field NAME:TYPE` gives it (in brackets) and
a column of the same name in models/columns.py.
"""

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


def in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# Any text but NUL, which PostgreSQL cannot store: refused with a 422 on every database alike.
ShortText = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]  # [str]
LongText = Annotated[str, Field(max_length=10_000, pattern=r"^[^\x00]*$")]  # [text]
# 32 bits on every database; JSON true/false or "1" are not numbers.
Integer = Annotated[int, Field(strict=True, ge=-(2**31), le=2**31 - 1)]  # [int]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]  # [float]
Flag = StrictBool  # [bool]; false when a new item leaves it out
# With a time zone, any one: stored and sent back in UTC, the same on every database.
Moment = Annotated[AwareDatetime, AfterValidator(in_utc)]  # [datetime]


class Changes(BaseModel):
    """A partial update (PATCH): the fields sent are changed, the others stay as they are.

    Every field may be left out. Sending null clears an optional field; the fields named in
    `never_null` refuse it, and /openapi.json documents them without null.
    """

    model_config = ConfigDict(extra="forbid")
    never_null: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name in cls.never_null:
            raise ValueError("may be left out, but not set to null")
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented = handler(schema)
        properties: dict[str, Any] = handler.resolve_ref_schema(documented)["properties"]
        for name in cls.never_null:
            field = properties[name]
            field.pop("default", None)
            field.update(next(c for c in field.pop("anyOf") if c.get("type") != "null"))
        return documented
