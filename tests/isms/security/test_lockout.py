"""Brute force against sign-in: django-axes locks a (username, IP) pair out after
LOGIN_FAILURE_LIMIT failures, on every path that authenticates, for a cool-off time,
and an IP out after LOGIN_IP_FAILURE_LIMIT failures over any usernames (password
spraying). Failed API tokens are counted per IP and throttled, whatever the case of
the `Token` scheme."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from tests.factories import PASSWORD

LIMIT = 5


def _login(client, username, password, ip="10.0.0.1", path="/login/"):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def _fail(client, username, times, ip="10.0.0.1", path="/login/"):
    for _ in range(times):
        response = _login(client, username, "wrong-password-123", ip=ip, path=path)
    return response


@pytest.mark.django_db
def test_it_locks_the_user_and_ip_out_after_the_failure_limit(client, auditor, security_logs):
    response = _fail(client, "auditor", LIMIT - 1)
    assert response.status_code == 200  # the form again, with its error
    assert "enter a correct username and password" in response.content.decode()

    response = _fail(client, "auditor", 1)
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "paused for 0:15:00" in response.content.decode()
    # Even the right password is refused while locked out.
    response = _login(client, "auditor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "login.lockout" in security_logs.events()
    assert security_logs.events().count("login.failure") >= LIMIT


@pytest.mark.django_db
def test_an_attacker_cannot_lock_the_user_out_from_elsewhere(client, auditor):
    _fail(client, "auditor", LIMIT, ip="203.0.113.9")
    # The same user from their own network signs in normally.
    response = _login(client, "auditor", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(auditor.pk)


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off_time(client, auditor):
    _fail(client, "auditor", LIMIT)
    assert _login(client, "auditor", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _login(client, "auditor", PASSWORD)
    assert response.status_code == 302
    # A success resets the counter.
    assert not AccessAttempt.objects.filter(username="auditor").exists()


@pytest.mark.django_db
def test_the_admin_login_is_covered_too(client, admin_user):
    response = _fail(client, "admin", LIMIT, path="/admin/login/")
    assert response.status_code == 429
    response = _login(client, "admin", PASSWORD, path="/login/")
    assert response.status_code == 429


@pytest.mark.django_db
def test_password_confirmation_failures_count_towards_the_lockout(client_as, auditor):
    client = client_as(auditor)
    for _ in range(LIMIT):
        response = client.post(
            "/account/confirm-password/", {"password": "not-it-at-all", "next": "/account/"}
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username="auditor").exists()


@pytest.mark.django_db
@override_settings(TOKEN_FAILURE_LIMIT=3, TOKEN_FAILURE_WINDOW=60)
def test_failed_api_tokens_are_logged_and_throttled_per_ip(client, security_logs):
    cache.clear()
    bad = {"HTTP_AUTHORIZATION": "Token 0123abcd.not-a-real-secret", "REMOTE_ADDR": "10.9.9.9"}
    for _ in range(3):
        assert client.get("/api/me/", **bad).status_code == 401
    response = client.get("/api/me/", **bad)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "json" in response["Content-Type"]
    # Another address is not affected.
    other = client.get("/api/me/", HTTP_AUTHORIZATION="Token x", REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 401
    events = security_logs.events()
    assert events.count("token.failure") == 4
    assert "token.throttled" in events
    assert any("token=0123abcd" in line for line in security_logs.lines)
    assert not any("not-a-real-secret" in line for line in security_logs.lines)
    cache.clear()


@pytest.mark.django_db
@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_password_spraying_from_one_ip_is_locked_out(client, auditor, security_logs):
    """One password tried against many usernames: no (username, IP) pair reaches its
    limit, but the IP's failures over all usernames do, and then even a right password
    of another user from that IP is refused; other IPs are not affected."""
    for n in range(5):
        assert _login(client, f"user{n}", "Summer2026!").status_code == 200
    response = _login(client, "someone", "Summer2026!")
    assert response.status_code == 429
    assert "login.lockout" in security_logs.events()
    assert _login(client, "auditor", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert _login(client, "auditor", PASSWORD, ip="10.0.0.2").status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_a_success_does_not_reset_the_ip_count_of_other_usernames(client, auditor):
    """A sprayer who owns one account cannot wipe the IP's count by signing in."""
    for n in range(4):
        _login(client, f"user{n}", "Summer2026!")
    assert _login(client, "auditor", PASSWORD).status_code == 302
    client.logout()
    _login(client, "user9", "Summer2026!")
    assert _login(client, "user10", "Summer2026!").status_code == 429


@pytest.mark.django_db
@override_settings(TOKEN_FAILURE_LIMIT=3, TOKEN_FAILURE_WINDOW=60)
@pytest.mark.parametrize("scheme", ["token", "TOKEN", "Token\t", "tOkEn  "])
def test_the_token_scheme_is_read_in_any_case(client, security_logs, scheme):
    """DRF accepts the scheme in any case and any whitespace after it: so do the
    failed-token throttle and its log."""
    cache.clear()
    header = f"{scheme} 0123abcd.not-a-real-secret"
    bad = {"HTTP_AUTHORIZATION": header, "REMOTE_ADDR": "10.9.9.8"}
    for _ in range(3):
        assert client.get("/api/me/", **bad).status_code == 401
    response = client.get("/api/me/", **bad)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    events = security_logs.events()
    assert events.count("token.failure") == 3 and "token.throttled" in events
    assert any("token=0123abcd" in line for line in security_logs.lines)
    cache.clear()
