"""Risks from security findings in a real browser: a security manager ticks findings in
the findings list, creates a risk from them with the pre-filled form, and sees the
findings on the risk's page; no CSP or script error on the way."""

import pytest
from playwright.sync_api import expect

from assets.findings import services
from assets.models import Finding
from risks.models import Risk
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory
from tests.browser.helpers import chips
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
    for finding in chosen[:2]:
        page.locator(f'input[name="findings"][value="{finding.pk}"]').check()
    page.get_by_role("button", name="Create risk from ticked findings").click()

    expect(page.get_by_role("heading", name="New risk from security findings")).to_be_visible()
    expect(chips(page, "assets")).to_contain_text([asset.ref])
    page.get_by_label("Title").fill("Customer database misconfigured")
    page.get_by_label("Inherent impact").select_option("4")
    page.get_by_role("button", name="Create risk").click()

    expect(page.get_by_role("heading", name="Security findings")).to_be_visible()
    risk = Risk.objects.get(title="Customer database misconfigured")
    assert sorted(risk.findings.values_list("pk", flat=True)) == [f.pk for f in chosen[:2]]
    findings = page.locator("#linked-findings tbody tr")
    expect(findings).to_have_count(2)
    for finding in chosen[:2]:
        expect(page.locator("#linked-findings")).to_contain_text(finding.title)
    assert page.console_errors == []
