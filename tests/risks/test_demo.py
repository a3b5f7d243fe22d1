"""The demo register: 30+ risks over the demo assets, acceptances, idempotent."""

import io

import pytest

from assets.demo import inventory as assets_demo
from isms.demo import users as isms_demo
from isms.models.approvals import ApprovalState
from risks.demo import register as demo
from risks.models import Risk, RiskAcceptance
from risks.selectors import active_version
from tests.assets.aws.conftest import (  # noqa: F401 - the connector's fake AWS fixtures
    _fake_aws_server,
    fake_aws,
    run_sync,
)

pytestmark = pytest.mark.django_db


def test_demo_register_loads_once():
    out = io.StringIO()
    isms_demo.load(out)
    assets_demo.load(out)
    demo.load(out)
    assert active_version().number == 1
    assert Risk.objects.count() >= 30
    assert Risk.objects.filter(ale_usd__gt=0).count() >= 30
    accepted = Risk.objects.get(title="Single-region customer database")
    assert accepted.status == "accepted" and accepted.accepted_until is not None
    assert RiskAcceptance.objects.filter(approval_state=ApprovalState.IN_REVIEW).count() == 2
    demo.load(out)
    assert Risk.objects.count() == len(demo.RISKS)


def test_demo_treatments_select_iso_controls():
    from isms.demo import frameworks as frameworks_demo

    out = io.StringIO()
    isms_demo.load(out)
    frameworks_demo.load(out)
    assets_demo.load(out)
    demo.load(out)
    risk = Risk.objects.get(title="Ransomware encrypts the customer database")
    assert sorted(risk.controls.values_list("identifier", flat=True)) == ["8.13", "8.7"]


# --- The risks that come from the demo estate's findings --------------------------------


def _demo_estate(fake):
    from assets.aws.demo import account as aws_demo
    from assets.aws.demo.estate import seed_demo_estate

    out = io.StringIO()
    isms_demo.load(out)
    assets_demo.load(out)
    aws_demo.load(out)
    account = aws_demo.demo_account()
    seed_demo_estate(
        fake,
        account_id=account.account_id,
        regions=aws_demo.DEMO_REGIONS,
        assets=aws_demo.ESTATE_ASSETS,
    )
    return account


def _assert_linked():
    for title, check_ids in demo.FINDINGS_OF.items():
        linked = set(Risk.objects.get(title=title).findings.values_list("check_id", flat=True))
        assert linked and linked <= set(check_ids), title
    built = Risk.objects.filter(title__in=[t for t, *_ in demo.FROM_FINDINGS])
    assert built.count() == len(demo.FROM_FINDINGS)
    for risk in built:
        assert risk.findings.exists() and risk.assets.exists() and risk.threat is not None
    assert Risk.objects.count() == len(demo.RISKS) + len(demo.FROM_FINDINGS)


def test_demo_links_findings_that_exist_when_it_runs(fake_aws, run_sync):  # noqa: F811
    account = _demo_estate(fake_aws)
    run_sync(account)
    demo.load(io.StringIO())
    _assert_linked()
    demo.load(io.StringIO())  # idempotent
    _assert_linked()


def test_demo_links_findings_after_the_first_sync(fake_aws, run_sync, settings):  # noqa: F811
    from django.core.management import call_command

    account = _demo_estate(fake_aws)
    out = io.StringIO()
    demo.load(out)
    assert "no demo findings yet" in out.getvalue()
    assert not Risk.findings.through.objects.exists()
    run_sync(account)  # what make demo's first sync does, after load_demo
    settings.DEBUG = True
    call_command("risks_demo_findings", stdout=io.StringIO())
    _assert_linked()
