"""SAML 2.0 sign-in against a real local IdP (tests/isms/sso/saml_idp.py, pysaml2 with
its own key and certificate): SP metadata, the AuthnRequest, signed assertions,
role mapping from the groups attribute, and every refusal (tampered, unsigned, wrong
audience, wrong recipient, unsolicited, replayed, expired, other IdP's key, bad
metadata), each security-logged."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model

from isms import reauth, roles
from isms.sso import saml
from isms.twofactor import state as twofactor_state
from tests.isms.sso.saml_idp import MFA_CONTEXT, SAMLIdP, attribute_value, make_key_pair

pytestmark = pytest.mark.django_db

SP_ENTITY_ID = "http://127.0.0.1:8000/sso/saml/metadata/"
ACS = "http://127.0.0.1:8000/sso/saml/acs/"


@pytest.fixture(scope="module")
def idp():
    provider = SAMLIdP().start()
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def saml_settings(settings, idp, client):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SAML_SP_ENTITY_ID = SP_ENTITY_ID
    settings.SAML_IDP_METADATA_FILE = str(idp.metadata_file)
    settings.SAML_IDP_METADATA_URL = ""
    settings.SAML_IDP_ENTITY_ID = ""
    settings.SSO_ROLE_SECURITY_MANAGER = ["isms-sm"]
    settings.SSO_ROLE_MANAGEMENT = ["isms-mgmt"]
    settings.SSO_ROLE_AUDITOR = ["isms-audit"]
    settings.SSO_CREATE_USERS = True
    settings.SAML_USERNAME_ATTRIBUTE = "uid"
    response = client.get("/sso/saml/metadata/")
    assert response.status_code == 200
    idp.trust_sp(response.content.decode())
    return settings


def start(client, path="/sso/saml/login/?next=/risks/"):
    response = client.get(path)
    assert response.status_code == 302, response.content
    return response["Location"]


def post(client, fields):
    """The browser posts the IdP's form to the ACS, cross-site: no session cookie on the
    first POST (SameSite=Lax), then the continue page posts again from our origin."""
    data = {"SAMLResponse": fields["SAMLResponse"], "RelayState": fields["RelayState"]}
    data["_isms_hop"] = "1"
    return client.post("/sso/saml/acs/", data)


def sign_in(client, idp, **user):
    return post(client, idp.login(start(client), **user))


def user_roles(username):
    user = get_user_model().objects.get(username=username)
    return set(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))


def test_sp_metadata_names_entity_id_and_acs(client):
    response = client.get("/sso/saml/metadata/")
    assert response["Content-Type"].startswith("application/samlmetadata+xml")
    body = response.content.decode()
    assert f'entityID="{SP_ENTITY_ID}"' in body
    assert f'Location="{ACS}"' in body
    assert 'WantAssertionsSigned="true"' in body


def test_authn_request_goes_to_the_idp(client, idp):
    location = start(client)
    assert location.startswith(f"{idp.url}/sso?SAMLRequest=")
    idp.login(location)
    request = idp.last_request
    assert request.issuer.text == SP_ENTITY_ID
    assert request.assertion_consumer_service_url == ACS
    assert request.force_authn in (None, "false")


def test_sign_in_maps_groups_to_roles_and_removal_takes_the_role(client, idp, caplog):
    caplog.set_level(logging.INFO, logger="isms.security")
    response = sign_in(client, idp, groups=["isms-audit", "isms-mgmt", "unrelated"])
    assert response.status_code == 302 and response["Location"] == "/risks/"
    assert user_roles("alice.saml") == {roles.AUDITOR, roles.MANAGEMENT}
    assert client.get("/").status_code == 200
    assert "event=sso.login" in caplog.text and "protocol=saml" in caplog.text
    assert "created=True" in caplog.text

    client.post("/sso/logout/")
    assert "_auth_user_id" not in client.session
    response = sign_in(client, idp, groups=["isms-audit"])
    assert response.status_code == 302
    assert user_roles("alice.saml") == {roles.AUDITOR}
    user = get_user_model().objects.get(username="alice.saml")
    assert not user.has_usable_password()
    identity = user.sso_identities.get()
    assert (identity.issuer, identity.subject) == (idp.entity_id, "saml-alice")


def test_first_post_without_the_session_cookie_is_posted_again_from_our_origin(client, idp):
    fields = idp.login(start(client))
    session_cookie = client.cookies.pop("sessionid")
    page = client.post(
        "/sso/saml/acs/", {"SAMLResponse": fields["SAMLResponse"], "RelayState": "r"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="_isms_hop" value="1"' in body and fields["SAMLResponse"] in body
    assert "_auth_user_id" not in client.session
    client.cookies["sessionid"] = session_cookie.value
    assert post(client, fields).status_code == 302


def test_unknown_user_refused_without_just_in_time_creation(client, idp, settings, caplog):
    settings.SSO_CREATE_USERS = False
    response = sign_in(client, idp, subject="saml-bob", username="bob.saml")
    assert response.status_code == 403
    assert "no active account" in response.content.decode()
    assert not get_user_model().objects.filter(username="bob.saml").exists()
    assert "reason=unknown_user" in caplog.text and "protocol=saml" in caplog.text


def test_existing_local_user_is_linked_by_username(client, idp, settings):
    settings.SSO_CREATE_USERS = False
    get_user_model().objects.create_user("carol", password="x" * 20)
    response = sign_in(client, idp, subject="saml-carol", username="carol", groups=["isms-sm"])
    assert response.status_code == 302
    assert user_roles("carol") == {roles.SECURITY_MANAGER}


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"tamper": lambda xml: attribute_value(xml, "isms-audit", "isms-sm")}, "bad_signature"),
        ({"sign_assertion": False}, "bad_signature"),
        ({"audience": "https://other-sp.example/metadata"}, "wrong_audience"),
        ({"destination": "https://evil.example/acs"}, "wrong_recipient"),
        ({"lifetime": {"minutes": -5}}, "expired"),
    ],
    ids=["tampered", "unsigned", "audience", "recipient", "expired"],
)
def test_bad_assertion_is_refused(client, idp, caplog, answer, reason):
    response = post(client, idp.login(start(client), groups=["isms-audit"], **answer))
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username="alice.saml").exists()
    assert "event=sso.refused" in caplog.text and f"reason={reason}" in caplog.text


def test_assertion_signed_by_another_key_is_refused(client, idp, caplog, tmp_path):
    key_file, cert_file = make_key_pair(tmp_path, "mallory")
    real = (idp.key_file, idp.cert_file)
    idp.key_file, idp.cert_file = key_file, cert_file
    sp_metadata, idp.sp_metadata = idp.sp_metadata, None
    try:
        idp.trust_sp(sp_metadata)  # same IdP entity, new (unpublished) key
        response = sign_in(client, idp)
    finally:
        idp.key_file, idp.cert_file = real
        idp.sp_metadata = None
        idp.trust_sp(sp_metadata)
    assert response.status_code == 400
    assert "reason=bad_signature" in caplog.text


def test_replayed_and_unsolicited_responses_are_refused(client, idp, caplog):
    fields = idp.login(start(client))
    assert post(client, fields).status_code == 302
    client.post("/sso/logout/")
    assert post(client, fields).status_code == 400
    assert "reason=no_flow" in caplog.text
    # A response to another request of the same session (IdP-initiated or stolen).
    stolen = idp.login(start(client))
    start(client)
    response = post(client, stolen)
    assert response.status_code == 400
    assert "reason=wrong_state" in caplog.text


def test_response_with_forged_relay_state_is_refused(client, idp, caplog):
    fields = idp.login(start(client))
    response = post(client, dict(fields, RelayState="forged"))
    assert response.status_code == 400 and "reason=wrong_state" in caplog.text


def test_misconfigured_idp_shows_an_error_page_not_a_500(client, settings, caplog, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<not-metadata/>")
    settings.SAML_IDP_METADATA_FILE = str(broken)
    response = client.get("/sso/saml/login/")
    assert response.status_code == 502
    assert "misconfigured" in response.content.decode()
    assert "reason=bad_metadata" in caplog.text
    settings.SAML_IDP_METADATA_FILE = ""
    settings.SAML_IDP_METADATA_URL = "http://127.0.0.1:9/metadata"  # nothing listens there
    assert client.get("/sso/saml/login/").status_code == 502
    assert "reason=metadata_unreachable" in caplog.text or "reason=bad_metadata" in caplog.text


def test_metadata_url_must_be_https_except_on_this_machine(client, settings, caplog):
    settings.SAML_IDP_METADATA_FILE = ""
    settings.SAML_IDP_METADATA_URL = "http://idp.example.org/metadata"
    assert client.get("/sso/saml/login/").status_code == 502
    assert "reason=bad_metadata" in caplog.text and "must use https" in caplog.text


def test_metadata_from_a_url(client, idp, settings):
    settings.SAML_IDP_METADATA_FILE = ""
    settings.SAML_IDP_METADATA_URL = f"{idp.url}/metadata"
    assert sign_in(client, idp, groups=["isms-sm"]).status_code == 302
    assert user_roles("alice.saml") == {roles.SECURITY_MANAGER}


def test_not_configured(client, settings):
    settings.SAML_IDP_METADATA_FILE = ""
    assert client.get("/sso/saml/login/").status_code == 404
    assert "SAML" not in client.get("/login/").content.decode()


def test_login_page_offers_saml(client):
    assert "/sso/saml/login/" in client.get("/login/").content.decode()


def test_idp_mfa_context_satisfies_two_factor(client, idp, settings):
    settings.REQUIRE_2FA_FOR = ["all"]
    sign_in(client, idp)
    assert client.session[twofactor_state.SESSION_KEY] == twofactor_state.ENROL
    client.post("/sso/logout/")
    sign_in(client, idp, context=MFA_CONTEXT)
    assert twofactor_state.SESSION_KEY not in client.session
    assert client.get("/").status_code == 200


def test_reauthentication_forces_a_fresh_idp_login(client, idp, caplog):
    sign_in(client, idp)
    session = client.session
    session.pop(reauth.SESSION_KEY)
    session.save()
    location = start(client, "/sso/saml/login/?reauth=1&next=/account/")
    stale = post(client, idp.login(location, authn_instant=1_000_000_000))
    assert idp.last_request.force_authn == "true"
    assert stale.status_code == 400 and "reason=stale_authentication" in caplog.text
    assert reauth.SESSION_KEY not in client.session

    location = start(client, "/sso/saml/login/?reauth=1&next=/account/")
    response = post(client, idp.login(location))
    assert response["Location"] == "/account/"
    assert reauth.SESSION_KEY in client.session
    assert reauth.IDP_SESSION_KEY in client.session
    other = start(client, "/sso/saml/login/?reauth=1&next=/account/")
    refused = post(client, idp.login(other, subject="saml-mallory"))
    assert refused.status_code == 403 and "reason=reauth_other_user" in caplog.text


def test_sign_out_sends_a_logout_request_to_the_idp(client, idp):
    sign_in(client, idp)
    response = client.post("/sso/logout/")
    assert response.status_code == 200  # a page that moves on (CSP form-action 'self')
    assert "_auth_user_id" not in client.session
    location = urlparse(response["Refresh"].split("url=", 1)[1])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{idp.url}/slo"
    assert "SAMLRequest=" in location.query
    back = client.get("/sso/saml/sls/", {"SAMLResponse": "x"})
    assert back.status_code == 302 and back["Location"] == "/login/"


def test_assertion_helper_reads_nameid_when_no_username_attribute():
    assertion = saml.Assertion(
        issuer="i", name_id="n", name_id_xml="", session_index="", attributes={"uid": ["u"]}
    )
    assert assertion.first("") == "n" and assertion.first("uid") == "u"
    assert assertion.first("missing") == ""


def test_assertion_from_another_idp_of_the_federation_is_refused(client, idp, settings, caplog):
    """Federation metadata lists several IdPs; SAML_IDP_ENTITY_ID picks ours. Another
    IdP's correctly signed assertion is refused by issuer."""
    other = SAMLIdP(sso_base=idp.url).start()
    try:
        other.trust_sp(idp.sp_metadata)
        federation = other.directory / "federation.xml"
        entities = [
            path.read_text().split("?>")[-1] for path in (idp.metadata_file, other.metadata_file)
        ]
        federation.write_text(
            '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
            + "".join(entities)
            + "</md:EntitiesDescriptor>"
        )
        settings.SAML_IDP_METADATA_FILE = str(federation)
        settings.SAML_IDP_ENTITY_ID = idp.entity_id
        location = start(client)
        assert location.startswith(f"{idp.url}/sso")
        response = post(client, other.login(location, groups=["isms-sm"]))
    finally:
        other.stop()
    assert response.status_code == 400
    assert "reason=wrong_idp" in caplog.text
    assert "_auth_user_id" not in client.session


def test_with_a_key_pair_the_sp_signs_its_requests_and_publishes_its_certificate(
    client, idp, settings, tmp_path
):
    key_file, cert_file = make_key_pair(tmp_path, "sp")
    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = key_file, cert_file
    metadata = client.get("/sso/saml/metadata/").content.decode()
    assert 'AuthnRequestsSigned="true"' in metadata and "X509Certificate" in metadata
    idp.trust_sp(metadata)
    location = start(client)
    query = parse_qs(urlparse(location).query)
    assert query["SigAlg"] and query["Signature"]  # HTTP-Redirect binding signature
    assert post(client, idp.login(location, groups=["isms-sm"])).status_code == 302
    response = client.post("/sso/logout/")
    logout = parse_qs(urlparse(response["Refresh"].split("url=", 1)[1]).query)
    assert logout["SAMLRequest"] and logout["Signature"]
