"""Running requests or service calls at the same moment, on real threads with their own connections.

SQLite needs a file database for this (the in-memory one is a single shared connection): a module's
`app_overrides` fixture returns `file_database(tmp_path)`; PostgreSQL (DATABASE_URL) needs nothing."""
from __future__ import annotations

import threading
from typing import Callable

from tests.conftest import USING_POSTGRES


def file_database(tmp_path) -> dict:
    return {} if USING_POSTGRES else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.db'}"}


def run_together(jobs: list[Callable[[], object]]) -> list:
    """Start every job at once (a barrier releases them together) and return what each returned, or the
    exception it raised — reported by the caller's assertion, never swallowed."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index: int, job: Callable) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # the caller asserts on it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def post_together(requests: list[tuple]) -> list:
    """(client, path) posts at once; their status codes."""
    return run_together([lambda c=client, p=path: c.post(p).status_code for client, path in requests])
