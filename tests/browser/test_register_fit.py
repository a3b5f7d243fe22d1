"""Issue 20.4 and 20.5 in a real browser: the risk register fits (its default columns
within the card at desktop width, nothing sideways on a phone, headers in words with
abbreviations explained), and an inline edit refused because someone else changed
the risk says so beside the cell, in words and dollars, with what to do."""

import re

import pytest
from playwright.sync_api import expect

from risks import services
from risks.models import Risk
from tests.assets.factories import AssetFactory
from tests.browser.helpers import DESKTOP, PHONE, check_page
from tests.risks.factories import approved_methodology, make_risk


@pytest.mark.django_db(transaction=True)
def test_the_register_fits_and_refusals_are_in_words(browser, sign_in, persona):
    user = persona("security_manager")
    approved_methodology(author=user, approver=persona("manager"))
    asset = AssetFactory(name="Payments platform", value_usd=2_780_000)
    risk = make_risk(
        user,
        assets=[asset],
        title="Card data stolen from the payments platform by a compromised supplier",
        owner=user,
        inherent_likelihood=4,
        inherent_impact=5,
        treatment="mitigate",
        residual_likelihood=2,
        residual_impact=3,
    )
    page = browser()
    page.set_viewport_size(DESKTOP)
    sign_in(page, user)
    page.goto("/risks/")

    # Headers in words; the abbreviation is explained on the header and in the legend.
    header = page.locator("table[data-register] thead")
    expect(header).to_contain_text("Likelihood")
    expect(header).to_contain_text("Residual level")
    expect(header.locator("abbr", has_text="ALE")).to_have_attribute(
        "title", re.compile("annual loss expectancy")
    )
    expect(page.locator(".register-legend")).to_contain_text("ALE: annual loss expectancy")
    # The default columns fit the card at desktop width: nothing is cut off.
    wrap = page.locator(".register-wrap")
    widths = "e => [...e.querySelectorAll('thead th')].map(t => t.innerText + t.offsetWidth)"
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), wrap.evaluate(widths)
    check_page(page, "register")

    # On a phone the table scrolls inside its card, the reference column stays put.
    page.set_viewport_size(PHONE)
    check_page(page, "register")
    ref = page.locator(f"tr#risk-{risk.pk} th[scope=row]")
    before = ref.bounding_box()["x"]
    wrap.evaluate("e => e.scrollBy(400, 0)")
    assert abs(ref.bounding_box()["x"] - before) < 1, "the reference column scrolled away"
    page.set_viewport_size(DESKTOP)

    # Someone else rescores the risk; this page's stale edit is refused beside the cell.
    current = Risk.objects.get(pk=risk.pk)
    services.risk_update(
        risk=current, user=user, data={"inherent_likelihood": 2}, expected_version=current.version
    )
    page.get_by_label(f"Status of {risk.ref}").select_option("analysed")
    refusal = page.locator(f"#risk-{risk.pk}-status-error")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Not saved")
    expect(refusal).to_contain_text("Inherent likelihood: 4 · Likely → 2 · Unlikely")
    expect(refusal).to_contain_text("$")
    expect(refusal).to_contain_text("make your change again")
    words = refusal.inner_text().replace(user.username, "")  # the actor, by user name
    assert not re.search(r"[a-z]+_[a-z_]+|\d\.\d{4}", words), words  # no field names, raw decimals
    expect(page.get_by_label(f"Status of {risk.ref}")).to_have_attribute("aria-invalid", "true")
    box, cell = refusal.bounding_box(), page.get_by_label(f"Status of {risk.ref}").bounding_box()
    assert abs(box["x"] - cell["x"]) < 40, "the refusal is not beside the cell"
    assert Risk.objects.get(pk=risk.pk).status != "analysed"
    # The refused save answers 409, which the browser logs; nothing else may.
    assert [e for e in page.console_errors if "409" not in e] == []
