"""Issue 20.2 in a real browser: management reads what it signs. A risk acceptance
shows the risk, its residual level by name and its residual ALE in dollars; an SoA
request shows the one control that changed in a table, not a JSON line; the decision
is the same form in the inbox and on the SoA's own page, with the hash underneath.
At desktop and phone widths, no page scrolls sideways or shows raw JSON."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from isms.frameworks import services as framework_services
from isms.models import ApprovalRequest, ControlImplementation
from risks import services as risk_services
from tests.browser.helpers import PHONE, check_page
from tests.factories import PASSWORD, soa_decide_all
from tests.isms.frameworks.conftest import load
from tests.risks.factories import approved_methodology, make_risk


@pytest.mark.django_db(transaction=True)
def test_management_reads_and_decides_what_it_signs(browser, sign_in, persona):
    security_manager, manager = persona("security_manager"), persona("manager")
    owner = persona("owner")
    approved_methodology(author=security_manager, approver=manager)
    risk = make_risk(
        security_manager,
        title="Payroll data leak",
        owner=owner,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=4,
        treatment="mitigate",
    )
    risk_services.risk_acceptance_request(
        risk=risk,
        user=owner,
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
        justification="Compensating controls until the migration",
    )
    iso = load("iso27001-2022.json")
    framework_services.framework_select(selected=[iso], soa_basis=iso)
    soa_decide_all(iso)
    first = framework_services.soa_freeze(user=security_manager)
    framework_services.soa_submit(soa=first, user=security_manager)
    framework_services.soa_decide(
        soa=first, user=manager, approve=True, password=PASSWORD, comment="OK"
    )
    implementation = ControlImplementation.objects.get(control__identifier="7.4")
    framework_services.control_implementation_update(
        implementation=implementation,
        user=security_manager,
        data={"applicable": False, "justification": "No premises of our own"},
    )
    second = framework_services.soa_freeze(user=security_manager)
    framework_services.soa_submit(soa=second, user=security_manager)

    page = browser()
    sign_in(page, manager)
    page.goto("/approvals/")
    check_page(page, "approvals-inbox")

    # The risk acceptance, field by field, in words and dollars.
    page.get_by_role("link", name=f"Acceptance of {risk.ref}").click()
    content = page.locator("[data-approval-acceptance]")
    expect(content).to_contain_text("Payroll data leak")
    expect(content).to_contain_text("Critical")
    expect(content).to_contain_text("$50,000")
    expect(content).to_contain_text("Compensating controls until the migration")
    expect(page.locator(".approval-content .hash")).to_have_text(
        ApprovalRequest.objects.get(
            object_id=risk.acceptances.get().pk, state="in_review"
        ).content_sha256
    )
    expect(page.get_by_role("heading", name="Your decision")).to_be_visible()
    check_page(page, "approval-acceptance")

    # The SoA: one changed control in a table; decided from the SoA's own page.
    page.goto("/approvals/")
    page.get_by_role("link", name=str(second)).click()
    changed = page.locator("[data-approval-changes] tbody th")
    expect(changed).to_have_count(1)  # one control, its changed fields beside it
    expect(changed).to_contain_text("7.4")
    expect(page.locator("[data-approval-changes]")).to_contain_text("Not applicable")
    expect(page.locator("[data-approval-changes]")).to_contain_text("No premises of our own")
    check_page(page, "approval-soa")
    page.set_viewport_size(PHONE)
    check_page(page, "approval-soa")
    page.set_viewport_size({"width": 1440, "height": 900})

    page.get_by_role("link", name="Open the version").click()
    form = page.get_by_role("form", name="Your decision")
    form.get_by_label("Approve").check()
    form.get_by_label("Your password").fill(PASSWORD)
    form.get_by_role("button", name="Sign the decision").click()
    expect(page).to_have_url(f"/soa/{second.number}/")
    expect(page.get_by_text("Decision recorded: approved.")).to_be_visible()
    second.refresh_from_db()
    assert second.approval_state == "approved"
    check_page(page, "soa-approved")
