"""Test settings: the real settings module, with test-friendly environment defaults.

Only defaults are set here; CI's environment (DATABASE_URL, CELERY_BROKER_URL,
REDIS_URL) wins, so the same suite runs on SQLite locally and PostgreSQL + Redis in CI.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Nobody is forced to enrol in two-factor; tests/isms/security/ switch it on.
os.environ.setdefault("REQUIRE_2FA_FOR", "")
# One approver per SoA, so that workflow tests decide once; the product's default (two,
# see isms/settings.py) and the quorum are tested in
# tests/isms/frameworks/test_quorum_reviews.py.
os.environ.setdefault("APPROVAL_QUORUM", "soa=1")
if "ISMS_VAR_DIR" not in os.environ:
    # One folder per test run (database file, broker queue, media), removed at exit, so
    # that parallel runs never share state. Child processes inherit it.
    os.environ["ISMS_VAR_DIR"] = tempfile.mkdtemp(prefix="isms-test-")
    atexit.register(shutil.rmtree, os.environ["ISMS_VAR_DIR"], ignore_errors=True)

# pytest-xdist (make test runs `-n 2`): each worker ("gw0", "gw1"...) gets its own test
# database (pytest-django suffixes its name), var folder, Celery queue and Redis cache
# database, so that workers never see each other's state. The worker processes a test
# starts (tests/workers.py) inherit the environment, hence the same folder and queue.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and os.environ.get("ISMS_TEST_WORKER_ENV") != XDIST_WORKER:
    os.environ["ISMS_TEST_WORKER_ENV"] = XDIST_WORKER  # done once, not again in children
    os.environ["ISMS_VAR_DIR"] = os.path.join(os.environ["ISMS_VAR_DIR"], XDIST_WORKER)
    os.makedirs(os.environ["ISMS_VAR_DIR"], exist_ok=True)
    os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", f"isms-test-{XDIST_WORKER}")
    if os.environ.get("REDIS_URL"):
        # cache.clear() flushes a whole Redis database: one database per worker, the
        # configured one plus the worker's number (CI: 2 and 3 with -n 2).
        base, _, number = os.environ["REDIS_URL"].rpartition("/")
        index = int(XDIST_WORKER.removeprefix("gw"))
        os.environ["REDIS_URL"] = f"{base}/{int(number or 0) + index}"

from isms.settings import *  # noqa: E402, F403

# Fast hashing: the hasher itself is Django's concern, not ours.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 - tests only
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# A file, not memory, so that a real worker process (tests/isms/test_worker.py) sees
# the test database too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# A test database need not survive a power cut: commits (transactional and browser tests,
# worker processes) do not wait for the disk.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Django's backend with a flush that deletes instead of truncating (tests/postgresql/).
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
