"""One collection of the API (`/todos`, ...): the calls every resource answers alike.

A resource's module (one per resource, next to this one) names its path and its item type,
and spells out its fields as keyword arguments, so a call is checked by mypy.
"""

from typing import Any, ClassVar, Generic, TypeVar

import httpx
from pydantic import TypeAdapter
from pydantic_core import to_jsonable_python

from .errors import check

Item = TypeVar("Item")


class Collection(Generic[Item]):
    path: ClassVar[str]
    name: ClassVar[str]  # the attribute on Client: `api.todos`
    one: ClassVar[TypeAdapter[Any]]
    many: ClassVar[TypeAdapter[Any]]

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def list(self, *, limit: int = 20, offset: int = 0) -> list[Item]:
        """One page, oldest first; the API's X-Total-Count header says how many there are."""
        response = self.http.get(self.path, params={"limit": limit, "offset": offset})
        items: list[Item] = self.many.validate_json(check(response).content)
        return items

    def get(self, item_id: int) -> Item:
        return self._one(self.http.get(f"{self.path}/{item_id}"))

    def delete(self, item_id: int, *, if_match: int | None = None) -> None:
        """Delete one item; with `if_match`, only if its version is still that one."""
        check(self.http.delete(f"{self.path}/{item_id}", headers=_condition(if_match)))

    def _create(self, values: dict[str, Any]) -> Item:
        return self._one(self.http.post(self.path, json=to_jsonable_python(values)))

    def _update(self, item_id: int, values: dict[str, Any], if_match: int | None) -> Item:
        changes = to_jsonable_python({k: v for k, v in values.items() if v is not None})
        url = f"{self.path}/{item_id}"
        return self._one(self.http.patch(url, json=changes, headers=_condition(if_match)))

    def _one(self, response: httpx.Response) -> Item:
        item: Item = self.one.validate_json(check(response).content)
        return item


def _condition(version: int | None) -> dict[str, str]:
    """If-Match with the item's ETag (its version in quotes): 412 when someone wrote since."""
    return {} if version is None else {"If-Match": f'"{version}"'}
