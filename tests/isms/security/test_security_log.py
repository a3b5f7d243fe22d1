"""The security log: the events of a scripted session are there with user, UTC time,
request id and IP; no password, session id, token or AWS key ever reaches a log line;
user text cannot forge a line."""

import json
import logging
import re

import pytest

from isms import security_log
from isms.logging import JsonFormatter
from tests.factories import PASSWORD

AWS_KEY = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")


def _sign_in(client, username, password, ip="10.0.0.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_a_scripted_session_logs_its_events_and_no_secret(client, auditor, security_logs):
    # A failed and a successful sign-in, a token created and used, a bad token, a 403.
    assert _sign_in(client, "auditor", "Wrong-but-long-password-1").status_code == 200
    assert _sign_in(client, "auditor", PASSWORD).status_code == 302
    session_id = client.cookies["sessionid"].value
    response = client.post("/account/", {"name": "laptop"})
    token = response.context["new_token"]
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    bad = f"{token[:9]}AKIAIOSFODNN7EXAMPLE"
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {bad}").status_code == 401
    assert client.get("/admin/").status_code in (302, 403)
    client.post("/logout/")

    events = security_logs.events()
    for expected in ("login.failure", "login.success", "token.use", "token.failure", "logout"):
        assert expected in events, events
    text = "\n".join(security_logs.lines)
    for secret in (PASSWORD, "Wrong-but-long-password-1", session_id, token, token.split(".")[1]):
        assert secret not in text
    assert not AWS_KEY.search(text)
    # Every security line carries the user, the UTC time, the request id and the IP.
    success = next(r for r in security_logs.records if getattr(r, "event", "") == "login.success")
    line = success.getMessage()
    assert "user=auditor" in line and "ip=10.0.0.7" in line
    assert re.search(r"time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line)
    assert re.search(r"request_id=[0-9a-f]{32}", line)


@pytest.mark.django_db
def test_permission_denials_are_logged(client_as, outsider, security_logs):
    client = client_as(outsider)
    response = client.get("/audit/")
    assert response.status_code == 403
    denial = [r for r in security_logs.records if getattr(r, "event", "") == "permission.denied"]
    assert denial and "user=outsider" in denial[0].getMessage()
    assert "path=/audit/" in denial[0].getMessage()


@pytest.mark.django_db
def test_a_username_with_line_breaks_cannot_forge_a_log_line(client, security_logs):
    forged = "eve\r\n2026-01-01 INFO isms.security event=login.success user=admin"
    _sign_in(client, forged, "whatever-password-1")
    security = [line for line in security_logs.lines if "isms.security" in line]
    assert security
    for line in security:
        assert "\n" not in line and "\r" not in line
    assert any('username="eve\\r\\n2026-01-01' in line for line in security)


def test_values_are_escaped_and_bounded():
    assert security_log.clean("alice") == "alice"
    assert security_log.clean("a b") == '"a b"'
    assert security_log.clean('x" y=1') == '"x\\" y=1"'
    assert len(security_log.clean("x" * 1000)) <= security_log.MAX_VALUE_LENGTH
    assert security_log.token_prefix("0123abcd.secret") == "0123abcd"
    assert security_log.token_prefix("AKIAIOSFODNN7EXAMPLE") == "malformed"


@pytest.mark.django_db
def test_json_lines_for_log_shippers(rf, auditor):
    request = rf.get("/x/", REMOTE_ADDR="10.3.3.3")
    request.user = auditor
    request.request_id = "abc123"
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("isms.security")
    logger.addHandler(handler)
    try:
        security_log.log_download(request, what="soa", fmt="xlsx", obj=auditor)
    finally:
        logger.removeHandler(handler)
    payload = json.loads(JsonFormatter().format(records[0]))
    assert payload["event"] == "download"
    assert payload["user"] == "auditor"
    assert payload["ip"] == "10.3.3.3"
    assert payload["request_id"] == "abc123"
    assert payload["time"].endswith("+00:00")
    assert (
        "format=xlsx" in payload["message"]
        and f"object=isms.user:{auditor.pk}" in payload["message"]
    )
