"""An auditor signs in, opens the Statement of Applicability from the sidebar and
downloads the current SoA; the file is the approved SoA and the download is recorded."""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from isms import audit
from isms.frameworks import services
from isms.frameworks.catalogue import parse_catalogue
from isms.models.audit import AuditAction
from tests.counts import ISO_CONTROLS
from tests.factories import PASSWORD, soa_decide_all

ISO = Path(services.__file__).resolve().parent / "data" / "iso27001-2022.json"


@pytest.fixture
def approved_soa(persona):
    framework, _ = services.framework_import(catalogue=parse_catalogue(ISO.read_bytes()))
    services.framework_select(selected=[framework], soa_basis=framework)
    security, manager = persona("security_manager"), persona("manager")
    soa_decide_all(framework)
    soa = services.soa_freeze(user=security)
    services.soa_submit(soa=soa, user=security)
    services.soa_decide(soa=soa, user=manager, approve=True, password=PASSWORD, comment="OK")
    soa.refresh_from_db()
    return soa


@pytest.mark.django_db(transaction=True)
def test_auditor_downloads_the_current_soa(browser, sign_in, persona, approved_soa, tmp_path):
    auditor = persona("auditor")
    page = browser()
    sign_in(page, auditor)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Statement of applicability"
    ).click()
    expect(page.get_by_role("heading", name="Statement of Applicability")).to_be_visible()
    expect(page.get_by_role("link", name="SoA #1")).to_be_visible()
    expect(page.get_by_role("button", name="Freeze SoA")).to_have_count(0)  # read-only role

    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    download = info.value
    assert download.suggested_filename == "soa-1-iso27001-2022.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path)["Statement of Applicability"]
    assert sheet.max_row == 1 + ISO_CONTROLS
    about = {row[0]: row[1] for row in load_workbook(path)["About"].iter_rows(values_only=True)}
    assert about["Content SHA-256"] == approved_soa.content_hash

    event = audit.history(approved_soa).filter(action=AuditAction.DOWNLOAD).get()
    assert event.actor == auditor
    assert page.console_errors == [], page.console_errors


@pytest.mark.django_db(transaction=True)
def test_security_manager_bulk_edits_a_theme(browser, sign_in, persona, approved_soa):
    from isms.models import ControlImplementation

    page = browser()
    sign_in(page, persona("security_manager"))
    page.goto("/soa/")
    page.get_by_role("row", name="Physical").get_by_role("link", name="Bulk edit").click()
    expect(page.get_by_role("heading", name="Bulk edit: Physical")).to_be_visible()
    page.get_by_role("button", name="Select all").click()
    page.get_by_label("Applicable", exact=True).select_option("no")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_contain_text("Explain why this control is excluded")
    # The refused form comes back with the same controls ticked and the same choices.
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(14)
    page.get_by_label("Justification for exclusion").fill("Cloud only: AWS runs the data centres.")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_contain_text("14 controls updated.")
    assert (
        ControlImplementation.objects.filter(control__theme="physical", applicable=False).count()
        == 14
    )
    assert page.console_errors == [], page.console_errors
