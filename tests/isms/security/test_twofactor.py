"""Two-factor authentication: enrolment (QR code, secret, recovery codes shown once),
the code asked after the password, recovery codes, and REQUIRE_2FA_FOR forcing
Management and administrators to enrol before anything else."""

import re

import pytest
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from isms.models import AuditEvent
from isms.twofactor.services import recovery_code_digest
from tests.factories import PASSWORD

from .conftest import totp_code

FORCED = override_settings(REQUIRE_2FA_FOR=["management", "admin"])


def _sign_in(client, user, ip="10.0.0.1"):
    response = client.post(
        "/login/", {"username": user.get_username(), "password": PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


@pytest.mark.django_db
def test_enrolment_shows_a_server_drawn_qr_code_and_the_secret(client_as, auditor):
    client = client_as(auditor)
    response = client.get("/account/two-factor/setup/")
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert "<path" in svg and "style=" not in svg
    assert "<script" not in html.split("</head>")[1] or 'src="' in html  # no inline script
    device = TOTPDevice.objects.get(user=auditor, confirmed=False)
    secret = response.context["secret"].replace(" ", "")
    assert len(secret) >= 32 and secret in html.replace(" ", "")
    # Reloading the page keeps the same secret (the app may already hold it).
    client.get("/account/two-factor/setup/")
    assert TOTPDevice.objects.filter(user=auditor).count() == 1
    assert device.key


@pytest.mark.django_db
def test_a_wrong_code_is_refused_beside_the_field_and_nothing_is_enabled(client_as, auditor):
    client = client_as(auditor)
    client.get("/account/two-factor/setup/")
    response = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=auditor, confirmed=True).exists()


@pytest.mark.django_db
def test_confirming_enables_it_and_shows_ten_recovery_codes_once(client_as, auditor):
    client = client_as(auditor)
    client.get("/account/two-factor/setup/")
    device = TOTPDevice.objects.get(user=auditor)
    response = client.post("/account/two-factor/setup/", {"code": totp_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    html = response.content.decode()
    assert all(code in html for code in codes)
    assert response["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.confirmed
    # Stored hashed: the database holds no usable code.
    stored = set(StaticToken.objects.filter(device__user=auditor).values_list("token", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes}
    assert not stored & set(codes)
    assert all(len(code.replace("-", "")) == 24 for code in codes)  # 120 bits each
    assert AuditEvent.objects.filter(message="Two-factor authentication enabled").exists()
    # The overview shows the state, never the codes again.
    overview = client.get("/account/two-factor/").content.decode()
    assert "On" in overview and codes[0] not in overview


@pytest.mark.django_db
def test_an_enrolled_user_is_asked_for_a_code_after_the_password(client, auditor, enrol):
    device = enrol(auditor)
    response = _sign_in(client, auditor)
    assert response["Location"] == "/"
    # Nothing but the code page until the code is given.
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/verify/?next=/audit/")
    assert client.get("/api/me/").status_code == 403
    response = client.post("/account/two-factor/verify/", {"code": "123456", "next": "/audit/"})
    assert "That code is not right" in response.content.decode()
    # Each failure makes the device wait a little longer (1 s after the first).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(
        "/account/two-factor/verify/", {"code": totp_code(device), "next": "/audit/"}
    )
    assert response.status_code == 302 and response["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert client.get("/api/me/").status_code == 200


@pytest.mark.django_db
def test_the_code_step_refuses_outside_next_urls(client, auditor, enrol):
    device = enrol(auditor)
    _sign_in(client, auditor)
    response = client.post(
        "/account/two-factor/verify/", {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, auditor, enrol):
    enrol(auditor)
    static = StaticDevice.objects.create(user=auditor, name="Recovery codes", confirmed=True)
    code = "abcd-efgh-ijkl-mnop-qrst-uvwx"
    static.token_set.create(token=recovery_code_digest(code))
    _sign_in(client, auditor)
    response = client.post("/account/two-factor/verify/", {"code": code.upper()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not static.token_set.exists()
    client.post("/logout/")
    _sign_in(client, auditor)
    response = client.post("/account/two-factor/verify/", {"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()


@pytest.mark.django_db
def test_repeated_wrong_codes_are_throttled(client, auditor, enrol):
    device = enrol(auditor)
    _sign_in(client, auditor)
    for _ in range(3):
        client.post("/account/two-factor/verify/", {"code": "000000"})
    response = client.post("/account/two-factor/verify/", {"code": totp_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["manager", "admin"])
def test_the_setting_forces_management_and_administrators_to_enrol_first(client, persona, name):
    user = persona(name)
    with FORCED:
        _sign_in(client, user)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/two-factor/setup/")
        assert client.get("/admin/").status_code == 302
        assert client.get("/api/me/").status_code == 403
        setup = client.get(response["Location"])
        assert "Your role requires two-factor authentication" in setup.content.decode()
        device = TOTPDevice.objects.get(user=user)
        response = client.post("/account/two-factor/setup/", {"code": totp_code(device)})
        assert response.status_code == 200 and len(response.context["codes"]) == 10
        assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["security_manager", "auditor", "owner"])
def test_the_other_roles_are_not_forced(client, persona, name):
    with FORCED:
        _sign_in(client, persona(name))
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_with_the_setting_empty_nobody_is_forced(client, manager, settings):
    settings.REQUIRE_2FA_FOR = []
    _sign_in(client, manager)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_forced_user_cannot_turn_it_off(client_as, manager, enrol):
    enrol(manager)
    with FORCED:
        client = client_as(manager)
        # force_login in a test stands for a completed sign-in; mark it verified.
        session = client.session
        session.pop("_isms_2fa", None)
        session.save()
        response = client.post("/account/two-factor/disable/")
        assert response.status_code == 302
        assert TOTPDevice.objects.filter(user=manager).exists()


@pytest.mark.django_db
def test_turning_it_off_needs_a_recent_password(client_as, auditor, enrol):
    enrol(auditor)
    client = client_as(auditor)
    session = client.session
    session.pop("_isms_2fa", None)
    session["_isms_reauth_at"] = 0
    session.save()
    response = client.post("/account/two-factor/disable/")
    assert response["Location"].startswith("/account/confirm-password/?next=/account/two-factor/")
    assert TOTPDevice.objects.filter(user=auditor).exists()
    client.post("/account/confirm-password/", {"password": PASSWORD})
    response = client.post("/account/two-factor/disable/")
    assert response["Location"] == "/account/two-factor/"
    assert not TOTPDevice.objects.filter(user=auditor).exists()


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client_as, auditor, enrol):
    enrol(auditor)
    static = StaticDevice.objects.create(user=auditor, name="Recovery codes", confirmed=True)
    static.token_set.create(token="oldcode1")
    client = client_as(auditor)
    session = client.session
    session.pop("_isms_2fa", None)
    session.save()
    response = client.post("/account/two-factor/recovery-codes/")
    codes = response.context["codes"]
    assert len(codes) == 10
    assert not StaticToken.objects.filter(token="oldcode1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["security_manager", "manager", "auditor", "owner", "outsider", "admin"]
)
@pytest.mark.parametrize(
    "path",
    ["/account/two-factor/", "/account/two-factor/setup/", "/account/confirm-password/"],
)
def test_every_role_reaches_its_own_security_pages(client_as, persona, name, path):
    assert client_as(persona(name)).get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/account/two-factor/recovery-codes/", "/account/two-factor/disable/"],
)
def test_the_state_changing_pages_refuse_get(client_as, auditor, path):
    assert client_as(auditor).get(path).status_code == 405


@pytest.mark.django_db
def test_the_code_step_is_skipped_when_nothing_is_owed(client_as, auditor):
    response = client_as(auditor).get("/account/two-factor/verify/?next=/audit/")
    assert response.status_code == 302 and response["Location"] == "/audit/"


@pytest.mark.django_db
def test_a_user_who_owes_a_code_cannot_enrol_a_new_authenticator_instead(client, auditor, enrol):
    enrol(auditor)
    _sign_in(client, auditor)
    for path in ("/account/two-factor/setup/", "/account/confirm-password/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/two-factor/verify/")
    response = client.post("/account/two-factor/setup/", {"code": "123456"})
    assert response["Location"].startswith("/account/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=auditor).count() == 1
