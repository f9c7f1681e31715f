"""How a page of a list tells the client the whole: X-Total-Count, and Link to the next page.

Headers rather than an envelope, so a page stays a plain JSON array (what every resource
returns, and what the cache keeps) and clients that ignore paging need no change.
"""

from typing import Any

from ..services import Page

# The two headers as OpenAPI documents them on a list's 200.
PAGE_HEADERS: dict[str, Any] = {
    "X-Total-Count": {"description": "How many items the list has", "schema": {"type": "integer"}},
    "Link": {"description": 'rel="next" and rel="prev" pages', "schema": {"type": "string"}},
}


def page_headers(path: str, page: Page, total: int | None) -> dict[str, str]:
    """X-Total-Count and, where there are more items, Link rel="next" and rel="prev"."""
    if total is None:
        return {}
    links = []
    if page.offset + page.limit < total:
        links.append(f'<{path}?limit={page.limit}&offset={page.offset + page.limit}>; rel="next"')
    if page.offset > 0:
        previous = max(0, page.offset - page.limit)
        links.append(f'<{path}?limit={page.limit}&offset={previous}>; rel="prev"')
    headers = {"X-Total-Count": str(total)}
    if links:
        headers["Link"] = ", ".join(links)
    return headers
