"""The web page at / and its files at /web/NAME, served from the client layer's folder."""

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

# Files, not imports: the page talks to the API over HTTP like any other client.
WEB = Path(__file__).resolve().parents[1] / "client" / "web"
FILES = frozenset(path.name for path in WEB.iterdir() if path.is_file())

pages = Blueprint("web", __name__)


@pages.get("/")
def index() -> Response:
    return send_from_directory(WEB, "index.html")


@pages.get("/web/<name>")
def asset(name: str) -> Response:
    if name not in FILES:  # only what ships in the folder, nothing a path could reach
        abort(404)
    return send_from_directory(WEB, name)
