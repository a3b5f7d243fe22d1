"""Risks from security findings in a real browser: a security manager ticks findings in
the findings list, creates a risk from them with the pre-filled form, and sees the
findings on the risk's page; no CSP or script error on the way."""

import re

import pytest
from playwright.sync_api import expect

from assets.findings import services
from assets.models import Finding
from risks.models import Risk
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory
from tests.browser.helpers import check_page, chips
from tests.risks.factories import approved_methodology


@pytest.mark.django_db(transaction=True)
def test_security_manager_creates_a_risk_from_findings(browser, sign_in, persona):
    user = persona("security_manager")
    approved_methodology(author=user, approver=persona("manager"))
    account = AwsAccountFactory(name="Production")
    asset = AssetFactory(name="Customer database", value_usd=90_000)
    sample_estate(account, asset)
    services.findings_evaluate(account=account)
    chosen = list(Finding.objects.filter(service="rds", status="open").order_by("pk"))
    page = browser()
    sign_in(page, user)

    page.goto("/assets/aws/findings/?service=rds")
    # Issue 20.8: nothing ticked, nothing to create; "tick all" ticks the page.
    create = page.get_by_role("button", name="Create risk from ticked findings")
    expect(create).to_be_disabled()
    page.get_by_label("Tick every finding on this page").check()
    expect(page.locator('input[name="findings"]:checked')).to_have_count(len(chosen))
    page.get_by_label("Tick every finding on this page").uncheck()
    expect(create).to_be_disabled()
    for finding in chosen[:2]:
        page.locator(f'input[name="findings"][value="{finding.pk}"]').check()
    check_page(page, "findings-list")
    create.click()

    expect(page.get_by_role("heading", name="New risk from security findings")).to_be_visible()
    expect(chips(page, "assets")).to_contain_text([asset.ref])
    page.get_by_label("Title").fill("Customer database misconfigured")
    # Owned (by whoever creates it, unless changed) and scored before it is saved.
    expect(page.get_by_label("Owner")).to_have_value(str(user.pk))
    page.get_by_role("button", name="Create risk").click()
    expect(page.locator("#id_inherent_impact_error")).to_be_visible()
    page.get_by_label("Inherent impact").select_option("4")
    page.get_by_role("button", name="Create risk").click()

    expect(page.get_by_role("heading", name="Security findings")).to_be_visible()
    risk = Risk.objects.get(title="Customer database misconfigured")
    assert sorted(risk.findings.values_list("pk", flat=True)) == [f.pk for f in chosen[:2]]
    findings = page.locator("#linked-findings tbody tr")
    expect(findings).to_have_count(2)
    for finding in chosen[:2]:
        expect(page.locator("#linked-findings")).to_contain_text(finding.title)
    expect(
        page.get_by_text("ARO (per year)").locator("xpath=following-sibling::dd[1]")
    ).not_to_have_text(re.compile(r"\.0000"))
    # The findings list shows the risk now linked to each finding.
    page.goto("/assets/aws/findings/?service=rds")
    row = page.locator("tr", has=page.locator(f'input[value="{chosen[0].pk}"]'))
    expect(row.get_by_role("link", name=risk.ref)).to_be_visible()
    # The refused save answered 400, which the browser logs; nothing else may.
    assert [e for e in page.console_errors if "400" not in e] == [], page.console_errors
