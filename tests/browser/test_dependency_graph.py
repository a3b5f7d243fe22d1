"""Issue 20.7 in a real browser: the dependency graph of a hub asset stays readable
(wrapped levels, text at a legible size), zooms and pans, narrows to the asset's
direct neighbourhood, and has an accessible list of the same levels."""

import pytest
from playwright.sync_api import expect

from assets.models import AssetDependency
from tests.assets.factories import AssetFactory
from tests.browser.helpers import check_page


def _text_height(page) -> float:
    return page.locator("svg.asset-graph text").first.evaluate(
        "t => t.getBoundingClientRect().height"
    )


@pytest.mark.django_db(transaction=True)
def test_a_hub_assets_graph_is_readable_zooms_and_lists(browser, sign_in, persona):
    hub = AssetFactory(name="Identity provider", value_usd=50_000)
    dependents = [AssetFactory(name=f"Service {n}") for n in range(14)]
    AssetDependency.objects.bulk_create(
        [AssetDependency(dependent=d, dependency=hub) for d in dependents]
    )
    far = AssetFactory(name="Web front end")
    AssetDependency.objects.create(dependent=far, dependency=dependents[0])
    page = browser()
    sign_in(page, persona("security_manager"))
    page.goto(hub.get_absolute_url())

    readable = _text_height(page)
    assert readable >= 11, f"graph text {readable:.1f}px high"
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    assert _text_height(page) > readable * 1.4
    page.get_by_role("button", name="Fit the graph").click()
    assert abs(_text_height(page) - readable) < 1

    outline = page.locator("#graph-outline")
    outline.get_by_text("The graph as a list").click()
    for dependent in dependents:
        expect(
            outline.get_by_role("link", name=f"{dependent.ref} {dependent.name}")
        ).to_be_visible()
    expect(outline).to_contain_text(far.ref)
    check_page(page, "graph-hub")

    page.get_by_role("link", name="Direct neighbours only").click()
    expect(page.locator("svg.asset-graph")).not_to_contain_text(far.ref)
    expect(page.locator("svg.asset-graph")).to_contain_text(dependents[0].ref)
