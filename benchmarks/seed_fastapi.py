"""The seed written for FastAPI: the single-file app a layered FastAPI project has to beat.

The same as `seed_app.py` (a new sqlite3 connection per request, `SELECT *`, rows as dicts),
the way a FastAPI tutorial writes it: sync endpoints (sqlite3 blocks) returning dicts through
FastAPI's default encoder. Serve it like the generated app (from a generated project's folder):

    SEED_DATABASE=/tmp/seed.db gunicorn -c gunicorn.conf.py seed_fastapi:app
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException
from seed_app import connect  # the same database and table (created on import)

app = FastAPI()


@app.get("/todos")
def list_todos(limit: int = 100, offset: int = 0) -> Any:
    with connect() as db:
        query = "SELECT * FROM todos ORDER BY id LIMIT ? OFFSET ?"
        return [dict(row) for row in db.execute(query, (min(limit, 100), offset))]


@app.get("/todos/{todo_id}")
def get_todo(todo_id: int) -> Any:
    with connect() as db:
        row = db.execute("SELECT * FROM todos WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        raise HTTPException(404, "not found")
    return dict(row)


@app.post("/todos", status_code=201)
def create_todo(data: Annotated[dict[str, Any], Body()]) -> Any:
    now = datetime.now(UTC).isoformat()
    with connect() as db:
        cursor = db.execute(
            "INSERT INTO todos (title, description, done, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (data["title"], data.get("description"), bool(data.get("done", False)), now, now),
        )
        row = db.execute("SELECT * FROM todos WHERE id = ?", (cursor.lastrowid,)).fetchone()
    return dict(row)
