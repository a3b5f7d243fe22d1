"""The demo as an auditor walks through it (issue 16, items 3, 5, 6 and 10): one
consistent company whose records pass the rules the application enforces."""

import io

import pytest
from django.db.models import Sum

from assets.aws.demo import account as aws_demo
from assets.aws.demo.estate import seed_demo_estate
from assets.demo import inventory as assets_demo
from assets.models import Asset, AwsAccount, Finding
from isms import dashboard
from isms.demo import frameworks as frameworks_demo
from isms.demo import governance as governance_demo
from isms.demo import soa as demo_soa
from isms.demo import users as isms_demo
from isms.governance import scope_estate
from isms.models import ControlImplementation, Scope
from isms.models.approvals import ApprovalState
from risks import services
from risks.choices import RiskStatus
from risks.demo import register as demo
from risks.models import Risk, RiskAcceptance
from tests.assets.aws.conftest import (  # noqa: F401 - the connector's fake AWS fixtures
    _fake_aws_server,
    fake_aws,
    run_sync,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(fake_aws, run_sync, auditor):  # noqa: F811
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
    run_sync(account)
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
