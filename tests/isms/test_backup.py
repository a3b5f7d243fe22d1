"""The PostgreSQL backup of docs/operations.md works: a populated database dumped with
`pg_dump --format=custom` and restored with `pg_restore` into a fresh database holds the
same rows, the same audit trail, the same id sequences and the same freeze triggers.

The source is built the way an operator's is: `migrate` and `load_demo` (approved
scope, policies, methodology and SoA, assets, risks, acceptances, the audit trail) in a
separate process, against a database named after the test database; both databases
are dropped at the end.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def _pg_env() -> dict:
    params = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PGHOST=params["HOST"] or "localhost",
        PGPORT=str(params["PORT"] or 5432),
        PGUSER=params["USER"] or "",
        PGPASSWORD=params["PASSWORD"] or "",
    )
    return env


def _run(*args, env=None):
    result = subprocess.run(args, env=env or _pg_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _manage(database: str, *args):
    params = connection.settings_dict
    env = _pg_env()
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=(
            f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{env['PGHOST']}:"
            f"{env['PGPORT']}/{database}"
        ),
    )
    return _run(sys.executable, str(ROOT / "manage.py"), *args, env=env)


@pytest.fixture
def databases():
    """(source, restored): two databases named after the test database, dropped after."""
    base = connection.settings_dict["NAME"]
    names = (f"{base}_bksrc", f"{base}_restore")
    for name in names:
        _run("dropdb", "--if-exists", name)
    yield names
    for name in names:
        _run("dropdb", "--if-exists", name)


def _connect(database: str):
    params = connection.settings_dict
    return psycopg2.connect(
        dbname=database,
        host=params["HOST"] or "localhost",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"],
    )


def _state(database: str) -> dict:
    """Every table's row count and content digest, the audit trail's ordered digest,
    every sequence's position and the triggers."""
    state = {"tables": {}, "sequences": {}}
    conn = _connect(database)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
            for (table,) in cursor.fetchall():
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: E501, S608
                )
                state["tables"][table] = cursor.fetchone()
            cursor.execute(
                "SELECT count(*), md5(string_agg(t::text, E'\\n' ORDER BY t.id)) "
                "FROM isms_auditevent t"
            )
            state["audit"] = cursor.fetchone()
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
            state["sequences"] = dict(cursor.fetchall())
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                "WHERE NOT tgisinternal ORDER BY 1, 2"
            )
            state["triggers"] = cursor.fetchall()
    finally:
        conn.close()
    return state


@pytest.mark.slow
def test_pg_dump_and_pg_restore_give_back_the_same_database(databases, tmp_path):
    source, restored = databases
    # pg_dump refuses a server newer than itself; docs/operations.md says to match them.
    client_major = int(re.search(r"(\d+)\.\d+", _run("pg_dump", "--version")).group(1))
    server_major = connection.cursor().connection.server_version // 10000
    assert client_major >= server_major, f"pg_dump {client_major} < server {server_major}"

    _run("createdb", source)
    _manage(source, "migrate", "--noinput", "-v0")
    _manage(source, "load_demo")
    dump = tmp_path / "isms.dump"
    _run("pg_dump", "--format=custom", "--file", str(dump), source)
    _run("createdb", restored)
    # No --disable-triggers: the freeze triggers fire on UPDATE/DELETE only, and
    # pg_restore creates them after the data anyway.
    _run("pg_restore", "--exit-on-error", "--no-owner", "--dbname", restored, str(dump))

    before, after = _state(source), _state(restored)
    assert after["tables"] == before["tables"]
    assert after["audit"] == before["audit"]
    assert before["audit"][0] > 100  # a real trail, not an empty one compared with itself
    assert before["tables"]["risks_risk"][0] > 0 and before["tables"]["assets_asset"][0] > 0
    assert after["sequences"] == before["sequences"]
    assert after["triggers"] == before["triggers"]
    assert any(name.endswith("_frozen_when_approved") for _, name in after["triggers"])

    # django_migrations came back too (compared above); approved rows are still frozen.
    conn = _connect(restored)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT id FROM isms_policyversion WHERE approval_state = 'approved'")
            approved = cursor.fetchone()[0]
            with pytest.raises(psycopg2.Error, match="frozen"):
                cursor.execute(
                    "UPDATE isms_policyversion SET body = 'forged' WHERE id = %s", [approved]
                )
    finally:
        conn.rollback()
        conn.close()
