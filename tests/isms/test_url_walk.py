"""Every route needs authentication unless it is on the public allow-list.

This test walks the real URLconf, so a route added later is covered the day it lands:
reachable anonymously (2xx) without being listed here, the test fails.
"""

import pytest

from tests.urlwalk import all_routes

# Routes that anonymous visitors may reach, by name (or pattern when unnamed).
PUBLIC = {"login", "healthz", "readyz", "favicon", "admin:login", "logout", "supplier_answer"}
# supplier_answer: the single-use supplier assessment link, gated by its token
# (tests/assets/suppliers/test_assessment_link.py).
# Single sign-on: the round trip starts and ends signed out (isms/sso/).
# SAML: the SP's metadata is public by nature, and the IdP posts its answer signed out
# (tests/isms/sso/test_saml.py); unconfigured, they answer 404.
PUBLIC |= {"sso_oidc_login", "sso_oidc_callback"}
PUBLIC |= {"sso_saml_login", "sso_saml_acs", "sso_saml_metadata", "sso_saml_sls"}
# Prefixes served by other mechanisms (static files in DEBUG only).
IGNORED_PREFIXES = ("/static/", "/media/")


def test_url_walk_finds_routes():
    names = {route.name for route in all_routes()}
    assert {"dashboard", "login", "audit_log", "api-root"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("route", all_routes(), ids=lambda r: r.name)
def test_anonymous_is_refused_everywhere_but_the_public_routes(client, route):
    if route.path.startswith(IGNORED_PREFIXES):
        return
    response = client.get(route.path)
    if route.name in PUBLIC:
        return
    if route.path.startswith("/api/"):
        assert response.status_code == 401, f"{route.path}: {response.status_code}"
        assert "json" in response["Content-Type"], response["Content-Type"]
        assert response["WWW-Authenticate"].startswith("Token")
    elif route.path.startswith("/admin/"):
        assert response.status_code in (302, 404), f"{route.path}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(("/login/", "/admin/login/"))
    else:
        assert response.status_code in (302, 405), f"{route.path}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), response["Location"]


@pytest.mark.django_db
def test_public_routes_exist():
    names = {route.name for route in all_routes()}
    assert names >= PUBLIC
