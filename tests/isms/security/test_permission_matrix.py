"""The permission matrix (`permission_matrix.py`) against the real application.

One test per route: each of its rows is requested as every role, and every difference
is reported at once as table lines (expected, then actual), so a reviewer reads the
failure as a table and the fix is a copy-paste. Each request runs in a savepoint that
is rolled back, so a DELETE or an approval by one role does not change what the next
role sees.

The completeness tests walk the URLconf and the OpenAPI schema: a route or an API
operation that the table does not list fails, printing the rows to add.
"""

import json
import re
from collections import defaultdict

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from tests.conftest import make_persona
from tests.isms.security import permission_matrix as matrix
from tests.isms.security.matrix_world import World, token_for
from tests.openapi import openapi_document
from tests.transactions import owned_atomic, rolled_back
from tests.urlwalk import all_routes

IGNORED_PREFIXES = ("/static/", "/media/")
PERSONA_OF = {
    "security": "security_manager",
    "management": "manager",
    "auditor": "auditor",
    "owner": "owner",
    "norole": "outsider",
    "admin": "admin",
}
ROWS_BY_ROUTE = defaultdict(list)
for _row in matrix.ROWS:
    ROWS_BY_ROUTE[_row.route].append(_row)


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """The personas of the matrix's columns, an API token and a signed-in session each:
    made once per module (a transaction rolled back when the module ends), not per
    route. Each request runs in a savepoint rolled back after it, so none of them
    changes what the next request sees (a logout included)."""
    with django_db_blocker.unblock():
        atomic = owned_atomic()
        atomic.__enter__()
        try:
            # Sessions that outlive the module however slow the machine (the idle timeout
            # is fixed when a session is saved).
            with override_settings(SESSION_COOKIE_AGE=24 * 60 * 60):
                users = {role: make_persona(name) for role, name in PERSONA_OF.items()}
                yield {
                    "users": {role: user.pk for role, user in users.items()},
                    "tokens": {role: token_for(user) for role, user in users.items()},
                    "sessions": signed_in_sessions(users),
                }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(people, db, settings, monkeypatch):
    # Per-test memory cache: download rate limits and throttles start from zero.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Signing in counts as a fresh password confirmation (isms/reauth.py): the module's
    # sessions signed in when it started, which counts here as just now.
    settings.REAUTH_MAX_AGE = settings.REAUTH_ADMIN_MAX_AGE = 24 * 60 * 60
    # Routes that reach AWS (the connection test) meet a closed port at once, instead of
    # botocore's credential search and retries against the real endpoint.
    settings.AWS_ENDPOINT_URL = "http://127.0.0.1:9"
    settings.AWS_MAX_ATTEMPTS = 1
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    by_pk = get_user_model().objects.in_bulk(people["users"].values())
    users = {"anon": None, **{role: by_pk[pk] for role, pk in people["users"].items()}}
    world = World(users)
    world.own_asset  # noqa: B018 - the owner persona owns an asset from the start
    return world


def outcome(response, method: str) -> str:
    """The matrix code of a response (see the codes in permission_matrix)."""
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302, 303) and location.startswith("/login/") and "next=" in location:
        return "login"
    if status >= 500 or status in (401, 403, 404, 405):
        return str(status)
    if method == "GET":
        return "ok" if 200 <= status < 300 else str(status)
    return "ok"


def signed_in_sessions(users: dict) -> dict:
    """{role: the key of a session signed in as that role's user}: made outside the
    rolled-back requests, so each request starts from a signed-in session without
    paying for a sign-in of its own."""
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def call(session: str | None, token, method: str, path: str, body: dict | None):
    """One request as a role: its API token on the API, its signed-in session on the
    pages (a fresh client each time, so no cookie a response sets leaks into the next)."""
    client = Client(raise_request_exception=False)
    headers = {}
    api = path.startswith("/api/")
    if session is not None:
        if api:
            headers["Authorization"] = f"Token {token}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
    with rolled_back():
        if method == "GET":
            response = client.get(path, data=body, headers=headers)
        elif api:
            response = client.generic(
                method,
                path,
                data=json.dumps(body or {}),
                content_type="application/json",
                headers=headers,
            )
        else:
            response = client.post(path, data=body or {}, headers=headers)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(ROWS_BY_ROUTE))
def test_route_matches_the_matrix(world, people, route):
    tokens, sessions = people["tokens"], people["sessions"]
    differences = []
    for row in ROWS_BY_ROUTE[route]:
        kwargs = world.kwargs(row.target)
        path = reverse(row.route, kwargs=kwargs)
        builder = matrix.BODIES.get((row.route, row.method))
        body = builder(world, kwargs) if builder else None
        actual = {}
        for role in world.users:
            response = call(sessions.get(role), tokens.get(role), row.method, path, body)
            actual[role] = outcome(response, row.method)
        if actual != row.expected:
            differences.append(
                f"  expected: {row.line()}\n"
                f"  actual:   {matrix.format_row(row.route, row.target, row.method, actual)}\n"
                f"            ({row.method} {path})"
            )
    assert not differences, "The application differs from the matrix:\n" + "\n".join(differences)


def _application_routes():
    return [
        route
        for route in all_routes()
        if not route.path.startswith(IGNORED_PREFIXES)
        and not route.path.startswith(matrix.ADMIN_PREFIX)
    ]


def _skeleton(route: str, methods) -> str:
    return "\n".join(
        matrix.format_row(route, "<target>", method, dict.fromkeys(matrix.ROLES, "?"))
        for method in methods
    )


def test_every_route_is_in_the_matrix():
    listed = set(ROWS_BY_ROUTE)
    missing = [route for route in _application_routes() if route.name not in listed]
    assert not missing, (
        "Routes missing from tests/isms/security/permission_matrix.py; decide each code "
        "and add these rows (one per method the route accepts; a `<target>` is a "
        "World property in matrix_world.py):\n"
        + "\n".join(f"{_skeleton(r.name, ['GET'])}    # {r.path}" for r in missing)
    )


def test_every_row_names_a_real_route():
    names = {route.name for route in all_routes()}
    unknown = sorted(set(ROWS_BY_ROUTE) - names)
    assert not unknown, f"The matrix lists routes the URLconf does not have: {unknown}"


def _schema_operations():
    schema = openapi_document()
    for template, operations in schema["paths"].items():
        path = re.sub(r"\{[^}]+\}", "1", template)
        try:
            name = resolve(path).view_name
        except Resolver404:  # pragma: no cover - the schema only lists routed paths
            name = template
        for method in operations:
            if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                yield name, method.upper(), template


def test_every_api_operation_is_in_the_matrix():
    listed = {(row.route, row.method) for row in matrix.ROWS}
    missing = sorted(
        (name, method, template)
        for name, method, template in _schema_operations()
        if (name, method) not in listed
    )
    assert not missing, (
        "OpenAPI operations missing from tests/isms/security/permission_matrix.py; add:\n"
        + "\n".join(f"{_skeleton(n, [m])}    # {m} {t}" for n, m, t in missing)
    )


def test_api_rows_are_operations_of_the_schema():
    """An API row for a method the schema does not document is a stale row (or an
    undocumented operation, which item 6 forbids)."""
    operations = {(name, method) for name, method, _ in _schema_operations()}
    documented = {name for name, _ in operations}
    stale = [
        row.line()
        for row in matrix.ROWS
        if row.route in documented and (row.route, row.method) not in operations
    ]
    assert not stale, "Rows for operations the schema does not have:\n" + "\n".join(stale)


@pytest.mark.django_db
def test_the_admin_is_staff_only(world):
    """The admin rule of the matrix (ADMIN_RULE), on every admin URL of the walk."""
    admin_routes = [r for r in all_routes() if r.path.startswith(matrix.ADMIN_PREFIX)]
    wrong = []
    for role, user in world.users.items():
        if role == "admin":
            continue
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for route in admin_routes:
            response = client.get(route.path)
            location = response.get("Location", "")
            to_login = response.status_code == 302 and location.startswith(
                ("/login/", "/admin/login/")
            )
            # admin:login itself answers signed-in non-staff users with its form.
            if not to_login and route.name not in {"admin:login", "admin:logout"}:
                wrong.append(f"{role:<10} GET {route.path}: {response.status_code} {location}")
    client = Client(raise_request_exception=False)
    client.force_login(world.users["admin"])
    for route in admin_routes:
        if route.name == "admin:index" or route.name.endswith("_changelist"):
            response = client.get(route.path)
            if response.status_code != 200:
                wrong.append(f"admin      GET {route.path}: {response.status_code}")
    assert not wrong, "The admin is not staff only:\n" + "\n".join(wrong)
