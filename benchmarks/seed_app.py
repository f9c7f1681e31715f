"""The seed: the single-file Flask + SQLite app a layered project has to beat.

A new sqlite3 connection per request, `SELECT *`, `jsonify`; the same `todos` table shape as
a generated project. Serve it like the generated app (from a generated project's folder):

    SEED_DATABASE=/tmp/seed.db gunicorn -c gunicorn.conf.py seed_app:app
"""

import os
import sqlite3
from datetime import UTC, datetime
from typing import Any

from flask import Flask, jsonify, request

DATABASE = os.environ.get("SEED_DATABASE", "seed.db")
SCHEMA = """
CREATE TABLE IF NOT EXISTS todos (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    done BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
)
"""

app = Flask(__name__)


def connect() -> sqlite3.Connection:
    connection = sqlite3.connect(DATABASE)
    connection.row_factory = sqlite3.Row
    return connection


with connect() as setup:
    setup.execute(SCHEMA)


@app.get("/todos")
def list_todos() -> Any:
    limit = min(int(request.args.get("limit", 100)), 100)
    offset = int(request.args.get("offset", 0))
    with connect() as db:
        rows = db.execute("SELECT * FROM todos ORDER BY id LIMIT ? OFFSET ?", (limit, offset))
        return jsonify([dict(row) for row in rows])


@app.get("/todos/<int:todo_id>")
def get_todo(todo_id: int) -> Any:
    with connect() as db:
        row = db.execute("SELECT * FROM todos WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        return jsonify(detail="not found"), 404
    return jsonify(dict(row))


@app.post("/todos")
def create_todo() -> Any:
    data = request.get_json()
    now = datetime.now(UTC).isoformat()
    with connect() as db:
        cursor = db.execute(
            "INSERT INTO todos (title, description, done, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (data["title"], data.get("description"), bool(data.get("done", False)), now, now),
        )
        row = db.execute("SELECT * FROM todos WHERE id = ?", (cursor.lastrowid,)).fetchone()
    return jsonify(dict(row)), 201
