"""Figures that add up (issue 16, item 6): the exposure counts each asset once, every
dashboard figure says what it counts, and with $ bands in the methodology the risks
whose impact score and $ figure disagree are shown."""

from decimal import Decimal

import pytest
from django.urls import reverse

from isms import dashboard
from risks import scoring
from tests.assets.factories import AssetFactory
from tests.risks.factories import approved_methodology, make_risk

pytestmark = pytest.mark.django_db


def _figures(user):
    return {f["label"]: f for f in dashboard.figures(user)}


def test_exposure_counts_each_asset_once(methodology, security_manager, auditor):
    shared = AssetFactory(value_usd=100_000)
    for _ in range(3):
        make_risk(security_manager, assets=[shared], inherent_likelihood=5, inherent_impact=5)
    figures = _figures(auditor)
    assert figures["Exposure"]["value"] == "$100,000"
    # The sum of the risks' ALE counts the shared asset once per risk (3 x 100k x .9 x 4):
    # it is labelled and explained as a sum, not as a loss.
    assert figures["Sum of risks' ALE"]["value"] == "$1,080,000"
    assert all(
        f.get("help") for label, f in figures.items() if "ALE" in label or label == "Exposure"
    )


def test_closed_risks_put_nothing_at_stake(methodology, security_manager, auditor):
    make_risk(security_manager, assets=[AssetFactory(value_usd=5_000)], status="closed")
    assert _figures(auditor)["Exposure"]["value"] == "$0"


def test_usd_bands_are_validated():
    content = scoring.preset("5x5-usd")
    assert scoring.validate_content(content) == {}
    content["impact"][2]["min_usd"] = ""
    assert "on every impact level" in scoring.validate_content(content)["impact"][0]
    content = scoring.preset("5x5-usd")
    content["impact"][3]["min_usd"] = "1"
    assert "rise" in scoring.validate_content(content)["impact"][0]
    scale = scoring.Scale(scoring.preset("5x5-usd"))
    assert [scale.impact_for_value(Decimal(v)) for v in ("0", "9999", "10000", "2e6")] == [
        1,
        1,
        2,
        5,
    ]
    assert scoring.Scale(scoring.preset("5x5")).impact_for_value(Decimal("1")) is None


@pytest.fixture
def banded(security_manager, manager):
    return approved_methodology(author=security_manager, approver=manager, preset="5x5-usd")


def test_level_and_usd_disagreements_are_shown(banded, security_manager, auditor, client_as):
    # $400k at stake is a Major (4) impact by the bands; scored Minor (2): they disagree.
    low = make_risk(
        security_manager,
        assets=[AssetFactory(value_usd=400_000)],
        inherent_likelihood=3,
        inherent_impact=2,
    )
    agreeing = make_risk(
        security_manager,
        assets=[AssetFactory(value_usd=400_000)],
        inherent_likelihood=3,
        inherent_impact=4,
    )
    client = client_as(auditor)
    page = client.get(reverse("risks:risk_detail", args=[low.pk])).content.decode()
    assert 'id="level-usd-disagreement"' in page and "Major impact (higher)" in page
    page = client.get(reverse("risks:risk_detail", args=[agreeing.pk])).content.decode()
    assert 'id="level-usd-disagreement"' not in page
    figure = _figures(auditor)["Level vs $ disagreements"]
    assert figure["value"] == 1
    listed = client.get(figure["url"]).content.decode()
    assert low.ref in listed and agreeing.ref not in listed


def test_an_ale_above_the_value_at_stake_is_explained(
    methodology, security_manager, auditor, client_as
):
    risk = make_risk(security_manager, inherent_likelihood=5, inherent_impact=5)  # 100k x .9 x 4
    assert risk.ale_usd > risk.value_at_stake_usd
    page = client_as(auditor).get(reverse("risks:risk_detail", args=[risk.pk])).content.decode()
    assert 'id="ale-above-value"' in page
    calm = make_risk(security_manager, inherent_likelihood=2, inherent_impact=2)
    page = client_as(auditor).get(reverse("risks:risk_detail", args=[calm.pk])).content.decode()
    assert 'id="ale-above-value"' not in page
