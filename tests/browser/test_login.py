"""Each role signs in through the real form and sees the dashboard; anonymous visitors
are sent to the login page."""

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "name, sees_audit_log",
    [
        ("security_manager", True),
        ("manager", True),
        ("auditor", True),
        ("owner", False),  # no role: sees only what they own
        ("admin", True),
    ],
)
def test_each_role_signs_in_and_sees_the_dashboard(browser, sign_in, persona, name, sees_audit_log):
    user = persona(name)
    page = browser()
    sign_in(page, user)
    expect(page.get_by_role("heading", name="Your ISMS, step by step")).to_be_visible()
    expect(page.get_by_role("heading", name="Step 1: Define the scope")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation).to_contain_text("Dashboard")
    if sees_audit_log:
        expect(navigation).to_contain_text("Audit log")
    else:
        expect(navigation).not_to_contain_text("Audit log")
    assert page.console_errors == [], page.console_errors  # CSP violations show up here


@pytest.mark.django_db(transaction=True)
def test_anonymous_is_redirected_to_login(browser):
    page = browser()
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")
    expect(page.get_by_role("heading", name="Sign in to your ISMS")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_an_error_beside_the_form(browser, persona):
    persona("auditor")
    page = browser()
    page.goto("/login/")
    page.get_by_label("Username").fill("auditor")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    expect(page).to_have_url("/login/")


@pytest.mark.django_db(transaction=True)
def test_sign_out(browser, sign_in, persona):
    page = browser()
    sign_in(page, persona("auditor"))
    page.get_by_label("Open user menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/login/")
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")
