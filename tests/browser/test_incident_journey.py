"""An incident in a real browser: the security manager reports it on an asset, sees the
business processes and the $ affected through the graph, triages it, closes it after the
post-incident review, and raises a risk from the lessons learned."""

import re

import pytest
from playwright.sync_api import expect

from risks.incidents.models import Incident
from risks.models import Risk
from tests.assets.factories import AssetFactory, essential
from tests.risks.factories import approved_methodology


@pytest.mark.django_db(transaction=True)
def test_report_see_impact_close_and_raise_a_risk(browser, sign_in, persona):
    user = persona("security_manager")
    approved_methodology(author=user, approver=persona("manager"))
    server = AssetFactory(name="Database server", value_usd=5_000)
    essential(name="Online orders", value_usd=120_000, depends_on=[server])
    page = browser()
    sign_in(page, user)

    page.goto("/incidents/")
    page.get_by_role("link", name="Report an event").click()
    page.get_by_label("Title").fill("Database server unreachable")
    page.get_by_label("Assets concerned").select_option(str(server.pk))
    page.get_by_role("button", name="Report").click()

    impact = page.locator("#impact")
    expect(impact).to_contain_text("Online orders")
    expect(impact).to_contain_text("$125,000")
    page.get_by_role("link", name="Triage / handle").click()
    page.get_by_label("Kind").select_option("incident")
    page.get_by_label("Severity").select_option("3")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Close").click()
    page.get_by_role("button", name="Close the incident").click()
    expect(page.get_by_text("write the lessons learned")).to_be_visible()  # severe: review
    page.get_by_label("Root cause").fill("Disk full")
    page.get_by_label("Lessons learned").fill("Alarm on free disk space")
    page.get_by_role("button", name="Close the incident").click()
    expect(page.get_by_text("INC-001 closed.")).to_be_visible()

    page.get_by_label("Title").fill("Database disk fills up")
    page.get_by_role("button", name="Raise").click()
    risk = Risk.objects.get(title="Database disk fills up")
    expect(page).to_have_url(re.compile(re.escape(risk.get_absolute_url()) + "$"))
    assert list(risk.assets.all()) == [server]
    assert Incident.objects.get().risks.get() == risk
    assert page.console_errors == []
