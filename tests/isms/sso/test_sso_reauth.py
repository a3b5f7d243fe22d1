"""Sensitive actions for single sign-on users who have no password: the identity
provider re-authenticates them (a forced fresh sign-in through the real local OpenID
Connect provider), for approval decisions (one round trip, one decision) and for pages
behind re-authentication."""

from __future__ import annotations

import logging
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from isms import approvals, reauth
from isms.models.approvals import ApprovalState
from tests.isms.governance.factories import make_version
from tests.isms.sso.idp import CLIENT_ID, CLIENT_SECRET, FakeIdP
from tests.isms.sso.test_oidc import callback, start

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
    settings.SSO_ROLE_MANAGEMENT = ["isms-mgmt"]
    settings.SSO_CREATE_USERS = True
    return settings


def sso_manager(client, idp):
    params = start(client, "/sso/oidc/login/?next=/")
    assert callback(client, params, idp.authorise(params, groups=["isms-mgmt"])).status_code == 302
    user = get_user_model().objects.get(username="alice.sso")
    assert not user.has_usable_password()
    return user


def confirm_at_idp(client, idp, next_path):
    params = start(client, f"/sso/oidc/login/?reauth=1&next={next_path}")
    assert params["prompt"] == "login" and params["max_age"] == "0"
    response = callback(client, params, idp.authorise(params))
    assert response.status_code == 302 and response["Location"] == next_path


def test_sso_only_manager_decides_after_an_idp_round_trip(client, idp, security_manager, caplog):
    caplog.set_level(logging.INFO, logger="isms.security")
    sso_manager(client, idp)
    version = make_version(security_manager)
    approval = approvals.approval_request_submit(obj=version, user=security_manager)
    url = reverse("isms:approval_detail", args=[approval.pk])

    page = client.get(url).content.decode()
    assert 'name="password"' not in page  # nothing to type: there is no password
    assert f"/sso/oidc/login/?reauth=1&amp;next={url}" in page

    # Signing in is not a confirmation of a decision: the IdP must be asked again.
    refused = client.post(url, {"decision": "approve", "comment": ""})
    assert refused.status_code == 400
    assert "through your organisation" in refused.content.decode()
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.IN_REVIEW

    confirm_at_idp(client, idp, url)
    assert "no password is needed" in client.get(url).content.decode()
    decided = client.post(url, {"decision": "approve", "comment": "Fine"})
    assert decided.status_code == 302
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.APPROVED
    assert "event=reauth.idp_used" in caplog.text

    # One round trip, one decision.
    second = make_version(security_manager, reference="POL-2", title="Second")
    other = approvals.approval_request_submit(obj=second, user=security_manager)
    again = client.post(
        reverse("isms:approval_detail", args=[other.pk]), {"decision": "approve", "comment": ""}
    )
    assert again.status_code == 400
    second.refresh_from_db()
    assert second.approval_state == ApprovalState.IN_REVIEW


def test_an_old_idp_confirmation_does_not_count(client, idp, security_manager):
    sso_manager(client, idp)
    version = make_version(security_manager)
    approval = approvals.approval_request_submit(obj=version, user=security_manager)
    url = reverse("isms:approval_detail", args=[approval.pk])
    confirm_at_idp(client, idp, url)
    session = client.session
    session[reauth.IDP_SESSION_KEY] = int(time.time()) - 3600
    session.save()
    assert client.post(url, {"decision": "approve", "comment": ""}).status_code == 400
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.IN_REVIEW


def test_a_password_user_still_types_the_password(client_as, manager, security_manager):
    version = make_version(security_manager)
    approval = approvals.approval_request_submit(obj=version, user=security_manager)
    client = client_as(manager)
    url = reverse("isms:approval_detail", args=[approval.pk])
    assert 'name="password"' in client.get(url).content.decode()
    response = client.post(url, {"decision": "approve", "comment": ""})
    assert response.status_code == 400
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.IN_REVIEW


def test_reauth_pages_offer_the_idp_to_sso_only_users(client, idp):
    sso_manager(client, idp)
    session = client.session
    session.pop(reauth.SESSION_KEY)
    session.save()
    setup = "/account/two-factor/setup/"
    response = client.get(setup)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'name="password"' not in page
    assert f"/sso/oidc/login/?reauth=1&amp;next={setup}" in page
    confirm_at_idp(client, idp, setup)
    assert client.get(setup).status_code == 200
