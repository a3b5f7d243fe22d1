"""Demo data, the shipped catalogue and the dashboard figures."""

import io

import pytest
from django.urls import reverse

from assets.catalogue import SERVICES, sync_catalogue
from assets.demo import inventory as demo
from assets.models import Asset, AssetDependency, AwsService
from isms import dashboard
from isms.demo import users as isms_demo
from tests.assets.factories import AssetFactory, chain

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_tells_a_story():
    isms_demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert Asset.objects.count() == len(demo.ASSETS)
    assert AssetDependency.objects.count() == len(demo.DEPENDENCIES)
    out = io.StringIO()
    demo.load(out)
    assert "0 created, 0 dependencies linked" in out.getvalue()
    assert Asset.objects.filter(asset_class="essential").count() == 12
    iam = Asset.objects.get(ref="A-023")
    assert iam.value_usd == 15_000
    assert iam.value_at_stake_usd > 10_000_000  # everything runs on it
    assert Asset.objects.get(ref="A-003").owner.username == "owner"


def test_catalogue_is_synchronised_after_migrate_and_repairs_itself():
    assert AwsService.objects.count() == len(SERVICES)
    AwsService.objects.filter(code="s3").update(layer="infrastructure", name="Old")
    assert sync_catalogue() == 1
    s3 = AwsService.objects.get(code="s3")
    assert (s3.layer, s3.name) == ("abstracted", "Amazon S3")
    assert sync_catalogue() == 0


def test_dashboard_figures(auditor, owner):
    chain(1000, 10)
    AssetFactory(value_usd=5)
    figures = {f["label"]: f for f in dashboard.figures(auditor)}
    assert figures["Value at stake"]["value"] == "$1,015"
    assert figures["Assets"]["value"] == 3
    assert figures["Value at stake"]["url"] == reverse("assets:asset_list")
    assert "Value at stake" not in {f["label"] for f in dashboard.figures(owner)}
