"""Settings for every test of the generator."""

import os

# Locking needs the package index and a second per project: only the tests about uv.lock
# lock (they unset this); every other rendered project has no uv.lock.
os.environ.setdefault("NEWBACKEND_NO_LOCK", "1")
