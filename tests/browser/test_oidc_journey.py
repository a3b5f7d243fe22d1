"""OpenID Connect in a real browser against a real provider process (the demo provider,
django-oauth-toolkit: tests/isms/sso/oidc_provider.py): the SSO button on the sign-in
page, the provider's own sign-in page, PKCE, the ID token verified against the
provider's JWKS, the role from the groups claim; the group removed at the provider and
the role gone at the next sign-in; a tampered ID token refused and logged; a
misconfigured issuer answered with a clear page, never a 500; sign-out ending the
provider's session as well."""

import logging

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from isms import roles
from tests.isms.sso.oidc_provider import CLIENT_ID, CLIENT_SECRET, OIDCProvider

PASSWORD = "alice-at-the-idp"  # noqa: S105 - the test provider's user


@pytest.fixture
def provider(live_server, tmp_path):
    idp = OIDCProvider(
        tmp_path / "idp",
        site=live_server.url,
        users=[f"alice:{PASSWORD}:isms-audit"],
    ).start()
    # The provider is another site than the ISMS (127.0.0.1 against localhost).
    assert "localhost" in live_server.url and "127.0.0.1" in idp.url
    yield idp
    idp.stop()


@pytest.fixture
def oidc_site(settings, live_server, provider):
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_ROLE_SECURITY_MANAGER = ["isms-security"]
    settings.SSO_ROLE_AUDITOR = ["isms-audit"]
    settings.SSO_CREATE_USERS = True
    return live_server


def sign_in_at_provider(page, provider) -> bool:
    """The SSO button, then the provider's sign-in page when it asks (no session of its
    own yet): whether it asked."""
    page.goto("/login/")
    with page.expect_navigation():  # through the provider, to its page or straight back
        page.get_by_role("link", name="Sign in with your organisation (SSO)").click()
    return enter_password_at_provider(page, provider)


def enter_password_at_provider(page, provider) -> bool:
    if not page.url.startswith(provider.url):
        return False
    expect(page.get_by_role("heading", name="Demo identity provider")).to_be_visible()
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return True


def user_roles(username="alice"):
    user = get_user_model().objects.get(username=username)
    return set(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_oidc_sign_in_role_from_group_and_removal(browser, oidc_site, provider, caplog):
    caplog.set_level(logging.INFO, logger="isms.security")
    page = browser()
    assert sign_in_at_provider(page, provider)  # the provider's own sign-in page
    page.wait_for_url(f"{oidc_site.url}/")
    expect(page.get_by_role("heading", name="Your ISMS, step by step")).to_be_visible()
    expect(page.locator("header")).to_contain_text("Auditor")
    assert user_roles() == {roles.AUDITOR}
    assert "event=sso.login" in caplog.text and "protocol=oidc" in caplog.text
    assert page.console_errors == [], page.console_errors

    # A re-authentication (before a sensitive action) makes the provider ask for the
    # password again although it has a session (prompt=login, max_age=0).
    with page.expect_navigation():
        page.goto("/sso/oidc/login/?reauth=1&next=/risks/")
    assert enter_password_at_provider(page, provider)
    page.wait_for_url(f"{oidc_site.url}/risks/")
    assert "event=reauth.success" in caplog.text

    # Signing out here ends the provider's session too (RP-initiated logout, the ID
    # token as hint), and the browser comes back to our sign-in page.
    page.get_by_label("Open user menu").click()
    with page.expect_navigation(url=f"{oidc_site.url}/login/"):
        page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")

    provider.set_groups("alice")  # removed from isms-audit at the provider
    assert sign_in_at_provider(page, provider)  # the provider asks again: signed out there
    page.wait_for_url(f"{oidc_site.url}/")
    expect(page.locator("header")).to_contain_text("No role")
    assert user_roles() == set()


@pytest.mark.django_db(transaction=True)
def test_tampered_id_token_is_refused_in_the_browser(browser, oidc_site, provider, caplog):
    caplog.set_level(logging.INFO, logger="isms.security")
    provider.tamper(True)  # groups rewritten to the security managers' after signing
    page = browser()
    sign_in_at_provider(page, provider)
    expect(page.get_by_role("heading", name="Single sign-on failed")).to_be_visible()
    expect(page.get_by_text("could not be verified")).to_be_visible()
    assert "event=sso.refused" in caplog.text and "reason=bad_signature" in caplog.text
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")
    assert not get_user_model().objects.filter(username="alice").exists()


@pytest.mark.django_db(transaction=True)
def test_misconfigured_issuer_shows_a_clear_page(browser, oidc_site, provider, settings, caplog):
    caplog.set_level(logging.INFO, logger="isms.security")
    settings.OIDC_ISSUER = f"{provider.url}/not-the-issuer"
    page = browser()
    page.goto("/login/")
    page.get_by_role("link", name="Sign in with your organisation (SSO)").click()
    expect(page.get_by_role("heading", name="Single sign-on failed")).to_be_visible()
    expect(page.get_by_text("could not be reached or is misconfigured")).to_be_visible()
    assert "event=sso.refused" in caplog.text and "reason=provider_unreachable" in caplog.text
