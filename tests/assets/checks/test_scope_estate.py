"""The approved scope against the connected estate (issue 16, item 5): accounts and
regions outside the scope are shown on the scope, AWS and dashboard pages, and the
findings there are triaged as in or out of scope, in the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assets.findings import services
from assets.models import Finding
from isms import approvals, dashboard
from isms.governance import scope_estate
from isms.governance import services as governance
from isms.models import AuditEvent
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import stored_resource
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def approve_scope(author, approver, *, accounts, regions):
    version = governance.scope_version_create(
        user=author,
        data={"description": "The platform", "aws_accounts": accounts, "aws_regions": regions},
    )
    request = approvals.approval_request_submit(obj=version, user=author)
    approvals.approval_request_approve(request=request, user=approver, password=PASSWORD)


@pytest.fixture
def estate(security_manager, manager):
    account = AwsAccountFactory(name="Production", account_id="111122223333")
    stored_resource(account, "ebs", "volume", "in-scope", {"Encrypted": True, "Size": 8})
    stored_resource(account, "ebs", "snapshot", "leaked", {"Public": True}, region="us-east-1")
    services.findings_evaluate(account=account)
    approve_scope(
        security_manager,
        manager,
        accounts="111122223333 (production)",
        regions="eu-west-1",
    )
    return account


def test_regions_outside_the_scope_are_found(estate):
    rows = scope_estate.outside_scope()
    assert [(o.row.account_id, o.row.region, o.row.critical_findings) for o in rows] == [
        ("111122223333", "us-east-1", 1)
    ]
    assert rows[0].reason == "region us-east-1 is not in the scope"


def test_an_account_outside_the_scope_is_found(estate, security_manager, manager):
    approve_scope(
        security_manager, manager, accounts="999999999999", regions="eu-west-1\nus-east-1"
    )
    reasons = {o.row.region: o.reason for o in scope_estate.outside_scope()}
    assert reasons == {
        "eu-west-1": "account 111122223333 is not in the scope",
        "us-east-1": "account 111122223333 is not in the scope",
    }


def test_scope_aws_and_dashboard_pages_show_it(estate, auditor, client_as):
    client = client_as(auditor)
    for url in (reverse("isms:scope"), reverse("assets:aws_account_list")):
        page = client.get(url).content.decode()
        assert 'id="outside-scope"' in page and "Region us-east-1 is not in the scope" in page
    figures = {f["label"]: f for f in dashboard.figures(auditor)}
    assert figures["Estate outside the scope"]["value"] == "1 account/region(s)"
    assert "1 open critical" in figures["Estate outside the scope"]["help"]


def test_findings_outside_the_scope_are_triaged_and_audited(
    estate, security_manager, auditor, client_as
):
    finding = Finding.objects.get(region="us-east-1", check_id="ebs-snapshot-public")
    page = client_as(auditor).get(finding.get_absolute_url()).content.decode()
    assert 'id="scope-triage"' in page and "Not triaged yet" in page
    response = client_as(security_manager).post(
        reverse("assets:finding_scope_triage", args=[finding.pk]),
        {"decision": "in_scope", "note": ""},
    )
    assert response.status_code == 400
    response = client_as(security_manager).post(
        reverse("assets:finding_scope_triage", args=[finding.pk]),
        {"decision": "in_scope", "note": "The DR copy region: the next scope version adds it."},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.scope_decision, finding.scope_decided_by) == ("in_scope", security_manager)
    event = AuditEvent.objects.filter(object_id=str(finding.pk)).latest("pk")
    assert "Triaged in scope (region us-east-1 is not in the scope)" in event.message
    row = scope_estate.outside_scope()[0].row
    assert row.untriaged_findings == row.open_findings - 1
    with pytest.raises(PermissionDenied):
        services.finding_scope_triage(
            finding=finding, user=auditor, decision="out_of_scope", note="x"
        )


def test_findings_inside_the_scope_have_nothing_to_triage(estate, security_manager):
    stored_resource(estate, "ebs", "volume", "plain", {"Encrypted": False, "Size": 8})
    services.findings_evaluate(account=estate)
    inside = Finding.objects.filter(region="eu-west-1", resource__name="plain").first()
    assert inside is not None
    with pytest.raises(ValidationError, match="inside the approved scope"):
        services.finding_scope_triage(
            finding=inside, user=security_manager, decision="out_of_scope", note="x"
        )


def test_the_api_triages_too(estate, security_manager, client_as):
    finding = Finding.objects.get(region="us-east-1", check_id="ebs-snapshot-public")
    url = f"/api/findings/{finding.pk}/scope-triage/"
    client = client_as(security_manager)
    response = client.post(url, {"decision": "maybe", "note": "x"}, content_type="application/json")
    assert response.status_code == 400 and "decision" in response.json()["errors"]
    response = client.post(
        url,
        {"decision": "out_of_scope", "note": "A test copy, deleted this week."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["scope_decision"] == "out_of_scope"
    assert AuditEvent.objects.filter(
        object_id=str(finding.pk), message__startswith="Triaged out of scope"
    ).exists()
