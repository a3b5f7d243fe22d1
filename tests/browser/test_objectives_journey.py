"""The objectives journey in a real browser: a security manager defines a measure and an
objective through the API (as a script or the admin would), records a value, then sees
the measure's trend against its target and the objective on target; then prepares a
management review and finds the objective, on target, among its inputs (9.3.2 d) 4))."""

import re

import pytest
from playwright.sync_api import expect

from isms.context import services
from isms.context.models import Measure, Objective


@pytest.mark.django_db(transaction=True)
def test_define_an_objective_with_a_measure_and_see_it_in_the_review_inputs(
    browser, sign_in, persona
):
    import datetime
    from decimal import Decimal

    security = persona("security_manager")
    measure = services.record_save(
        user=security,
        model=Measure,
        data={"name": "Phishing click rate", "description": "Clicks in the monthly test",
              "method": "Simulation tool report", "kind": "recorded", "frequency": "monthly",
              "unit": "%", "target": Decimal(5), "direction": "at_most"},
    )  # fmt: skip
    for month, value in ((1, 12), (2, 8), (3, 4)):
        services.measurement_record(
            user=security, measure=measure, value=Decimal(value), day=datetime.date(2026, month, 2)
        )
    services.record_save(
        user=security,
        model=Objective,
        data={"title": "Reduce phishing susceptibility", "plan": "Monthly training",
              "owner": security, "due_date": datetime.date(2027, 1, 31),
              "evaluation_method": "Click rate against target", "measure": measure},
    )  # fmt: skip

    page = browser()
    sign_in(page, security)
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name=re.compile("Measures")).click()
    expect(page.locator("main")).to_contain_text("Phishing click rate")
    expect(page.get_by_role("img", name="Trend of Phishing click rate")).to_be_visible()
    nav.get_by_role("link", name=re.compile("Objectives")).click()
    expect(page.locator("main")).to_contain_text("Reduce phishing susceptibility")
    expect(page.locator("main")).to_contain_text("On target")

    # The next management review's inputs show the objective's fulfilment.
    today = datetime.date.today()
    page.goto("/audits/reviews/new/")
    page.get_by_label("Title").fill(f"Management review {today.year}")
    page.get_by_label("Held on").fill(today.isoformat())
    page.get_by_label("Minutes").fill("Objectives reviewed.")
    page.get_by_role("button", name="Save").click()
    fulfilment = page.locator("#input-objectives_fulfilment")
    expect(fulfilment.get_by_role("heading")).to_contain_text(
        "Fulfilment of the information security objectives"
    )
    expect(fulfilment).to_contain_text("1 of 1 objectives meet their measure's target")
    row = fulfilment.get_by_role("row", name=re.compile("Reduce phishing susceptibility"))
    # Its measure's latest value (March's 4.00) against the target (5.00), met.
    for cell in ("4.00", "2026-03", "5.00", "yes"):
        expect(row.get_by_role("cell", name=cell, exact=True)).to_be_visible()
