"""Sensitive API actions for single sign-on users without a password (issue 21): a
fresh sign-in at the identity provider (the real local OpenID Connect provider, and the
real pysaml2 IdP) becomes a one-time confirmation code on /sso/confirmation-code/; the
API takes it instead of `password` for approval decisions and AWS account changes.
Wrong, expired, another user's and reused codes answer 400 on `confirmation_code` in the
one error shape, and are security-logged."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from assets.models import AwsAccount
from isms import approvals
from isms import services as isms_services
from isms.models.approvals import ApprovalState
from isms.sso.models import ConfirmationCode
from isms.sso.services import CodeRefused, confirmation_code_issue, confirmation_code_use
from tests.factories import PASSWORD
from tests.isms.governance.factories import make_version
from tests.isms.sso import test_saml
from tests.isms.sso.idp import CLIENT_ID, CLIENT_SECRET, FakeIdP
from tests.isms.sso.saml_idp import SAMLIdP
from tests.isms.sso.test_sso_reauth import confirm_at_idp, sso_manager

pytestmark = pytest.mark.django_db

CODE_PAGE = "/sso/confirmation-code/"
SHAPE = {"detail", "code", "errors"}


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
    settings.SSO_ROLE_MANAGEMENT = ["isms-mgmt"]
    settings.SSO_ROLE_SECURITY_MANAGER = ["isms-sm"]
    settings.SSO_CREATE_USERS = True
    return settings


def api_client(user) -> Client:
    """A script's client: the user's personal API token, no browser session."""
    _token, clear = isms_services.api_token_create(user=user, name="script")
    return Client(HTTP_AUTHORIZATION=f"Token {clear}")


def get_code(client) -> str:
    """Ask the confirmation-code page for a code (after the IdP round trip)."""
    page = client.get(CODE_PAGE)
    assert page.status_code == 200 and "Show a confirmation code" in page.content.decode()
    shown = client.post(CODE_PAGE)
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    match = re.search(r'id="confirmation-code">([A-Z0-9-]+)<', shown.content.decode())
    assert match, shown.content.decode()
    return match.group(1)


def decide(api, approval, action="approve", **body):
    return api.post(
        f"/api/approval-requests/{approval.pk}/{action}/", body, content_type="application/json"
    )


def submitted(security_manager, reference="POL-1", title="Access control"):
    version = make_version(security_manager, reference=reference, title=title)
    return version, approvals.approval_request_submit(obj=version, user=security_manager)


def test_sso_only_manager_decides_through_the_api_with_a_confirmation_code(
    client, idp, security_manager, caplog
):
    caplog.set_level(logging.INFO, logger="isms.security")
    user = sso_manager(client, idp)
    api = api_client(user)
    version, approval = submitted(security_manager)

    # Nothing to confirm with: the error names the confirmation code, not a password.
    missing = decide(api, approval)
    assert missing.status_code == 400
    assert set(missing.json()) == SHAPE and list(missing.json()["errors"]) == ["confirmation_code"]
    assert "/sso/confirmation-code/" in missing.json()["errors"]["confirmation_code"][0]

    # Signing in is no confirmation: the page sends the user to the IdP first.
    page = client.get(CODE_PAGE).content.decode()
    assert f"/sso/oidc/login/?reauth=1&amp;next={CODE_PAGE}" in page
    assert client.post(CODE_PAGE)["Location"] == CODE_PAGE
    assert not ConfirmationCode.objects.exists()

    confirm_at_idp(client, idp, CODE_PAGE)
    code = get_code(client)
    assert re.fullmatch(r"([A-Z2-9]{5}-){3}[A-Z2-9]{5}", code)
    stored = ConfirmationCode.objects.get()
    assert stored.user == user and stored.protocol == "oidc"
    assert code.replace("-", "") not in stored.code_hash and len(stored.code_hash) == 64
    assert "event=reauth.code_issued" in caplog.text
    # The round trip is spent on the code: it confirms no browser decision as well.
    assert "Show a confirmation code" not in client.get(CODE_PAGE).content.decode()

    # A decision refused for another reason (no comment) leaves the code usable.
    no_comment = decide(api, approval, "reject", confirmation_code=code)
    assert no_comment.status_code == 400 and list(no_comment.json()["errors"]) == ["comment"]

    approved = decide(api, approval, confirmation_code=code.lower())  # case does not matter
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == ApprovalState.APPROVED
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.APPROVED
    assert approval.decisions.get().decided_by == user
    assert "event=reauth.code_used" in caplog.text and "protocol=oidc" in caplog.text

    # One code, one decision.
    second, other = submitted(security_manager, "POL-2", "Second")
    reused = decide(api, other, confirmation_code=code)
    assert reused.status_code == 400
    assert reused.json()["errors"] == {
        "confirmation_code": ["This confirmation code has already been used: get a new one."]
    }
    assert "event=reauth.code_refused" in caplog.text and "reason=used" in caplog.text
    second.refresh_from_db()
    assert second.approval_state == ApprovalState.IN_REVIEW


@pytest.mark.parametrize("case", ["wrong", "expired", "other_user"])
def test_wrong_expired_and_other_users_codes_are_refused_and_logged(
    client, idp, security_manager, manager, caplog, case
):
    user = sso_manager(client, idp)
    _version, approval = submitted(security_manager)
    if case == "wrong":
        code = "ABCDE-FGHJK-LMNPQ-RSTUV"
    elif case == "expired":
        record, code = confirmation_code_issue(user=user, protocol="oidc")
        record.expires_at = timezone.now() - datetime.timedelta(seconds=1)
        record.save(update_fields=["expires_at"])
    else:
        _record, code = confirmation_code_issue(user=manager, protocol="oidc")
    response = decide(api_client(user), approval, confirmation_code=code)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE and body["code"] == "invalid"
    message = {
        "wrong": "This confirmation code is not valid.",
        "other_user": "This confirmation code is not valid.",  # says nothing of the owner
        "expired": "This confirmation code has expired: get a new one.",
    }[case]
    assert body["errors"] == {"confirmation_code": [message]}
    assert "event=reauth.code_refused" in caplog.text and f"reason={case}" in caplog.text
    approval.refresh_from_db()
    assert approval.state == ApprovalState.IN_REVIEW
    assert not approval.decisions.exists()


def test_two_actions_racing_with_one_code_get_it_once(manager):
    record, _code = confirmation_code_issue(user=manager, protocol="saml")
    confirmation_code_use(record)
    with pytest.raises(CodeRefused) as refused:
        confirmation_code_use(record)
    assert refused.value.reason == "used"


def test_password_users_keep_confirming_with_the_password(security_manager, manager):
    _version, approval = submitted(security_manager)
    api = api_client(manager)
    missing = decide(api, approval)
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["password"]
    assert decide(api, approval, password=PASSWORD).status_code == 200


def test_the_code_page_is_only_for_single_sign_on_users(client_as, manager):
    assert client_as(manager).get(CODE_PAGE).status_code == 404


# --- SAML, and an action that is not an approval ------------------------------------


@pytest.fixture
def saml_idp():
    provider = SAMLIdP().start()
    yield provider
    provider.stop()


def test_saml_user_confirms_an_aws_account_change_with_a_code(client, saml_idp, settings, caplog):
    caplog.set_level(logging.INFO, logger="isms.security")
    settings.OIDC_ISSUER = ""
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SAML_SP_ENTITY_ID = test_saml.SP_ENTITY_ID
    settings.SAML_IDP_METADATA_FILE = str(saml_idp.metadata_file)
    settings.SAML_USERNAME_ATTRIBUTE = "uid"
    saml_idp.trust_sp(client.get("/sso/saml/metadata/").content.decode())
    assert test_saml.sign_in(client, saml_idp, groups=["isms-sm"]).status_code == 302
    user = get_user_model().objects.get(username="alice.saml")
    api = api_client(user)
    account = {
        "name": "Prod",
        "account_id": "123456789012",
        "role_arn": "arn:aws:iam::123456789012:role/isms-reader",
        "regions": ["eu-west-1"],
    }
    refused = api.post("/api/aws/accounts/", account, content_type="application/json")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["confirmation_code"]

    location = test_saml.start(client, f"/sso/saml/login/?reauth=1&next={CODE_PAGE}")
    assert test_saml.post(client, saml_idp.login(location))["Location"] == CODE_PAGE
    assert saml_idp.last_request.force_authn == "true"
    code = get_code(client)
    created = api.post(
        "/api/aws/accounts/",
        {**account, "confirmation_code": code},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert "confirmation_code" not in created.json()
    assert AwsAccount.objects.get().name == "Prod"
    assert "event=reauth.code_used" in caplog.text and "protocol=saml" in caplog.text
    again = api.patch(
        f"/api/aws/accounts/{created.json()['id']}/",
        {"name": "Production", "confirmation_code": code},
        content_type="application/json",
    )
    assert again.status_code == 400 and list(again.json()["errors"]) == ["confirmation_code"]
    assert AwsAccount.objects.get().name == "Prod"
