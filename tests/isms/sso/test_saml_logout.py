"""IdP-initiated SAML single logout against the real local IdP (tests/isms/sso/saml_idp.py,
pysaml2 with its own key): a signed LogoutRequest, over the HTTP-Redirect or the HTTP-POST
binding, ends every local session of its NameID (or only the SessionIndex it names),
is answered with a signed LogoutResponse the IdP verifies, and is security-logged; an
unsigned, tampered, foreign-key, stale or replayed one is refused and logged, and ends
nothing."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.test import Client

from isms.sso.models import SAMLSession
from tests.isms.sso.saml_idp import BINDING_HTTP_POST, make_key_pair
from tests.isms.sso.test_saml import idp, saml_settings, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

SLS = "http://127.0.0.1:8000/sso/saml/sls/"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"


@pytest.fixture
def sp_keys(settings, idp, client, tmp_path):  # noqa: F811
    """Our SP with a key pair (its LogoutResponses are signed), trusted by the IdP."""
    key_file, cert_file = make_key_pair(tmp_path, "sp")
    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = key_file, cert_file
    idp.trust_sp(client.get("/sso/saml/metadata/").content.decode())
    yield cert_file
    settings.SAML_SP_KEY_FILE = settings.SAML_SP_CERT_FILE = ""
    idp.trust_sp(client.get("/sso/saml/metadata/").content.decode())


def browser(idp, **user):  # noqa: F811
    """Another browser signed in through the IdP (its own session)."""
    other = Client()
    assert sign_in(other, idp, **user).status_code == 302
    return other


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def local(url: str) -> str:
    """The path and query of an absolute URL to our SP (the test client's form)."""
    parsed = urlparse(url)
    assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == SLS
    return f"{parsed.path}?{parsed.query}"


def test_metadata_offers_both_logout_bindings(client):
    body = client.get("/sso/saml/metadata/").content.decode()
    assert body.count(f'Location="{SLS}"') == 2
    assert "HTTP-POST" in body and "HTTP-Redirect" in body


def test_redirect_logout_ends_every_session_of_the_name_id(client, idp, sp_keys, caplog):  # noqa: F811
    caplog.set_level(logging.INFO, logger="isms.security")
    first = browser(idp, groups=["isms-audit"])
    second = browser(idp, groups=["isms-audit"])
    bob = browser(idp, subject="saml-bob", username="bob.saml")
    assert SAMLSession.objects.count() == 3

    request = idp.logout_request(subject="saml-alice")
    answer = first.get(local(request["url"]))  # the IdP sends the user's browser here
    assert answer.status_code == 302
    location = urlparse(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{idp.url}/slo"
    response = idp.logout_response(query=location.query, sp_cert=sp_keys)  # signature checked
    assert response.in_response_to == request["id"]
    assert response.status.status_code.value == SUCCESS
    assert response.destination == f"{idp.url}/slo"
    assert parse_qs(location.query)["RelayState"] == ["idp-relay"]

    assert not signed_in(first) and not signed_in(second)
    assert signed_in(bob)
    assert list(SAMLSession.objects.values_list("name_id", flat=True)) == ["saml-bob"]
    assert "event=sso.logout" in caplog.text and "initiator=idp" in caplog.text
    assert "sessions=2" in caplog.text and "users=alice.saml" in caplog.text


def test_post_logout_ends_only_the_named_session_and_answers_by_post(
    client,  # noqa: ARG001
    idp,  # noqa: F811
    sp_keys,
):
    first = browser(idp)
    second = browser(idp)
    indexes = {record.session_key: record.session_index for record in SAMLSession.objects.all()}
    first_index = indexes[first.session.session_key]
    assert first_index and first_index != indexes[second.session.session_key]

    request = idp.logout_request(binding=BINDING_HTTP_POST, session_index=first_index)
    # Posted cross-site by the IdP's page: no session cookie comes along.
    page = Client().post("/sso/saml/sls/", request["fields"])
    assert page.status_code == 200
    assert f"form-action 'self' {idp.url}" in page["Content-Security-Policy"]
    body = page.content.decode()
    assert f'action="{idp.url}/slo"' in body
    form = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', body))
    response = idp.logout_response(form=form, sp_cert=sp_keys)  # enveloped signature checked
    assert response.in_response_to == request["id"]
    assert response.status.status_code.value == SUCCESS

    assert not signed_in(first)
    assert signed_in(second)


def test_without_a_key_pair_the_logout_still_ends_the_sessions(client, idp):  # noqa: F811
    first = browser(idp)
    answer = Client().get(local(idp.logout_request()["url"]))
    assert answer.status_code == 302
    assert "SAMLResponse=" in answer["Location"] and "Signature=" not in answer["Location"]
    assert not signed_in(first)


def _other_key(idp, tmp_path, **kwargs):  # noqa: F811
    key_file, cert_file = make_key_pair(tmp_path, "mallory")
    real = (idp.key_file, idp.cert_file)
    sp_metadata, idp.sp_metadata = idp.sp_metadata, None
    idp.key_file, idp.cert_file = key_file, cert_file
    try:
        idp.trust_sp(sp_metadata)
        return idp.logout_request(**kwargs)
    finally:
        idp.key_file, idp.cert_file = real
        idp.sp_metadata = None
        idp.trust_sp(sp_metadata)


@pytest.mark.parametrize(
    "case",
    [
        "unsigned_redirect",
        "unsigned_post",
        "tampered_redirect",
        "tampered_post",
        "other_key_redirect",
        "other_key_post",
        "stale",
        "replayed",
    ],
)
def test_a_bad_logout_request_is_refused_logged_and_ends_nothing(
    client,  # noqa: ARG001
    idp,  # noqa: F811
    caplog,
    tmp_path,
    case,
):
    alice = browser(idp)
    reason = "bad_signature"
    if case == "unsigned_redirect":
        answer = Client().get(local(idp.logout_request(sign=False)["url"]))
    elif case == "unsigned_post":
        fields = idp.logout_request(binding=BINDING_HTTP_POST, sign=False)["fields"]
        answer = Client().post("/sso/saml/sls/", fields)
    elif case == "tampered_redirect":
        # Signed for bob, sent for alice.
        signed = idp.logout_request(subject="saml-bob")["url"]
        query = parse_qs(urlparse(signed).query)
        query["SAMLRequest"] = parse_qs(urlparse(idp.logout_request(sign=False)["url"]).query)[
            "SAMLRequest"
        ]
        answer = Client().get(f"/sso/saml/sls/?{urlencode(query, doseq=True)}")
    elif case == "tampered_post":
        fields = idp.logout_request(
            binding=BINDING_HTTP_POST,
            subject="saml-bob",
            tamper=lambda xml: xml.replace(">saml-bob<", ">saml-alice<"),
        )["fields"]
        answer = Client().post("/sso/saml/sls/", fields)
    elif case == "other_key_redirect":
        answer = Client().get(local(_other_key(idp, tmp_path)["url"]))
    elif case == "other_key_post":
        fields = _other_key(idp, tmp_path, binding=BINDING_HTTP_POST)["fields"]
        answer = Client().post("/sso/saml/sls/", fields)
    elif case == "stale":
        reason = "expired"
        answer = Client().get(
            local(idp.logout_request(issue_instant="2020-01-01T00:00:00Z")["url"])
        )
    else:
        reason = "replayed"
        url = local(idp.logout_request(subject="saml-nobody")["url"])
        assert Client().get(url).status_code == 302
        answer = Client().get(url)
    assert answer.status_code == 400
    assert "could not be verified" in answer.content.decode()
    assert "event=sso.refused" in caplog.text and "protocol=saml" in caplog.text
    assert f"reason={reason}" in caplog.text and "IdP LogoutRequest" in caplog.text
    assert signed_in(alice)
    assert SAMLSession.objects.filter(name_id="saml-alice").exists()


def test_signing_out_here_forgets_the_session_record(client, idp):  # noqa: F811
    assert sign_in(client, idp).status_code == 302
    assert SAMLSession.objects.filter(session_key=client.session.session_key).exists()
    client.post("/sso/logout/")
    assert not SAMLSession.objects.exists()
