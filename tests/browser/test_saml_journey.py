"""SAML 2.0 in a real browser against a real local IdP (tests/isms/sso/saml_idp.py):
the button on the sign-in page, the IdP's form posted cross-site to our ACS (the
session cookie is SameSite=Lax, so our page posts it again from our origin), the role
from the groups attribute, the group removed and the role gone, single logout at the
IdP, a tampered assertion refused, and a logout started at the IdP (Redirect and POST
bindings) ending the sessions here."""

import pytest
import requests
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from isms import roles
from tests.isms.sso.saml_idp import SAMLIdP, attribute_value, make_key_pair


@pytest.fixture
def idp():
    provider = SAMLIdP().start()
    yield provider
    provider.stop()


@pytest.fixture
def saml_site(settings, live_server, idp):
    settings.SITE_URL = live_server.url
    settings.SAML_SP_ENTITY_ID = f"{live_server.url}/sso/saml/metadata/"
    settings.SAML_IDP_METADATA_FILE = str(idp.metadata_file)
    settings.SAML_IDP_METADATA_URL = ""
    settings.SAML_USERNAME_ATTRIBUTE = "uid"
    settings.SSO_ROLE_AUDITOR = ["isms-audit"]
    settings.SSO_CREATE_USERS = True
    idp.trust_sp(requests.get(f"{live_server.url}/sso/saml/metadata/", timeout=10).text)
    # The IdP is another site than the ISMS (127.0.0.1 against localhost).
    assert "localhost" in live_server.url and "127.0.0.1" in idp.url
    return live_server


def sign_in_at_idp(page, idp, **user):
    idp.next_user = user
    page.goto("/login/")
    page.get_by_role("link", name="Sign in with your organisation (SSO)").click()
    page.wait_for_url(f"{idp.url}/sso?**")
    page.get_by_role("button", name="Continue to the ISMS").click()


def auditor_role(username="alice.saml"):
    user = get_user_model().objects.get(username=username)
    return user.groups.filter(name=roles.AUDITOR).exists()


@pytest.mark.django_db(transaction=True)
def test_saml_sign_in_role_from_group_and_removal(browser, saml_site, idp):
    page = browser()
    sign_in_at_idp(page, idp, groups=["isms-audit"])
    page.wait_for_url(f"{saml_site.url}/")
    expect(page.get_by_role("heading", name="Your ISMS, step by step")).to_be_visible()
    expect(page.locator("header")).to_contain_text("Auditor")
    assert auditor_role()
    assert page.console_errors == [], page.console_errors

    page.get_by_label("Open user menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("Signed out at the IdP")).to_be_visible()  # single logout
    assert idp.logout_requests and "SAMLRequest=" in idp.logout_requests[-1]
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")

    sign_in_at_idp(page, idp, groups=[])
    page.wait_for_url(f"{saml_site.url}/")
    expect(page.locator("header")).to_contain_text("No role")
    assert not auditor_role()


@pytest.mark.django_db(transaction=True)
def test_tampered_assertion_is_refused_in_the_browser(browser, saml_site, idp):
    page = browser()
    sign_in_at_idp(
        page,
        idp,
        groups=["isms-audit"],
        tamper=lambda xml: attribute_value(xml, "isms-audit", "isms-sm"),
    )
    expect(page.get_by_role("heading", name="Single sign-on failed")).to_be_visible()
    expect(page.get_by_text("could not be verified")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")
    assert not get_user_model().objects.filter(username="alice.saml").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_logout_started_at_the_idp_ends_the_sessions_here(
    browser, saml_site, idp, settings, tmp_path, binding
):
    key_file, cert_file = make_key_pair(tmp_path, "sp")  # signed LogoutResponses
    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = key_file, cert_file
    idp.trust_sp(requests.get(f"{saml_site.url}/sso/saml/metadata/", timeout=10).text)
    page, laptop = browser(), browser()  # two sessions of the same user
    for each in (page, laptop):
        sign_in_at_idp(each, idp, groups=["isms-audit"])
        each.wait_for_url(f"{saml_site.url}/")

    idp.next_logout = {"subject": "saml-alice"}
    page.goto(f"{idp.url}/logout?binding={binding}")  # the user signs out at the IdP
    if binding == "post":
        page.get_by_role("button", name="Sign out of the ISMS").click()
        # Our answer is a form posted back to the IdP (CSP form-action allows it).
        expect(page.get_by_text("Signed out at the IdP (POST)")).to_be_visible()
        assert idp.logout_posts and idp.logout_posts[-1]["SAMLResponse"]
    else:
        expect(page.get_by_text("Signed out at the IdP")).to_be_visible()
        assert "SAMLResponse=" in idp.logout_requests[-1]
        assert "Signature=" in idp.logout_requests[-1]
    for each in (page, laptop):
        each.goto("/")
        expect(each).to_have_url("/login/?next=/")
