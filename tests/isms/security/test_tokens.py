"""Personal API tokens (ASVS V6.3.3): a token never sidesteps a two-factor requirement,
and every token expires."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from isms import approvals, services
from isms.models import ApiToken
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_version


def _get(client, clear, path="/api/me/"):
    return client.get(path, HTTP_AUTHORIZATION=f"Token {clear}")


@pytest.mark.django_db
def test_a_token_made_before_the_two_factor_requirement_stops_working(
    client, manager, auditor, enrol, security_logs
):
    _token, clear = services.api_token_create(user=manager, name="old script")
    _auditor_token, auditor_clear = services.api_token_create(user=auditor, name="script")
    assert _get(client, clear).status_code == 200

    with override_settings(REQUIRE_2FA_FOR=["management"]):
        response = _get(client, clear)
        assert response.status_code == 403
        assert "requires two-factor authentication" in response.json()["detail"]
        assert "token.refused" in security_logs.events()
        # Roles the setting does not cover are not affected.
        assert _get(client, auditor_clear).status_code == 200

        enrol(manager)
        assert _get(client, clear).status_code == 200


@pytest.mark.django_db
@override_settings(REQUIRE_2FA_FOR=["management"])
def test_an_unenrolled_approver_cannot_decide_with_a_token(client, security_manager, manager):
    version = make_version(security_manager, body="Rule one.")
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    _token, clear = services.api_token_create(user=manager, name="approve bot")
    response = client.post(
        f"/api/approval-requests/{request.pk}/approve/",
        {"password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {clear}",
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.state == "in_review"


@pytest.mark.django_db
def test_every_token_expires_by_default(auditor):
    token, _ = services.api_token_create(user=auditor, name="script")
    lifetime = token.expires_at - timezone.now()
    assert timedelta(days=89) < lifetime <= timedelta(days=90)
    with override_settings(API_TOKEN_DEFAULT_DAYS=7):
        token, _ = services.api_token_create(user=auditor, name="short")
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)


@pytest.mark.django_db
def test_an_expired_token_is_refused(client, auditor):
    token, clear = services.api_token_create(user=auditor, name="script")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _get(client, clear).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days, message",
    [(-1, "Choose a date in the future."), (366, "A token may live 365 days at most.")],
)
def test_expiry_dates_outside_the_bounds_are_refused(auditor, days, message):
    with pytest.raises(ValidationError) as caught:
        services.api_token_create(
            user=auditor, name="x", expires_at=timezone.now() + timedelta(days=days)
        )
    assert caught.value.message_dict == {"expires_at": [message]}
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_profile_creates_lists_and_revokes_tokens(client_as, auditor):
    client = client_as(auditor)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/account/", {"name": "stale", "expires_at": past})
    assert response.status_code == 200
    assert "Choose a date in the future." in response.content.decode()
    assert not ApiToken.objects.exists()

    response = client.post("/account/", {"name": "ci", "expires_at": ""})
    assert response.status_code == 200
    token = ApiToken.objects.get(name="ci")
    page = response.content.decode()
    assert token.prefix in page
    assert token.expires_at.strftime("%Y-%m-%d") in page

    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_the_migration_gives_tokens_without_expiry_one(auditor):
    token, _ = services.api_token_create(user=auditor, name="legacy")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    migration = importlib.import_module("isms.migrations.0006_api_tokens_expire")
    migration.set_expiry(apps, None)
    token.refresh_from_db()
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
