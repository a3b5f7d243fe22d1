"""Issue 20.3 and 20.6 in a real browser: every many-to-many choice is made in the one
searchable picker with chips (isms.widgets.Picker, Tom Select): an asset's AWS
services and dependencies, a risk's assets and controls, the findings filters. The
asset form's AWS-services list no longer spills over the Save button."""

import pytest
from playwright.sync_api import expect

from assets.models import Asset
from risks.models import Risk
from tests.assets.factories import AssetFactory
from tests.browser.helpers import check_page, chips, pick
from tests.isms.frameworks.conftest import load
from tests.risks.factories import approved_methodology


@pytest.mark.django_db(transaction=True)
def test_records_are_linked_with_the_searchable_picker(browser, sign_in, persona):
    from isms.frameworks import services as framework_services

    user = persona("security_manager")
    approved_methodology(author=user, approver=persona("manager"))
    iso = load("iso27001-2022.json")
    framework_services.framework_select(selected=[iso], soa_basis=iso)
    database = AssetFactory(name="Customer database", value_usd=400_000)
    page = browser()
    sign_in(page, user)

    # An asset: AWS services from the list, dependencies found by name.
    page.goto("/assets/new/")
    page.get_by_label("Name", exact=True).fill("Online payments")
    page.get_by_label("Class", exact=True).select_option("essential")
    page.get_by_label("Category", exact=True).select_option("process")
    pick(page, "Depends on", "Customer", option=database.ref)
    pick(page, "AWS services", "RDS", option="Amazon RDS")
    expect(chips(page, "aws_services")).to_have_count(1)
    expect(chips(page, "depends_on")).to_contain_text([database.ref])
    save = page.get_by_role("button", name="Save")
    save.scroll_into_view_if_needed()
    # 20.6: nothing covers the Save button (the check-box list used to).
    assert save.evaluate(
        "b => { const r = b.getBoundingClientRect();"
        " return b.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"
    )
    check_page(page, "picker-asset-form")
    # A list closed with Escape stays closed when the page is refocused or resized (the
    # full-page screenshot does both); it used to reopen over the Save button.
    page.set_viewport_size({"width": 1200, "height": 800})
    expect(page.locator(".ts-dropdown:visible")).to_have_count(0)
    save.click()
    created = Asset.objects.get(name="Online payments")
    expect(page).to_have_url(f"/assets/{created.pk}/")
    assert list(created.depends_on.values_list("ref", flat=True)) == [database.ref]
    assert list(created.aws_services.values_list("code", flat=True)) == ["rds"]

    # A risk: its assets by name, its controls by number or title, as chips.
    page.goto("/risks/new/")
    page.get_by_label("Title").fill("Ransomware on the customer database")
    pick(page, "Assets", "customer", option=database.ref)
    pick(page, "Controls", "5.15", option="Access control")
    expect(chips(page, "controls")).to_have_count(1)
    page.get_by_role("button", name="Save").click()
    risk = Risk.objects.get(title="Ransomware on the customer database")
    expect(page).to_have_url(risk.get_absolute_url())
    assert list(risk.assets.values_list("ref", flat=True)) == [database.ref]
    assert list(risk.controls.values_list("identifier", flat=True)) == ["5.15"]

    # The findings filters: the same picker, not a raw list box.
    page.goto("/assets/aws/findings/")
    pick(page, "Severity", "crit", option="Critical")
    expect(chips(page, "severity")).to_have_text(["Critical×"])
    check_page(page, "picker-findings-filter")
