"""The risk register in a real browser: a security manager creates a risk on an asset,
scores it, plans its treatment, sees the heatmap change; a second session's conflicting
edit is refused with what changed."""

import re

import pytest
from playwright.sync_api import expect

from risks.models import Risk
from tests.assets.factories import AssetFactory
from tests.browser.helpers import pick
from tests.risks.factories import approved_methodology


@pytest.mark.django_db(transaction=True)
def test_risk_journey(browser, sign_in, persona):
    security_manager = persona("security_manager")
    approved_methodology(author=security_manager, approver=persona("manager"))
    AssetFactory(ref="A-777", name="Customer database", value_usd=400_000)

    page = browser()
    sign_in(page, security_manager)

    # Identify and score a risk on the asset.
    page.goto("/risks/new/")
    page.get_by_label("Title").fill("Ransomware on the customer database")
    pick(page, "Assets", "A-777")
    page.get_by_label("Inherent likelihood").select_option("3")
    page.get_by_label("Inherent impact").select_option("4")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("R-001"))).to_be_visible()
    expect(page.locator(".risk-level").first).to_have_text("High")
    expect(page.get_by_text("$400,000").first).to_be_visible()

    # Plan its treatment.
    page.get_by_label("What").fill("Immutable backups in a second account")
    page.get_by_role("button", name="Add action").click()
    expect(
        page.get_by_role("cell", name="Immutable backups in a second account", exact=True)
    ).to_be_visible()

    # The heatmap counts it in its cell.
    page.goto("/risks/heatmap/")
    inherent = page.locator("[data-heatmap=inherent-risk]")
    expect(inherent.locator("[data-cell='3x4']")).to_have_text("1")

    # Inline edit in the register: the level colour changes at once, without a reload.
    page.goto("/risks/")
    row = page.locator(f"tr#risk-{Risk.objects.get().pk}")
    expect(row.locator("[data-cell=inherent_level] .risk-level")).to_have_class(
        re.compile("risk-level-orange")
    )
    row.get_by_label("Likelihood of R-001").select_option("5")
    expect(page.locator("tr[id^=risk-] [data-cell=inherent_level] .risk-level")).to_have_class(
        re.compile("risk-level-red")
    )
    expect(page.locator("tr[id^=risk-] [data-cell=inherent_level]")).to_have_text("Critical")
    page.get_by_label("Treatment of R-001").select_option("mitigate")
    expect(page.get_by_label("Treatment of R-001")).to_have_value("mitigate")

    # ...and the heatmap moved.
    page.goto("/risks/heatmap/")
    expect(inherent.locator("[data-cell='5x4']")).to_have_text("1")
    expect(inherent.locator("[data-cell='3x4']")).to_have_text("0")

    # Two sessions: the second one's stale save is refused, showing what changed.
    other = browser()
    sign_in(other, security_manager)
    other.goto(f"/risks/{Risk.objects.get().pk}/edit/")
    page.goto("/risks/")
    page.get_by_label("Status of R-001").select_option("analysed")
    expect(page.get_by_label("Status of R-001")).to_have_value("analysed")
    other.get_by_label("Inherent impact").select_option("1")
    other.get_by_role("button", name="Save").click()
    alert = other.get_by_role("alert").filter(has_text="Not saved")
    expect(alert).to_contain_text("Status: Identified → Analysed")  # in words (20.5)
    risk = Risk.objects.get()
    assert (risk.inherent_impact, risk.status) == (4, "analysed")
    assert page.console_errors == [], page.console_errors
    # The refused save answers 409 Conflict, which the browser logs; nothing else may.
    assert [e for e in other.console_errors if "409" not in e] == [], other.console_errors


@pytest.mark.django_db(transaction=True)
def test_the_register_filter_button_finds_the_risk(browser, sign_in, persona):
    """Issue 20.1: the form sends `status=` and `treatment=` for "All"; that is no filter."""
    from tests.risks.factories import make_risk

    security_manager = persona("security_manager")
    wanted = make_risk(security_manager, title="Payroll leak")
    other = make_risk(security_manager, title="Site defaced")

    page = browser()
    sign_in(page, security_manager)
    page.goto("/risks/")
    form = page.get_by_role("form", name="Filter the risk register")
    form.get_by_label("Search").fill(wanted.ref)
    form.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]status=&"))
    expect(page.locator(f"tr#risk-{wanted.pk}")).to_be_visible()
    expect(page.locator(f"tr#risk-{other.pk}")).to_have_count(0)
