"""Re-authentication for sensitive actions: creating API tokens and the admin ask for
the password again unless it was entered recently; the API takes a `password` field."""

import time

import pytest
from django.test import override_settings
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from isms import reauth
from isms.models import ApiToken
from tests.factories import PASSWORD


def _age(client, seconds):
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
def test_signing_in_counts_as_a_fresh_confirmation(client_as, auditor):
    client = client_as(auditor)
    response = client.post("/account/", {"name": "ci"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=auditor, name="ci").exists()


@pytest.mark.django_db
def test_creating_a_token_asks_for_the_password_when_it_is_old(client_as, auditor):
    client = client_as(auditor)
    _age(client, 301)
    response = client.post("/account/", {"name": "ci"})
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-password/?next=/account/"
    assert not ApiToken.objects.exists()
    page = client.get(response["Location"], follow=True)
    assert "nothing was changed yet" in page.content.decode()
    assert "Confirm your password" in page.content.decode()

    wrong = client.post("/account/confirm-password/", {"password": "nope", "next": "/account/"})
    assert wrong.status_code == 200
    assert "That is not your password." in wrong.content.decode()

    right = client.post("/account/confirm-password/", {"password": PASSWORD, "next": "/account/"})
    assert right.status_code == 302 and right["Location"] == "/account/"
    assert client.post("/account/", {"name": "ci"}).status_code == 200
    assert ApiToken.objects.filter(user=auditor, name="ci").count() == 1


@pytest.mark.django_db
def test_the_confirmation_never_redirects_off_site(client_as, auditor):
    client = client_as(auditor)
    response = client.post(
        "/account/confirm-password/", {"password": PASSWORD, "next": "//evil.example/x"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_admin_asks_for_the_password_after_its_window(client_as, admin_user):
    client = client_as(admin_user)
    assert client.get("/admin/").status_code == 200
    with override_settings(REAUTH_ADMIN_MAX_AGE=60):
        _age(client, 61)
        response = client.get("/admin/isms/user/")
        assert response.status_code == 302
        assert response["Location"] == "/account/confirm-password/?next=/admin/isms/user/"
        client.post("/account/confirm-password/", {"password": PASSWORD})
        assert client.get("/admin/isms/user/").status_code == 200


class _SensitiveView(APIView):
    def post(self, request):
        reauth.require_password(request)
        return Response({"done": True})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, status, message",
    [
        ({}, 400, "Confirm this action with your password."),
        ({"password": "wrong"}, 400, "Wrong password."),
        ({"password": PASSWORD}, 200, None),
    ],
)
def test_sensitive_api_actions_take_a_password_field(auditor, body, status, message):
    request = APIRequestFactory().post("/api/x/", body, format="json", REMOTE_ADDR="10.2.2.2")
    force_authenticate(request, user=auditor)
    response = _SensitiveView.as_view()(request)
    assert response.status_code == status
    if message:
        assert response.data["errors"]["password"] == [message]


@pytest.mark.django_db
def test_services_check_passwords_through_the_lockout(rf, auditor, security_logs):
    from axes.models import AccessAttempt

    from isms import audit

    request = rf.post("/approvals/1/", REMOTE_ADDR="10.4.4.4")
    request.user = auditor
    request.session = {}
    with audit.acting_as(None, request=request):
        assert not reauth.password_matches(auditor, "wrong")
        assert reauth.password_matches(auditor, PASSWORD)
    assert AccessAttempt.objects.filter(username="auditor", ip_address="10.4.4.4").exists()
    assert security_logs.events().count("reauth.failure") == 1
    # Outside a request: a plain check.
    assert reauth.password_matches(auditor, PASSWORD)
    assert not reauth.password_matches(auditor, "")
