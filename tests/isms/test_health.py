"""/healthz and /readyz: public, terse, honest."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_terse(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_reports_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_readyz_says_which_dependency_failed_but_not_why(client, settings, monkeypatch):
    from isms.views import core

    monkeypatch.setattr(core, "_broker_reachable", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}


def test_error_pages_leak_nothing(client_as, outsider):
    client = client_as(outsider)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"This page does not exist" in response.content
    assert b"Traceback" not in response.content and b"urlpatterns" not in response.content


def test_api_404_is_json(client_as, outsider):
    response = client_as(outsider).get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


def test_security_headers(client_as, outsider):
    response = client_as(outsider).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_favicon_ico_points_at_the_vendored_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
