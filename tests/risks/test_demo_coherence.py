"""The demo as an auditor walks through it (issue 16: every rule it lists): one
consistent company whose records pass the rules the application enforces."""

import datetime
import io
import zipfile

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.test import TestCase

from assets.aws import services as aws_services
from assets.aws.demo import account as aws_demo
from assets.aws.demo.estate import seed_demo_estate
from assets.demo import inventory as assets_demo
from assets.models import Asset, AwsAccount, Finding
from isms import approvals, dashboard
from isms.demo import frameworks as frameworks_demo
from isms.demo import governance as governance_demo
from isms.demo import soa as demo_soa
from isms.demo import users as isms_demo
from isms.frameworks import services as frameworks_services
from isms.governance import audit_pack, reviews, scope_estate
from isms.models import ApprovalDecision, ControlImplementation, Scope, SoA
from isms.models.approvals import ApprovalState
from risks import services
from risks.choices import RiskStatus
from risks.demo import register as demo
from risks.models import Risk, RiskAcceptance
from tests.assets.aws.conftest import _fake_aws_server, pointed_at  # noqa: F401
from tests.transactions import owned_atomic

# The whole demo, with a sync, is loaded once for the module (about 8 s; once per
# pytest-xdist worker that runs some of its tests) and rolled back at its end; each test
# runs in a savepoint inside it, as in a Django TestCase.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker, _fake_aws_server):  # noqa: F811
    """The demo company, synced against the fake AWS; the connected account."""
    with django_db_blocker.unblock(), pointed_at(_fake_aws_server):
        atomic = owned_atomic()
        atomic.__enter__()
        try:
            yield _load_company(_fake_aws_server)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


def _load_company(fake_aws):
    out = io.StringIO()
    isms_demo.load(out)
    frameworks_demo.load(out)
    governance_demo.load(out)
    assets_demo.load(out)
    aws_demo.load(out)
    account = aws_demo.demo_account()
    seed_demo_estate(
        fake_aws,
        account_id=account.account_id,
        regions=aws_demo.DEMO_REGIONS,
        assets=aws_demo.ESTATE_ASSETS,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        aws_services.aws_account_sync(account=account)
    demo.load(out)
    demo_soa.load(out)
    return account


def test_the_scope_is_the_connected_estate(company):
    """Item 5: the scope lists the connected account and its regions; nothing of the
    estate is outside it."""
    assert governance_demo.DEMO_AWS_ACCOUNT == aws_demo.DEMO_ACCOUNT_ID
    assert set(governance_demo.DEMO_AWS_REGIONS) == set(aws_demo.DEMO_REGIONS)
    limits = scope_estate.bounds()
    assert limits.accounts == set(AwsAccount.objects.values_list("account_id", flat=True))
    assert scope_estate.outside_scope() == []


def test_physical_exclusions_match_a_company_without_premises(company):
    """Item 10: the SoA excludes physical controls for want of premises; the scope
    names no office, and the register has no risk on an office."""
    version = Scope.objects.get().current_version
    excluded = set(
        ControlImplementation.objects.filter(
            applicable=False, control__framework__code="iso27001-2022"
        ).values_list("control__identifier", flat=True)
    )
    if "7.1" in excluded:  # physical security perimeters
        locations = version.locations.lower()
        assert "no office" in locations
        assert "london office" not in locations
        assert not Risk.objects.filter(title__istartswith="office").exists()
        assert not Asset.objects.filter(location__icontains="office").exists()


def test_every_settled_risk_passes_the_acceptance_rules(company):
    """Item 3 on the demo: accepted risks have an expiry and, where the level needs it, a
    management acceptance requested by their owner; treated and closed ones too."""
    settled = Risk.objects.filter(
        status__in=[RiskStatus.ACCEPTED, RiskStatus.TREATED, RiskStatus.CLOSED]
    )
    assert settled.filter(status=RiskStatus.ACCEPTED).exists()
    for risk in settled:
        if risk.status == RiskStatus.ACCEPTED:
            assert risk.accepted_until is not None, risk.ref
            assert risk.owner_id is not None, risk.ref
        if services.needs_acceptance(risk):
            acceptance = services.valid_acceptance(risk)
            assert acceptance is not None, risk.ref
            assert acceptance.requested_by_id == acceptance.risk_owner_id == risk.owner_id
    for acceptance in RiskAcceptance.objects.all():
        assert acceptance.requested_by_id == acceptance.risk_owner_id
        assert acceptance.expires_on is not None
    assert RiskAcceptance.objects.filter(approval_state=ApprovalState.IN_REVIEW).exists()


def test_the_figures_add_up(company, auditor):
    """Item 6 on the demo: the exposure never exceeds the inventory; no finding on an
    unlinked resource claims $0; level vs $ disagreements are shown."""
    figures = {f["label"]: f for f in dashboard.figures(auditor)}
    inventory = Asset.objects.aggregate(total=Sum("value_usd"))["total"]
    exposure = int(figures["Exposure"]["value"].strip("$").replace(",", ""))
    assert 0 < exposure <= inventory
    assert not Finding.objects.filter(resource__links__isnull=True, value_at_stake_usd=0).exists()
    assert Finding.objects.filter(value_at_stake_usd__isnull=True).exists()
    assert "Level vs $ disagreements" in figures


def test_the_soa_rules_hold_on_the_demo(company):
    """Items 1, 2, 4b and 7 on the demo: the SoA in force has nothing that blocks it,
    nobody who decided one of its rows approved it, and as many members of management as
    the quorum asks approved it."""
    soa = SoA.objects.get(approval_state=ApprovalState.APPROVED)
    assert frameworks_services.soa_frozen_blockers(soa) == []
    record = frameworks_services.soa_approval_record(soa)
    approvers = {decision["by"] for decision in record["decisions"]}
    assert len(approvers) == approvals.type_for(SoA).quorum
    decided_by = set(
        ApprovalDecision.objects.filter(
            request__content_type__model="soa",
            request__object_id=soa.pk,
            request__state="approved",
            decision="approve",
        ).values_list("decided_by_id", flat=True)
    )
    assert len(decided_by) == len(approvers)
    assert not decided_by & frameworks_services.soa_editors(soa)
    for row in soa.rows.filter(applicable=True, status="implemented"):
        if row.evidence_conflict:  # implemented while mapped checks fail
            assert row.implemented_rationale, row.identifier


def test_reviews_cover_the_soa_the_methodology_and_the_assets(company):
    """Item 7: the periodic reviews the docs promise are all registered and listed."""
    far = datetime.date.today() + datetime.timedelta(days=3 * 366)
    kinds = {item.kind for item in reviews.due(far)}
    assert {"Statement of Applicability", "Risk methodology", "Asset"} <= kinds


def test_the_audit_pack_of_the_demo_is_complete(company, auditor):
    """Item 8: the treatment plan, controls per risk, the evidence index, the audit trail
    and the methodology as a readable document are in the pack."""
    _name, content = audit_pack.audit_pack_build(user=auditor)
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    for expected in (
        "06-risks/treatment-plan.csv",
        "06-risks/controls-per-risk.csv",
        "10-evidence/evidence-index.csv",
        "11-audit-trail/audit-trail.csv",
    ):
        assert expected in names, names
    assert any(n.startswith("03-risk-methodology/") and n.endswith(".pdf") for n in names)
