"""FastAPI's hello-world: the ceiling for a FastAPI app served the same way.

gunicorn -c gunicorn.conf.py hello_fastapi:app
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}
