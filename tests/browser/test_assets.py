"""Asset inventory in a real browser: a security manager creates an essential asset
(with inline validation), links a support asset, and sees the value at stake update."""

import pytest
from playwright.sync_api import expect

from assets.models import Asset
from tests.assets.factories import AssetFactory


@pytest.mark.django_db(transaction=True)
def test_security_manager_creates_links_and_sees_value_at_stake(browser, sign_in, persona):
    user = persona("security_manager")
    database = AssetFactory(name="Customer database", value_usd=100, category="software")
    page = browser()
    sign_in(page, user)

    page.goto("/assets/")
    page.get_by_role("link", name="New asset").click()
    page.get_by_label("Name", exact=True).fill("Online payments")
    page.get_by_label("Class", exact=True).select_option("essential")
    # Only the categories of the chosen class are offered.
    hidden = page.eval_on_selector("#id_category option[value=hardware]", "o => o.hidden")
    assert hidden is True
    page.get_by_label("Category", exact=True).select_option("process")
    value = page.get_by_label("Value ($)", exact=True)
    value.fill("-5")
    value.press("Tab")
    # htmx validated the field on the server and put the error beside it.
    expect(page.locator("#id_value_usd_error")).to_contain_text("greater than or equal to 0")
    expect(page.locator("#id_value_usd")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Value ($)", exact=True).fill("5000")
    page.get_by_label("Value ($)", exact=True).press("Tab")
    expect(page.locator("#id_value_usd_error")).to_have_count(0)
    page.get_by_role("button", name="Save").click()

    created = Asset.objects.get(name="Online payments")
    expect(page).to_have_url(f"/assets/{created.pk}/")
    expect(page.locator("#value-at-stake")).to_have_text("$5,000")

    page.get_by_label("Reference of the asset it depends on").fill(database.ref)
    page.get_by_role("button", name="Link").click()
    expect(page.locator("#dependencies")).to_contain_text("Customer database")
    expect(page.locator("svg.asset-graph")).to_contain_text(database.ref)

    page.locator("#dependencies").get_by_role(
        "link", name=f"{database.ref} Customer database"
    ).click()
    expect(page.locator("#value-at-stake")).to_have_text("$5,100")
    expect(page.locator("#dependents")).to_contain_text("Online payments")

    page.goto("/assets/?ordering=-value_at_stake_usd")
    first_row = page.locator("#asset-table tbody tr").first
    expect(first_row).to_contain_text(database.ref)
    expect(first_row).to_contain_text("$5,100")
    assert page.console_errors == [], page.console_errors  # CSP violations show up here
