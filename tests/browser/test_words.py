"""Issue 20.9 in a real browser: one vocabulary. Filters offer "All" (never "---------"
or "Unknown"), record types are named as people name them, the audit log's source
filter is just "Source", and the 403 page is readable (dark text on a light card)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import check_page

RAW = re.compile(r"-{5,}|\bUnknown\b|\w+ \| \w+|starts with")


@pytest.mark.django_db(transaction=True)
def test_pages_speak_one_vocabulary(browser, sign_in, persona):
    page = browser()
    sign_in(page, persona("auditor"))
    for url in ("/audit/", "/approvals/?tab=all", "/assets/aws/findings/", "/assets/"):
        page.goto(url)
        form = page.locator("form[aria-label^='Filter']").first
        text = form.evaluate(
            "f => [...f.querySelectorAll('label, option')].map(e => e.textContent).join(' | ')"
        )
        found = RAW.search(text.replace(" | ", " ¦ "))
        assert found is None, f"{url}: {found.group(0)!r} in {text[:300]}"
    page.goto("/audit/")
    expect(page.get_by_label("Source", exact=True)).to_be_visible()
    options = page.get_by_label("Record type").locator("option")
    expect(options.filter(has_text=re.compile(r"^Policy version$"))).to_have_count(1)
    check_page(page, "audit-log")

    # The 403 page: readable text on a light card.
    assert page.goto("/risks/import/").status == 403
    heading = page.get_by_text("Access denied")
    expect(heading).to_be_visible()
    # Each colour drawn on a canvas and read back as RGB (CSS may say oklch()).
    text_rgb, back_rgb = page.locator(".empty").evaluate(
        """e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor].map(c => {
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.fillStyle = c; ctx.fillRect(0, 0, 1, 1);
            return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
        })"""
    )
    assert sum(text_rgb) < 300 and sum(back_rgb) > 600, (text_rgb, back_rgb)
