"""Issue 20, "done when": each role's day in the demo organisation, in Chromium at desktop
(1440x900) and phone (390x844) widths. Every page the role's sidebar offers, and the
records a role opens from them (an asset, a risk, an approval request, a control), must
fit the viewport, show no raw JSON, log no console error, and keep the page heading
unclipped; a screenshot of each failing step is kept under var/screenshots/ (of every
step with ISMS_SCREENSHOTS=<folder>).

The walk follows the sidebar, so a register added later is walked too, at both widths,
without editing this test. The journeys with interactions (inline edit, pickers, deciding
an approval, findings to risk...) have their own tests beside this one.
"""

import io

import pytest
from django.core.management import call_command

from isms import roles
from isms.demo.users import DEMO_USERS
from tests.assets.aws.conftest import _fake_aws_server, pointed_at  # noqa: F401
from tests.browser.helpers import DESKTOP, PHONE, check_page, expect_no_clipping

# Each role, and the records it opens from its pages during a day (the first link of each
# kind found on the page named first).
DAYS = {
    "security_manager": [
        ("/assets/", "main tbody a[href^='/assets/']"),
        ("/risks/", "main tbody a[href^='/risks/']"),
        ("/frameworks/iso27001-2022/", "main a[href^='/controls/']"),
    ],
    "manager": [
        ("/approvals/?tab=all", "main tbody a[href^='/approvals/']"),
        ("/risks/", "main tbody a[href^='/risks/']"),
    ],
    "auditor": [
        ("/frameworks/iso27001-2022/", "main a[href^='/controls/']"),
        ("/approvals/?tab=all", "main tbody a[href^='/approvals/']"),
    ],
}
PASSWORDS = {username: password for username, _name, _role, _su, password in DEMO_USERS}
ROLE_USERS = {
    name: next(u for u, _n, group, _s, _p in DEMO_USERS if group == role)
    for name, role in (
        ("security_manager", roles.SECURITY_MANAGER),
        ("manager", roles.MANAGEMENT),
        ("auditor", roles.AUDITOR),
    )
}


def _walk(page, role: str) -> tuple[list[str], list[str]]:
    """Every page of the role's day, each loaded once and checked at desktop width, then
    resized to a phone's and checked again: the URLs walked, and what was wrong on each
    (all pages are walked, so one run shows every problem)."""
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    links = page.locator("#sidebar-menu a.nav-link:not(.nav-link-pending)")
    urls = [u for u in links.evaluate_all("as => as.map(a => a.getAttribute('href'))") if u]
    urls = [u for u in dict.fromkeys(urls) if not u.startswith("/admin/")]
    for list_url, record_link in DAYS[role]:
        page.goto(list_url)
        first = page.locator(record_link).first
        if first.count():
            urls.append(first.get_attribute("href"))
    problems = []
    for url in urls:
        page.set_viewport_size(DESKTOP)
        response = page.goto(url)
        name = f"day-{role}-" + (url.strip("/").replace("/", "-").replace("?", "-") or "dashboard")
        try:
            status = response.status if response else None
            assert status == 200, f"{url} answered {status}"
            for viewport in (DESKTOP, PHONE):
                page.set_viewport_size(viewport)
                check_page(page, name)
                expect_no_clipping(page.locator(".page-title").first)
        except AssertionError as exc:
            width = page.viewport_size["width"]
            problems.append(f"{name} at {width}px: {str(exc).splitlines()[0]}")
    return urls, problems


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_each_roles_day_fits_desktop_and_phone(browser, sign_in, _fake_aws_server):  # noqa: F811
    from isms.models import User

    with pointed_at(_fake_aws_server):
        call_command("load_demo", stdout=io.StringIO())
    walked, problems = {}, []
    for role, username in ROLE_USERS.items():
        user = User.objects.get(username=username)
        page = browser()
        sign_in(page, user, password=PASSWORDS[username])
        walked[role], found = _walk(page, role)
        problems.extend(found)
    assert problems == [], "\n".join(problems)
    # The walk covered each role's sidebar and the records opened from it.
    assert len(walked["security_manager"]) >= 15, walked["security_manager"]
    assert any(u.startswith("/controls/") for u in walked["auditor"])
    assert any(u.startswith("/approvals/") and u != "/approvals/" for u in walked["manager"]), (
        walked["manager"]
    )
