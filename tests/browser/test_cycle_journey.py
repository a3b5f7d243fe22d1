"""Issue 13 in a real browser: the ISMS run as a cycle. The security manager plans the
year's audit programme and an audit of clause 9.2 with an independent auditor, raises a
nonconformity from a failed AWS check, plans and completes its corrective action,
records the effectiveness check, closes it, and sees it among the next management
review's inputs; every page fits and logs no error."""

import datetime

import pytest
from playwright.sync_api import expect

from assets.findings import services as findings_services
from assets.models import Finding
from isms.audits.models import Audit, Nonconformity
from isms.audits.services import audits as audit_services
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory
from tests.browser.helpers import check_page, pick
from tests.isms.frameworks.conftest import load


@pytest.mark.django_db(transaction=True)
def test_programme_audit_nonconformity_verified_and_reviewed(browser, sign_in, persona):
    from isms.frameworks import services as framework_services

    user = persona("security_manager")
    auditor = persona("auditor")
    iso = load("iso27001-2022.json")
    framework_services.framework_select(selected=[iso], soa_basis=iso)
    audit_services.clauses_load()
    account = AwsAccountFactory(name="Production")
    sample_estate(account, AssetFactory(name="Customer database", value_usd=90_000))
    findings_services.findings_evaluate(account=account)
    failed = (
        Finding.objects.filter(status="open", severity__in=["low", "medium"]).order_by("pk").first()
    )
    assert failed is not None
    today = datetime.date.today()
    page = browser()
    sign_in(page, user)

    # Plan: this year's programme, then an audit of 9.2 by the (independent) auditor.
    page.goto("/audits/programmes/new/")
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Title").fill(f"Internal audit programme {today.year}")
    page.get_by_label("Objectives").fill("Confirm the ISMS conforms before certification.")
    page.get_by_label("Scope").fill("The whole ISMS scope.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Plan an audit").click()
    page.get_by_label("Title").fill("Internal audit process")
    page.get_by_label("Planned start").fill(today.isoformat())
    page.get_by_label("Planned end").fill(today.isoformat())
    pick(page, "Criteria (clauses and controls)", "9.2.2 Internal audit programme")
    pick(page, "Auditors", auditor.last_name)
    check_page(page, "cycle-audit-form")
    page.get_by_role("button", name="Save").click()
    audit = Audit.objects.get(title="Internal audit process")
    expect(page).to_have_url(f"/audits/{audit.pk}/")
    expect(page.locator("main")).to_contain_text("9.2.2")
    check_page(page, "cycle-audit")

    # Do, check: the failed AWS check raises a nonconformity.
    page.goto(f"/assets/aws/findings/{failed.pk}/")
    page.get_by_role("button", name="Raise a nonconformity").click()
    nc = Nonconformity.objects.get()
    expect(page).to_have_url(f"/audits/nonconformities/{nc.pk}/")
    assert nc.origin == "aws_finding" and nc.severity == "minor"

    # Act: root cause, a corrective action done, its effectiveness verified, closed.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Root cause").fill("The launch template did not require it.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"/audits/nonconformities/{nc.pk}/")
    actions = page.locator("#actions")
    actions.get_by_label("Action", exact=True).fill("Require it in the launch template")
    actions.get_by_label("Owner").select_option(label=str(user))
    actions.get_by_label("Due date").fill(today.isoformat())
    actions.get_by_role("button", name="Plan an action").click()
    actions.get_by_label("Status").select_option("done")
    actions.get_by_role("button", name="Update").click()
    checks = page.locator("#effectiveness")
    checks.get_by_label("Result").select_option("effective")
    checks.get_by_label("What was checked").fill("The check passes on every instance since.")
    checks.get_by_role("button", name="Record the check").click()
    check_page(page, "cycle-nonconformity")
    page.locator("#closure").get_by_role("button", name="Close").click()
    nc.refresh_from_db()
    assert nc.status == "closed"

    # The next management review's inputs show it, corrected.
    page.goto("/audits/reviews/new/")
    page.get_by_label("Title").fill(f"Management review {today.year}")
    page.get_by_label("Held on").fill(today.isoformat())
    page.get_by_label("Minutes").fill("Inputs reviewed.")
    page.get_by_role("button", name="Save").click()
    inputs = page.locator("main")
    expect(inputs).to_contain_text("Nonconformities and corrective actions")
    expect(inputs).to_contain_text(nc.ref)
    check_page(page, "cycle-management-review")
