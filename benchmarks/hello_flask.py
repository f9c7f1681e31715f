"""Flask's hello-world: the ceiling for a Flask app served the same way.

gunicorn -c gunicorn.conf.py hello_flask:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> dict[str, str]:
    return {"hello": "world"}
