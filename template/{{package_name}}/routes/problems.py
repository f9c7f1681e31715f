"""One shape for a 422, whatever the framework: `{"detail": [{"loc", "msg", "type"}, ...]}`.

`loc` starts with where the value was (body, query, path, header), then the field; the input
itself is never echoed (it may be large, or a secret). A body that is not JSON, or not a JSON
object, says so in plain words.
"""

from collections.abc import Iterable, Mapping
from typing import Any

# What pydantic calls a body that is valid JSON but not an object (an array, a number, …).
_NOT_AN_OBJECT = {"model_type", "model_attributes_type", "dict_type"}


def field_errors(
    errors: Iterable[Mapping[str, Any]], location: str | None = None
) -> list[dict[str, Any]]:
    """The errors as the API sends them; `location` is put first when `loc` lacks it."""
    shaped = []
    for error in errors:
        loc = [location, *error["loc"]] if location else list(error["loc"])
        kind = error["type"]
        if kind == "json_invalid":
            shaped.append({"loc": ["body"], "msg": "the body is not valid JSON", "type": kind})
        elif kind in _NOT_AN_OBJECT and loc == ["body"]:
            message = "the body must be a JSON object"
            shaped.append({"loc": ["body"], "msg": message, "type": "model_type"})
        else:
            shaped.append({"loc": loc, "msg": error["msg"], "type": kind})
    return shaped
