"""Playwright harness: Debian's headless Chromium against pytest-django's live server.

Use the `browser` fixture for a fresh page (`new_page()`), and `sign_in(page, user)` to
log in through the real login form. Tests here are marked `browser`; without Chromium
they are skipped locally, and fail in CI (ISMS_REQUIRE_ALL_TESTS=1).
"""

import os
import shutil
import tempfile

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls that tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (15 s): a form post under CI's load can take
    # longer than expect's default 5 s.
    expect.set_options(timeout=15_000)
    profile = tempfile.mkdtemp(prefix="isms-chromium-")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(_chromium, live_server):
    """A factory of pages, each in its own browser context (its own cookies)."""
    contexts = []

    def new_page():
        context = _chromium.new_context(
            base_url=live_server.url, viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        return page

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in():
    """sign_in(page, user) logs `user` in through the login form and lands on the dashboard."""

    def do_sign_in(page, user, password=PASSWORD):
        page.goto("/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return do_sign_in
