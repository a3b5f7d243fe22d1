"""Connecting or changing an AWS account is a sensitive action (issue 9, item 1): the
pages ask for the password again unless it was typed recently, and the API takes a
`password` field, refused (400, security-logged, counted by the lockout) when missing or
wrong."""

import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from assets.models import AwsAccount
from isms import reauth
from isms import services as isms_services
from tests.assets.aws.factories import AwsAccountFactory
from tests.factories import PASSWORD
from tests.isms.security.conftest import security_logs  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = {
    "name": "Prod",
    "account_id": "123456789012",
    "role_arn": "arn:aws:iam::123456789012:role/isms-reader",
    "environment": "production",
    "strategy": "single",
    "enabled": "on",
    "sync_interval_minutes": 60,
}


def _signed_in_long_ago(client):
    """As if the user signed in more than REAUTH_MAX_AGE seconds ago."""
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - 3600
    session.save()


def _confirm_url(path):
    return f"/account/confirm-password/?next={path}"


@pytest.mark.parametrize("page", ["create", "edit"])
def test_the_account_form_asks_for_the_password_before_it_is_shown(
    security_manager, client_as, page
):
    account = AwsAccountFactory()
    url = (
        reverse("assets:aws_account_create")
        if page == "create"
        else reverse("assets:aws_account_edit", args=[account.pk])
    )
    client = client_as(security_manager)
    _signed_in_long_ago(client)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == _confirm_url(url)
    client.post("/account/confirm-password/", {"password": PASSWORD, "next": url})
    assert client.get(url).status_code == 200


def test_a_stale_post_changes_nothing_and_is_not_replayed(security_manager, client_as):
    account = AwsAccountFactory(name="Before")
    url = reverse("assets:aws_account_edit", args=[account.pk])
    client = client_as(security_manager)
    _signed_in_long_ago(client)
    stale = client.post(url, {**NEW_ACCOUNT, "name": "After"})
    assert stale.status_code == 302 and stale["Location"] == _confirm_url(url)
    account.refresh_from_db()
    assert account.name == "Before"
    create = client.post(reverse("assets:aws_account_create"), NEW_ACCOUNT)
    assert create.status_code == 302 and create["Location"].startswith("/account/confirm-password/")
    assert not AwsAccount.objects.filter(account_id=NEW_ACCOUNT["account_id"]).exists()

    wrong = client.post("/account/confirm-password/", {"password": "nope", "next": url})
    assert wrong.status_code == 200
    assert client.get(url).status_code == 302  # still not confirmed
    client.post("/account/confirm-password/", {"password": PASSWORD, "next": url})
    assert client.post(url, {**NEW_ACCOUNT, "name": "After"}).status_code == 302
    account.refresh_from_db()
    assert account.name == "After"


def test_users_without_the_permission_get_403_not_the_password_question(auditor, client_as):
    client = client_as(auditor)
    _signed_in_long_ago(client)
    assert client.get(reverse("assets:aws_account_create")).status_code == 403


API_BODY = {
    "name": "Prod",
    "account_id": "123456789012",
    "role_arn": "arn:aws:iam::123456789012:role/isms-reader",
}


def test_the_api_refuses_a_new_account_without_the_password(security_manager, client_as):
    client = client_as(security_manager)
    response = client.post("/api/aws/accounts/", API_BODY, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["Confirm this action with your password."]}
    assert not AwsAccount.objects.exists()


def test_the_api_refuses_a_change_without_the_password(security_manager, client_as):
    account = AwsAccountFactory(name="Before")
    client = client_as(security_manager)
    url = f"/api/aws/accounts/{account.pk}/"
    response = client.patch(url, {"name": "After"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["Confirm this action with your password."]}
    put = client.put(url, {**API_BODY, "name": "After"}, content_type="application/json")
    assert put.status_code == 400 and "password" in put.json()["errors"]
    account.refresh_from_db()
    assert account.name == "Before"


def test_a_wrong_password_is_refused_logged_and_counted(
    security_manager,
    client_as,
    security_logs,  # noqa: F811
):
    account = AwsAccountFactory(name="Before")
    client = client_as(security_manager)
    response = client.patch(
        f"/api/aws/accounts/{account.pk}/",
        {"name": "After", "password": "not-my-password"},
        content_type="application/json",
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["Wrong password."]}
    account.refresh_from_db()
    assert account.name == "Before"
    assert security_logs.events().count("reauth.failure") == 1
    assert AccessAttempt.objects.filter(username="security_manager", ip_address="10.9.9.9").exists()
    assert not any("not-my-password" in line for line in security_logs.lines)


def test_the_right_password_creates_and_changes_and_is_never_echoed(
    security_manager,
    client_as,
    security_logs,  # noqa: F811
):
    client = client_as(security_manager)
    created = client.post(
        "/api/aws/accounts/", {**API_BODY, "password": PASSWORD}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    assert "password" not in created.json()
    changed = client.patch(
        f"/api/aws/accounts/{created.json()['id']}/",
        {"name": "Production", "password": PASSWORD},
        content_type="application/json",
    )
    assert changed.status_code == 200 and "password" not in changed.json()
    assert AwsAccount.objects.get().name == "Production"
    assert security_logs.events().count("reauth.success") == 2


def test_a_token_caller_confirms_with_the_password_too(security_manager, client):
    _token, key = isms_services.api_token_create(user=security_manager, name="ci")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    refused = client.post("/api/aws/accounts/", API_BODY, content_type="application/json", **auth)
    assert refused.status_code == 400 and "password" in refused.json()["errors"]
    created = client.post(
        "/api/aws/accounts/",
        {**API_BODY, "password": PASSWORD},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201


def test_field_errors_come_before_the_password_check(security_manager, client_as, security_logs):  # noqa: F811
    client = client_as(security_manager)
    response = client.post(
        "/api/aws/accounts/",
        {**API_BODY, "account_id": "abc", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "account_id" in response.json()["errors"]
    assert "reauth.failure" not in security_logs.events()  # no password try spent
