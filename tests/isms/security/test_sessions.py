"""Sessions: a new key at sign-in, every session of a user ends when their password
changes or they are deactivated, `__Host-` cookies in production."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD


def _sign_in(username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_signing_in_issues_a_new_session_key(client, auditor):
    client.get("/login/")
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/login/", {"username": "auditor", "password": PASSWORD})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after


@pytest.mark.django_db
def test_a_password_change_ends_the_other_sessions(auditor):
    laptop, phone = _sign_in("auditor"), _sign_in("auditor")
    new = "a-brand-new-long-passphrase"
    response = laptop.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the session that changed it stays
    response = phone.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions(auditor):
    client = _sign_in("auditor")
    assert client.get("/").status_code == 200
    auditor.is_active = False
    auditor.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/api/me/").status_code in (401, 403)


def test_production_cookies_use_the_host_prefix():
    env = {
        **os.environ,
        "HTTPS": "true",
        "DEBUG": "false",
        "SECRET_KEY": "p" * 60,
        "ALLOWED_HOSTS": "isms.example.com",
        "DJANGO_SETTINGS_MODULE": "isms.settings",
    }
    code = (
        "import django; from django.conf import settings as s; django.setup();"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.SESSION_COOKIE_AGE, s.SESSION_ABSOLUTE_TIMEOUT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "Lax",
        "1800",
        "43200",
    ]
