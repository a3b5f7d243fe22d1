"""The AWS connector in a real browser: "Sync now" leads to a page whose progress bar
and per-service results update without reloading (htmx under the strict CSP)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assets.models import SyncPartition, SyncRun
from tests.assets.aws.factories import AwsAccountFactory


@pytest.mark.django_db(transaction=True)
def test_sync_now_shows_live_progress_without_reloading(browser, sign_in, persona, monkeypatch):
    from assets.aws import services

    # No worker in this test: the run stays queued until the test moves it along.
    monkeypatch.setattr(services, "_enqueue", lambda task, *args: None)
    account = AwsAccountFactory(name="Shop production")
    page = browser()
    sign_in(page, persona("security_manager"))
    page.goto(account.get_absolute_url())
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("heading", name="Sync #")).to_be_visible()
    run = SyncRun.objects.get(account=account)
    expect(page.locator("#sync-progress")).to_contain_text("Queued")
    marker = page.evaluate("() => { window.notReloaded = true; return location.href; }")

    # The workers make progress: the open page follows it.
    SyncRun.objects.filter(pk=run.pk).update(
        status="running", partitions_total=2, partitions_done=1, started_at=timezone.now()
    )
    SyncPartition.objects.create(
        run=run, region="eu-west-1", service="sqs", status="succeeded", seen=7
    )
    SyncPartition.objects.create(
        run=run,
        region="eu-west-1",
        service="dynamodb",
        status="failed",
        error_code="AccessDeniedException",
        error_hint="Attach SecurityAudit.",
    )
    expect(page.locator("#sync-progress")).to_contain_text("1 of 2 partitions")
    expect(page.locator("progress.sync-progress")).to_have_attribute("value", "50")
    SyncRun.objects.filter(pk=run.pk).update(
        status="partial", partitions_done=2, finished_at=timezone.now()
    )
    expect(page.locator("#sync-progress")).to_contain_text("Partial")
    expect(page.locator("#sync-progress")).to_contain_text("AccessDeniedException")
    assert page.evaluate("() => window.notReloaded") is True
    assert page.url == marker
    assert page.console_errors == [], page.console_errors  # CSP violations show up here
