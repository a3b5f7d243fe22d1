"""OpenID Connect sign-in against a real local provider (tests/isms/sso/idp.py): the
full authorisation-code + PKCE round trip through our views, role mapping, and every
refusal (signature, audience, issuer, expiry, nonce, state, PKCE, replay, provider
down), each security-logged."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from joserfc.jwk import RSAKey

from isms import reauth, roles
from isms.twofactor import state as twofactor_state
from tests.isms.sso.idp import CLIENT_ID, CLIENT_SECRET, FakeIdP

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def idp():
    provider = FakeIdP().start()
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def oidc_settings(settings, idp):
    idp.discovery_issuer = None
    settings.OIDC_ISSUER = idp.url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_ROLE_SECURITY_MANAGER = ["isms-sm"]
    settings.SSO_ROLE_MANAGEMENT = ["isms-mgmt"]
    settings.SSO_ROLE_AUDITOR = ["isms-audit"]
    settings.SSO_CREATE_USERS = True
    return settings


def start(client, path="/sso/oidc/login/?next=/risks/"):
    response = client.get(path)
    assert response.status_code == 302, response.content
    url = urlparse(response["Location"])
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def callback(client, params, code, *, state=None):
    return client.get("/sso/oidc/callback/", {"code": code, "state": state or params["state"]})


def sign_in(client, idp, **claims):
    params = start(client)
    return callback(client, params, idp.authorise(params, **claims))


def user_roles(username):
    user = get_user_model().objects.get(username=username)
    return set(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))


def test_redirect_carries_pkce_state_and_nonce(client, idp):
    params = start(client)
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and params["state"] != params["nonce"]
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/sso/oidc/callback/"
    assert "prompt" not in params


def test_sign_in_maps_groups_to_roles_and_removal_takes_the_role(client, idp, caplog):
    caplog.set_level(logging.INFO, logger="isms.security")
    response = sign_in(client, idp, groups=["isms-audit", "isms-mgmt", "unrelated"])
    assert response.status_code == 302 and response["Location"] == "/risks/"
    assert user_roles("alice.sso") == {roles.AUDITOR, roles.MANAGEMENT}
    assert client.get("/").status_code == 200
    assert "event=sso.login" in caplog.text and "created=True" in caplog.text

    client.post("/sso/logout/")
    response = sign_in(client, idp, groups=["isms-audit"])
    assert response.status_code == 302
    assert user_roles("alice.sso") == {roles.AUDITOR}
    user = get_user_model().objects.get(username="alice.sso")
    assert not user.has_usable_password()
    assert user.sso_identities.get().subject == "sub-alice"


def test_unknown_user_refused_without_just_in_time_creation(client, idp, settings, caplog):
    settings.SSO_CREATE_USERS = False
    response = sign_in(client, idp, sub="sub-bob", preferred_username="bob.sso")
    assert response.status_code == 403
    assert "no active account" in response.content.decode()
    assert not get_user_model().objects.filter(username="bob.sso").exists()
    assert "reason=unknown_user" in caplog.text


def test_existing_local_user_is_linked_by_username(client, idp, settings):
    settings.SSO_CREATE_USERS = False
    get_user_model().objects.create_user("carol", password="x" * 20)
    response = sign_in(client, idp, sub="sub-carol", preferred_username="carol", groups=["isms-sm"])
    assert response.status_code == 302
    assert user_roles("carol") == {roles.SECURITY_MANAGER}


OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "idp-1"}, private=True)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"key": OTHER_KEY}, "bad_signature"),
        ({"aud": "someone-else"}, "bad_claims"),
        ({"iss": "http://evil.example"}, "bad_claims"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
        ({"nonce": "not-the-nonce"}, "bad_claims"),
        ({"sub": None}, "bad_claims"),
    ],
    ids=["signature", "audience", "issuer", "expired", "nonce", "no-subject"],
)
def test_tampered_id_token_is_refused(client, idp, caplog, claims, reason):
    response = sign_in(client, idp, **claims)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "event=sso.refused" in caplog.text and f"reason={reason}" in caplog.text


def test_wrong_state_is_refused(client, idp, caplog):
    params = start(client)
    response = callback(client, params, idp.authorise(params), state="forged")
    assert response.status_code == 400
    assert "reason=wrong_state" in caplog.text
    assert "_auth_user_id" not in client.session


def test_replayed_callback_is_refused(client, idp, caplog):
    params = start(client)
    code = idp.authorise(params)
    assert callback(client, params, code).status_code == 302
    client.post("/sso/logout/")
    response = callback(client, params, code)
    assert response.status_code == 400
    assert "reason=no_flow" in caplog.text


def test_code_without_the_pkce_verifier_is_refused(client, idp, caplog):
    params = start(client)
    code = idp.authorise(dict(params, code_challenge="A" * 43))
    response = callback(client, params, code)
    assert response.status_code == 400
    assert "reason=token_refused" in caplog.text


def test_misconfigured_provider_shows_an_error_page_not_a_500(client, idp, settings, caplog):
    idp.discovery_issuer = "http://other-issuer.example"
    response = client.get("/sso/oidc/login/")
    assert response.status_code == 502
    assert "misconfigured" in response.content.decode()
    assert "reason=wrong_issuer" in caplog.text
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    assert client.get("/sso/oidc/login/").status_code == 502
    assert "reason=provider_unreachable" in caplog.text


def test_reauthentication_needs_a_fresh_provider_login(client, idp, caplog):
    sign_in(client, idp)
    session = client.session
    session.pop(reauth.SESSION_KEY)
    session.save()
    params = start(client, "/sso/oidc/login/?reauth=1&next=/account/")
    assert params["prompt"] == "login" and params["max_age"] == "0"
    stale = callback(client, params, idp.authorise(params, auth_time=1_000_000_000))
    assert stale.status_code == 400 and "reason=stale_authentication" in caplog.text
    assert reauth.SESSION_KEY not in client.session

    params = start(client, "/sso/oidc/login/?reauth=1&next=/account/")
    response = callback(client, params, idp.authorise(params))
    assert response["Location"] == "/account/"
    assert reauth.SESSION_KEY in client.session
    other = start(client, "/sso/oidc/login/?reauth=1&next=/account/")
    refused = callback(client, other, idp.authorise(other, sub="sub-mallory"))
    assert refused.status_code == 403 and "reason=reauth_other_user" in caplog.text


def test_provider_mfa_claim_satisfies_two_factor(client, idp, settings):
    settings.REQUIRE_2FA_FOR = ["all"]
    sign_in(client, idp, amr=["pwd"])
    assert client.session[twofactor_state.SESSION_KEY] == twofactor_state.ENROL
    client.post("/sso/logout/")
    sign_in(client, idp, amr=["pwd", "mfa"])
    assert twofactor_state.SESSION_KEY not in client.session
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_provider_session_too(client, idp):
    sign_in(client, idp)
    response = client.post("/sso/logout/")
    # A page, not a redirect: CSP form-action 'self' forbids a POST redirecting away.
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    location = urlparse(response["Refresh"].split("url=", 1)[1])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{idp.url}/logout"
    assert "id_token_hint=" in location.query
    assert parse_qs(location.query)["id_token_hint"][0].count(".") == 2
    assert "_auth_user_id" not in client.session


def test_local_password_sign_in_can_be_kept_for_break_glass_admins(client, settings):
    settings.SSO_LOCAL_LOGIN = "superusers"
    User = get_user_model()
    User.objects.create_user("dave", password="correct horse battery")
    User.objects.create_superuser("root", password="correct horse battery")
    refused = client.post("/login/", {"username": "dave", "password": "correct horse battery"})
    assert refused.status_code == 200 and "single sign-on" in refused.content.decode()
    allowed = client.post("/login/", {"username": "root", "password": "correct horse battery"})
    assert allowed.status_code == 302


@pytest.mark.parametrize(
    ("claims", "roles_expected", "mfa"),
    [
        ({"amr": "mfa", "groups": "isms-sm"}, {roles.SECURITY_MANAGER}, True),
        ({"amr": 42, "groups": {"isms-sm": True}}, set(), False),
        ({"amr": None, "groups": 7}, set(), False),
    ],
    ids=["single-strings", "object-and-number", "null-and-number"],
)
def test_oddly_shaped_claims_are_read_or_ignored_never_a_500(
    client, idp, settings, claims, roles_expected, mfa
):
    """Bad input from a provider: a single string where a list is expected counts as a
    list of one; numbers and objects give nothing (no role, no MFA), not a server error."""
    settings.REQUIRE_2FA_FOR = ["all"]
    response = sign_in(client, idp, **claims)
    assert response.status_code == 302
    assert user_roles("alice.sso") == roles_expected
    assert (twofactor_state.SESSION_KEY not in client.session) is mfa
