"""Shared fixtures: one persona per role, clients signed in as each, and the rule that
CI never skips a test silently."""

import os

import pytest

from isms import roles
from tests.factories import PASSWORD, UserFactory

# Set by .ci/run: a test that would be skipped (no Redis, no browser...) fails instead.
REQUIRE_ALL = os.environ.get("ISMS_REQUIRE_ALL_TESTS") == "1"

PERSONAS = {
    "security_manager": {"role": roles.SECURITY_MANAGER},
    "manager": {"role": roles.MANAGEMENT},
    "auditor": {"role": roles.AUDITOR},
    "owner": {"role": None},  # owns assets and risks; no role
    "outsider": {"role": None},  # signed in, no role, owns nothing
    "admin": {"role": None, "is_superuser": True, "is_staff": True},
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = (
            f"Skipped in CI, which must run every test (ISMS_REQUIRE_ALL_TESTS=1): {reason}"
        )


# Run first, in this order: the slowest tests, then those that take seconds each
# (Chromium journeys, real worker processes).
HEAVY_MARKERS = ("slow", "browser", "worker")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the heavy tests first (a stable sort keeps each file's order): with make
    test's work-stealing scheduler (`--dist worksteal`), the worker that finishes first
    takes tests from the other, so the run does not end with one worker alone on a
    minute-long journey."""

    def weight(item):
        marked = [i for i, m in enumerate(HEAVY_MARKERS) if item.get_closest_marker(m)]
        return marked[0] if marked else len(HEAVY_MARKERS)

    items.sort(key=weight)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the rows its migrations created marked, so
    that the flush after a transactional test keeps them (tests/postgresql/)."""
    from django.db import connection

    from tests.postgresql.base import mark_seed_rows

    with django_db_blocker.unblock():
        mark_seed_rows(connection)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in French or German (the
    LocaleMiddleware activates the user's language for the thread and leaves it so) must
    not change what the next test of the same worker renders."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def make_persona(name: str):
    spec = dict(PERSONAS[name])
    role = spec.pop("role")
    return UserFactory(username=name, role=role, **spec)


@pytest.fixture
def persona(db):
    """persona("auditor") -> the user of that persona (created once per test)."""
    return make_persona


@pytest.fixture
def security_manager(db):
    return make_persona("security_manager")


@pytest.fixture
def manager(db):
    return make_persona("manager")


@pytest.fixture
def auditor(db):
    return make_persona("auditor")


@pytest.fixture
def owner(db):
    return make_persona("owner")


@pytest.fixture
def outsider(db):
    return make_persona("outsider")


@pytest.fixture
def admin_user(db):
    return make_persona("admin")


@pytest.fixture
def client_as(client):
    """client_as(user) -> the test client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def persona_password():
    return PASSWORD
