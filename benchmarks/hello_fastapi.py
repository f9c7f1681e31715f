"""FastAPI's hello-world: the ceiling for a FastAPI app served the same way.

gunicorn -c gunicorn.conf.py hello_fastapi:app
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


@app.get("/sync")
def hello_sync() -> dict[str, str]:
    """The same in a plain `def` endpoint, which FastAPI runs in its thread pool: the floor of a
    sync endpoint (the generated app's are sync, for the sync SQLAlchemy session)."""
    return {"hello": "world"}
