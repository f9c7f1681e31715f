"""The web page at / and its files at /web/NAME, served from the client layer's folder."""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

# Files, not imports: the page talks to the API over HTTP like any other client.
WEB = Path(__file__).resolve().parents[1] / "client" / "web"
FILES = frozenset(path.name for path in WEB.iterdir() if path.is_file())

# Not part of the API: left out of /openapi.json.
router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(WEB / "index.html")


@router.get("/web/{name}")
def asset(name: str) -> FileResponse:
    if name not in FILES:  # only what ships in the folder, nothing a path could reach
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(WEB / name)
