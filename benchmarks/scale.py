"""Write and read cost (medians, µs) against the number of cached keys, Redis and memory.

A write invalidates its resource in one step (the group's version moves on), so its cost must
not grow with the keys cached. For comparison the table also times what main did before, a
SCAN of the keyspace for the resource's prefix, at the same sizes. Each size fills the cache
with that many entries of a generated project's cache (Redis under a prefix of its own,
deleted afterwards), then times `changing()` (a write's two steps around its commit) and a hit.

    python benchmarks/scale.py [--sizes 1000,10000,100000,1000000] [--repeats 200]
"""

import argparse
import importlib
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import REDIS_URL, generate, header, markdown_table, meta, package, reachable, save


def median_us(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1_000_000


def fill(store: Any, size: int) -> None:
    """`size` entries in the resource's group, as reads of many pages and items would leave."""
    version = store.read("todos", "0")[0]
    if hasattr(store, "client"):
        pipe = store.client.pipeline(transaction=False)
        for i in range(size):
            pipe.set(f"{store.prefix}todos@{version}:{i}", b"x" * 200, ex=600)
            if i % 10_000 == 9_999:
                pipe.execute()
        pipe.execute()
    else:
        for i in range(size):
            store.write("todos", version, str(i), b"x" * 200)


def measure(cache_module: Any, backend: str, size: int, repeats: int) -> dict[str, object]:
    prefix = f"scale-{secrets.token_hex(4)}:"
    if backend == "redis":
        store = cache_module.RedisStore(REDIS_URL, prefix=prefix, ttl=600, timeout=5)
    else:
        store = cache_module.MemoryStore(prefix=prefix, ttl=600, max_entries=size + 10)
    cache = cache_module.SingleFlight(store)
    try:
        fill(store, size)
        page = cache_module.Document(b"[]" * 100, '"1"')

        def write() -> None:
            with cache.changing("todos"):
                pass  # the commit

        def hit() -> None:
            cache.get_or_load("todos", "page", lambda: page)

        cache.get_or_load("todos", "page", lambda: page)
        row: dict[str, object] = {
            "backend": backend,
            "keys": size,
            "write_us": round(median_us(write, repeats), 1),
            "hit_us": round(median_us(hit, repeats), 1),
        }
        if backend == "redis":

            def scan() -> None:  # main before: clear(prefix) walked the whole keyspace
                for _ in store.client.scan_iter(match=f"{prefix}todos:list:*", count=500):
                    pass

            row["scan_us"] = round(median_us(scan, max(3, repeats // 50)))
        return row
    finally:
        if backend == "redis":
            keys = list(store.client.scan_iter(match=f"{prefix}*", count=10_000))
            for start in range(0, len(keys), 10_000):
                store.client.delete(*keys[start : start + 10_000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    backends = ["memory"] + (["redis"] if reachable(REDIS_URL) else [])
    with tempfile.TemporaryDirectory() as out:
        project = generate(Path(out), "fastapi", "sqlite", "redis")
        sys.path.insert(0, str(project))
        cache_module = importlib.import_module(f"{package(project)}.cache")
        rows = [
            measure(cache_module, backend, size, args.repeats)
            for backend in backends
            for size in sizes
        ]
    info = meta(f"python benchmarks/scale.py --sizes {args.sizes} --repeats {args.repeats}")
    headers = ["backend", "keys cached", "write (µs)", "hit (µs)", "SCAN (µs)"]
    table = [
        [row["backend"], row["keys"], row["write_us"], row["hit_us"], row.get("scan_us", "—")]
        for row in rows
    ]
    markdown = header(info) + "\n" + markdown_table(headers, table)
    print(markdown)
    save("scale", info, rows, markdown)


if __name__ == "__main__":
    main()
