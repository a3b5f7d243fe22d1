"""The governance journey in real browsers: a security manager writes and submits a
policy, a manager approves it in another session (re-entering their password), the
submitter sees it approved, and an auditor downloads the audit pack."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_submit_approve_and_download_the_audit_pack(browser, sign_in, persona):
    security, manager, auditor = persona("security_manager"), persona("manager"), persona("auditor")

    # The security manager writes a policy from its template and submits it.
    author = browser()
    sign_in(author, security)
    author.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=re.compile(r"^\d Policies$")
    ).click()
    author.get_by_role("link", name="New policy").click()
    author.get_by_label("Reference").fill("POL-05")
    author.get_by_label("Title").fill("Cryptography policy")
    author.get_by_label("Kind").select_option("cryptography")
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_role("heading", name="Edit version 1")).to_be_visible()
    body = author.get_by_label("Body")
    expect(body).to_contain_text("TLS 1.2")  # the cryptography template
    body.fill("## Rules\n\n- TLS 1.3 everywhere.\n- Keys rotated yearly.")
    author.get_by_role("button", name="Save draft").click()
    author.get_by_role("button", name="Submit for approval").click()
    expect(author.get_by_role("alert").first).to_contain_text("submitted for management approval")
    expect(author.locator("h1")).to_contain_text("In review")

    # The manager, in another browser session, approves it from the inbox.
    approver = browser()
    sign_in(approver, manager)
    approver.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Approvals"
    ).click()
    approver.get_by_role("link", name="POL-05 Cryptography policy v1").click()
    expect(approver.locator("main")).to_contain_text("TLS 1.3 everywhere.")
    approver.get_by_label("Approve", exact=True).check()
    approver.get_by_label("Comment").fill("Agreed.")
    approver.get_by_label("Your password").fill("wrong password")
    approver.get_by_role("button", name="Sign the decision").click()
    expect(approver.locator(".invalid-feedback")).to_contain_text("Incorrect password")
    approver.get_by_label("Approve", exact=True).check()
    approver.get_by_label("Your password").fill(PASSWORD)
    approver.get_by_role("button", name="Sign the decision").click()
    expect(approver.get_by_role("alert").first).to_contain_text("Decision recorded: approved")

    # The submitter sees it approved.
    author.reload()
    expect(author.locator("h1")).to_contain_text("Approved")
    author.get_by_role("button", name="Publish").click()
    expect(author.get_by_role("alert").first).to_contain_text("published")

    # The auditor downloads the audit pack from the dashboard.
    reader = browser()
    sign_in(reader, auditor)
    with reader.expect_download() as download_info:
        reader.get_by_role("link", name="Download the audit pack").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    names = archive.namelist()
    assert "manifest.txt" in names
    assert "02-policies/POL-05-v1.md" in names
    assert b"TLS 1.3 everywhere." in archive.read("02-policies/POL-05-v1.md")

    for page in (author, approver, reader):
        # The wrong password answers 400 on purpose (the browser logs that); anything
        # else, a CSP violation above all, is a failure.
        errors = [e for e in page.console_errors if "status of 400" not in e]
        assert errors == [], errors
