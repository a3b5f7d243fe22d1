"""API authentication: tokens and sessions, never Basic; anonymous gets 401 JSON."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from isms import services
from isms.models import ApiToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_json(client):
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"


def test_token_acts_with_its_users_role(client, auditor):
    token, clear = services.api_token_create(user=auditor, name="script")
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {clear}")
    assert response.status_code == 200
    assert response.json()["roles"] == ["Auditor"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_is_stored_hashed(auditor):
    token, clear = services.api_token_create(user=auditor, name="script")
    assert clear not in token.token_hash and token.token_hash == ApiToken.hash(clear)
    assert not ApiToken.objects.filter(token_hash=clear).exists()


@pytest.mark.parametrize("state", ["revoked", "expired", "wrong", "inactive"])
def test_unusable_tokens_are_refused(client, auditor, state):
    token, clear = services.api_token_create(user=auditor, name="script")
    if state == "revoked":
        services.api_token_revoke(token=token)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif state == "wrong":
        clear = clear[:-2] + "xx"
    elif state == "inactive":
        auditor.is_active = False
        auditor.save()
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {clear}")
    assert response.status_code == 401


def test_basic_auth_is_not_accepted(client, auditor):
    credentials = base64.b64encode(f"auditor:{PASSWORD}".encode()).decode()
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Basic {credentials}").status_code == 401


def test_session_authentication_works(client_as, manager):
    assert client_as(manager).get("/api/me/").json()["username"] == "manager"


def test_schema_is_served_to_authenticated_users(client_as, auditor):
    response = client_as(auditor).get("/api/schema/")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "ISMS Manager API"


def test_account_page_creates_shows_once_and_revokes_tokens(client_as, security_manager):
    client = client_as(security_manager)
    response = client.post("/account/", {"name": "ci-bot"})
    clear = response.context["new_token"]
    assert clear and clear.encode() in response.content
    assert clear.encode() not in client.get("/account/").content  # shown once
    token = ApiToken.objects.get(name="ci-bot")
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_users_cannot_revoke_each_others_tokens(client_as, security_manager, auditor):
    token, _ = services.api_token_create(user=auditor, name="mine")
    assert (
        client_as(security_manager).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    )
    token.refresh_from_db()
    assert token.revoked_at is None


def test_pagination_defaults():
    from isms.api.pagination import LimitOffsetPagination

    assert (LimitOffsetPagination.default_limit, LimitOffsetPagination.max_limit) == (50, 1000)


def test_api_root_links_every_collection_of_every_app(client_as, auditor):
    links = client_as(auditor).get("/api/").json()

    assert links["me"] == "http://testserver/api/me/"
    assert links["schema"].endswith("/api/schema/")
    # One from each app, found in the URLconf (isms imports neither assets nor risks).
    for key in ("assets", "aws/resources", "findings", "risks", "soas", "policies"):
        assert links[key] == f"http://testserver/api/{key}/", sorted(links)
