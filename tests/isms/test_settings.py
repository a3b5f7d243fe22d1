"""Bad settings stop start-up with one clear line naming the variable."""

import os
import subprocess
import sys

import pytest

from tests.workers import ROOT


def run_check(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "LOG_FORMAT"}
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "false"}, "Environment variable SECRET_KEY is required but not set."),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY must be at least 50 characters"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "true", "DATABASE_URL": "mysql-ish://nope"}, "DATABASE_URL"),
        (
            {"DEBUG": "true", "DATABASE_URL": "mysql://u@h/db"},
            "DATABASE_URL must be sqlite:// or postgres://",
        ),
        ({"DEBUG": "true", "LOG_FORMAT": "xml"}, "LOG_FORMAT must be text or json"),
        (
            {"DEBUG": "true", "SESSION_IDLE_TIMEOUT": "soon"},
            "SESSION_IDLE_TIMEOUT must be a whole number",
        ),
    ],
)
def test_bad_settings_fail_with_a_line_naming_the_variable(env, message, tmp_path):
    result = run_check(ISMS_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert message in last_line


def test_good_settings_pass(tmp_path):
    result = run_check(ISMS_VAR_DIR=str(tmp_path), DEBUG="true")
    assert result.returncode == 0, result.stderr
