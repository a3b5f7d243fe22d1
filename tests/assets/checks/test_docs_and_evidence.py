"""docs/checks.md stays generated from the catalogue; the checks feed the SoA as
automated evidence; `manage.py aws_check` evaluates an account."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from assets.aws.checks import CATALOGUE
from assets.aws.checks.doc import render
from assets.findings import services
from isms.frameworks import evidence
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.isms.frameworks.conftest import csf, iso  # noqa: F401 - the shipped frameworks

DOC = Path(__file__).resolve().parents[3] / "docs" / "checks.md"


def test_docs_checks_md_is_generated_from_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/checks.md is out of date: run `python manage.py checks_doc`."
    )
    text = DOC.read_text(encoding="utf-8")
    for check in CATALOGUE.values():
        assert f'### <a id="{check.id}"></a>{check.id}: {check.title}' in text


@pytest.mark.django_db
def test_controls_show_the_checks_that_evidence_them(iso, csf):  # noqa: F811
    encryption = iso.controls.get(identifier="8.24")
    policies = iso.controls.get(identifier="5.1")
    assert evidence.for_controls([encryption.pk]) == {}  # nothing evaluated yet

    account = AwsAccountFactory()
    sample_estate(account)
    services.findings_evaluate(account=account)

    found = evidence.for_controls([encryption.pk, policies.pk])
    assert policies.pk not in found
    by_check = {e.check: e for e in found[encryption.pk]}
    assert (
        by_check["rds-storage-unencrypted"].passed,
        by_check["rds-storage-unencrypted"].failed,
    ) == (0, 1)
    assert by_check["ebs-volume-unencrypted"].failed == 1
    assert by_check["ebs-volume-unencrypted"].url.endswith("?check=ebs-volume-unencrypted")
    backups = csf.controls.get(identifier="PR.DS-11")
    assert "rds-backups-off" in {e.check for e in evidence.for_controls([backups.pk])[backups.pk]}


@pytest.mark.django_db
def test_aws_check_command_evaluates_an_account():
    account = AwsAccountFactory(name="Production")
    sample_estate(account)
    out = StringIO()
    call_command("aws_check", "Production", stdout=out)
    assert "10 open finding(s) (0 critical, 4 high, 2 medium, 4 low, 0 info)" in out.getvalue()
    with pytest.raises(Exception, match="No AWS account"):
        call_command("aws_check", "Nowhere", stdout=out)


def test_checks_doc_command_reports_drift(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "docs").mkdir()
    with pytest.raises(Exception, match="out of date"):
        call_command("checks_doc", "--check", stdout=StringIO())
    call_command("checks_doc", stdout=StringIO())
    call_command("checks_doc", "--check", stdout=StringIO())


@pytest.mark.django_db
def test_findings_suggest_a_risk():
    from assets.findings.selectors import risk_suggestion
    from assets.models import Finding
    from tests.assets.factories import AssetFactory

    account = AwsAccountFactory()
    asset = AssetFactory()
    sample_estate(account, asset)
    services.findings_evaluate(account=account)
    findings = Finding.objects.filter(check_id__in=["rds-single-az", "rds-publicly-accessible"])

    suggestion = risk_suggestion(findings)

    assert suggestion.asset_ids == [asset.pk]
    assert suggestion.severity == "high" and suggestion.threat == "network_exposure"
    assert suggestion.vulnerability.startswith("RDS instance publicly accessible: ")
    assert "RDS instance in a single Availability Zone" in suggestion.vulnerability
    assert [suggestion.likelihood(5), suggestion.likelihood(3)] == [4, 3]
    assert risk_suggestion(Finding.objects.none()) is None
