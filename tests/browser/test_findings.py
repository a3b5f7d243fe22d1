"""Security findings in a real browser: a security manager reads the posture, opens the
worst finding, mutes it with a reason and a date, and sees it muted; no CSP or script
error on the way."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assets.findings import services
from assets.models import Finding
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory


@pytest.mark.django_db(transaction=True)
def test_security_manager_reads_the_posture_and_mutes_a_finding(browser, sign_in, persona):
    user = persona("security_manager")
    account = AwsAccountFactory(name="Production")
    sample_estate(account, AssetFactory(name="Customer database", value_usd=90_000))
    services.findings_evaluate(account=account)
    page = browser()
    sign_in(page, user)

    page.goto("/assets/aws/posture/")
    expect(page.locator("#posture-open")).to_have_text("6")
    expect(page.locator("#posture-at-stake")).to_have_text("$90,000")
    page.get_by_role("table", name="The worst open findings").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="How to fix it")).to_be_visible()

    page.get_by_role("button", name="Mute").click()  # nothing filled in: errors beside fields
    expect(page.locator("#id_reason_error")).to_contain_text("required")
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    page.get_by_label("Reason").fill("Compensating control: database firewall")
    page.get_by_label("Muted until").fill(until)
    page.get_by_role("button", name="Mute").click()

    expect(page.get_by_text("Compensating control: database firewall")).to_be_visible()
    assert Finding.objects.filter(status="muted").count() == 1
    # Only the refused first submission (400, by design) may show in the console.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
