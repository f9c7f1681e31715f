"""A fixed-window rate limit per client, per process (off unless RATE_LIMIT_PER_MINUTE > 0).

With several workers each keeps its own count, so the effective limit is per worker; put a
shared limit in the reverse proxy when that matters.
"""

import threading
import time


class RateLimiter:
    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._counts: dict[str, int] = {}
        self._window_start = time.monotonic()
        self._lock = threading.Lock()

    def check(self, client: str) -> int:
        """0 when the request may go ahead, else the seconds to wait before trying again."""
        with self._lock:
            now = time.monotonic()
            if now - self._window_start >= self.window:
                self._counts.clear()
                self._window_start = now
            count = self._counts.get(client, 0) + 1
            self._counts[client] = count
            if count <= self.per_minute:
                return 0
            return max(1, int(self._window_start + self.window - now + 0.999))
