"""Start a real Celery worker process against the test database and the configured broker.

Used by tests that prove the background path end to end (heartbeat, AWS sync with a
worker killed mid-run). The worker sees the test database because tests/settings.py
puts the SQLite test database in a file, and on PostgreSQL the test database is real.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import quote, urlparse

import pytest
from django.conf import settings
from django.db import connection

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or ''}:{db.get('PORT') or 5432}/{db['NAME']}"


def require_broker() -> None:
    """Skip (fail in CI) when the configured broker is Redis and unreachable."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis broker {urlparse(url).netloc} unreachable: {exc}")


@contextmanager
def celery_worker(*, concurrency: int = 1, pool: str = "prefork", extra_env=None):
    """Run `celery worker` as a child process for the duration of the block.

    Yields the Popen object, so a test may kill it (SIGKILL) and start another.
    """
    require_broker()
    env = os.environ.copy()
    env.update(
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="tests.settings",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        ISMS_VAR_DIR=str(settings.VAR_DIR),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra_env or {})
    process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "isms",
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate()` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}.")
