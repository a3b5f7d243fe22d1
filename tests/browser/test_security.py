"""Two-factor enrolment and sign-in in a real browser, and the API documentation pages,
all under the strict Content-Security-Policy (a violation is a console error)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD


def _code(device, ahead=0):
    value = totp(device.bin_key, step=device.step, t0=device.t0, drift=ahead)
    return str(value).zfill(6)


@pytest.mark.django_db(transaction=True)
def test_enrol_then_sign_in_with_a_code(browser, sign_in, persona):
    user = persona("auditor")
    page = browser()
    sign_in(page, user)
    page.goto("/account/")
    page.get_by_role("link", name="Manage two-factor").click()
    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    expect(page.locator("#totp-secret")).not_to_be_empty()
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Authentication code").fill(_code(device))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_text("shown only once")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them").click()
    assert page.console_errors == [], page.console_errors

    # Sign out, sign in again: the code is asked after the password.
    page.get_by_label("Open user menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("auditor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.goto("/audit/")
    expect(page).to_have_url("/account/two-factor/verify/?next=/audit/")
    device.refresh_from_db()
    page.get_by_label("Authentication code").fill(_code(device, ahead=1))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url("/audit/")
    assert page.console_errors == [], page.console_errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path, visible", [("/api/docs/", "ISMS Manager API"), ("/api/redoc/", "ISMS Manager API")]
)
def test_api_docs_render_offline_under_the_csp(browser, sign_in, persona, path, visible):
    page = browser()
    sign_in(page, persona("auditor"))
    page.goto(path)
    # The schema is generated on request: slow on a busy machine.
    expect(page.get_by_text(visible).first).to_be_visible(timeout=60_000)
    page.wait_for_timeout(500)  # let late styles and images report violations
    # ReDoc's sidebar always tries its maker's logo from their CDN; the policy blocks
    # it (as it must: nothing loads from a CDN) and the page works without it.
    errors = [e for e in page.console_errors if "cdn.redoc.ly" not in e]
    assert errors == [], errors
