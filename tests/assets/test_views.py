"""Pages of the asset inventory: who may see and do what, and what each page does."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset, AssetDependency, AwsService
from tests.assets.factories import AssetFactory, chain, essential

pytestmark = pytest.mark.django_db

FORM = {
    "ref": "",
    "name": "Billing",
    "asset_class": "essential",
    "category": "process",
    "description": "",
    "value_usd": "250000",
    "owner": "",
    "confidentiality": "3",
    "integrity": "3",
    "availability": "2",
    "business_unit": "Finance",
    "location": "",
    "tags": "pci, Customer-facing",
    "review_interval_days": "180",
    "next_review_date": "",
    "depends_on": "",
}


# --- Role access -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, status",
    [("security_manager", 200), ("manager", 200), ("auditor", 200), ("outsider", 403)],
)
def test_list_and_detail_by_role(persona, client_as, name, status):
    asset = AssetFactory()
    client = client_as(persona(name))
    assert client.get(reverse("assets:asset_list")).status_code == status
    assert client.get(asset.get_absolute_url()).status_code == (404 if status == 403 else 200)
    assert client.get(reverse("assets:shared_responsibility")).status_code == status


@pytest.mark.parametrize(
    "name, can_write",
    [("security_manager", True), ("manager", False), ("auditor", False), ("outsider", False)],
)
def test_write_pages_by_role(persona, client_as, name, can_write):
    asset = AssetFactory()
    client = client_as(persona(name))
    expected = 200 if can_write else 403
    for url in (
        reverse("assets:asset_create"),
        reverse("assets:asset_import"),
    ):
        assert client.get(url).status_code == expected, url
    edit = client.get(reverse("assets:asset_edit", args=[asset.pk])).status_code
    delete = client.get(reverse("assets:asset_delete", args=[asset.pk])).status_code
    assert edit == (200 if can_write else 403 if name != "outsider" else 404)
    assert delete == (200 if can_write else 403 if name != "outsider" else 404)
    response = client.post(reverse("assets:asset_create"), FORM)
    assert (response.status_code == 302) is can_write
    assert Asset.objects.filter(name="Billing").exists() is can_write


def test_owner_sees_and_edits_only_their_own_assets(owner, client_as):
    mine = AssetFactory(owner=owner, name="Mine")
    theirs = AssetFactory(name="Theirs")
    client = client_as(owner)
    listing = client.get(reverse("assets:asset_list"))
    assert listing.status_code == 200
    assert [a.pk for a in listing.context["page"]] == [mine.pk]
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("assets:asset_edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("assets:asset_create")).status_code == 403
    assert client.get(reverse("assets:asset_delete", args=[mine.pk])).status_code == 403

    data = {
        **FORM,
        "ref": mine.ref,
        "name": "Mine, renamed",
        "asset_class": "support",
        "category": "software",
        "owner": "",
        "value_usd": "5",
    }
    response = client.post(reverse("assets:asset_edit", args=[mine.pk]), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Mine, renamed"
    assert mine.owner == owner  # the owner field is locked for owners: not handed away


def test_owner_links_a_dependency_of_their_own_asset(owner, client_as):
    # Among the assets they may see (their own): tests/isms/security/test_object_authz.py
    mine = AssetFactory(owner=owner, value_usd=100)
    db = AssetFactory(owner=owner, value_usd=1)
    client = client_as(owner)
    response = client.post(reverse("assets:asset_dependency_add", args=[mine.pk]), {"ref": db.ref})
    assert response.status_code == 302
    assert Asset.objects.get(pk=db.pk).value_at_stake_usd == 101


# --- List --------------------------------------------------------------------------------


def test_list_filters_sorts_and_paginates(security_manager, client_as):
    s3_user = AssetFactory(name="Bucket user", value_usd=5, business_unit="Ops")
    s3_user.aws_services.add(AwsService.objects.get(code="s3"))
    big = essential(name="Big process", value_usd=5000)
    late = AssetFactory(
        name="Late", next_review_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    client = client_as(security_manager)
    url = reverse("assets:asset_list")

    def refs(**params):
        return [a.pk for a in client.get(url, params).context["page"]]

    assert refs(asset_class="essential") == [big.pk]
    assert refs(aws_service="s3") == [s3_user.pk]
    assert refs(business_unit="ops") == [s3_user.pk]
    assert refs(overdue="true") == [late.pk]
    assert refs(q="process") == [big.pk]
    assert refs(value_min="4000", value_max="6000") == [big.pk]
    assert refs(at_stake_min="950", at_stake_max="2000") == [late.pk]
    assert refs(ordering="-value_at_stake_usd")[0] == big.pk
    assert refs(ordering="value_at_stake_usd")[0] == s3_user.pk

    for _ in range(55):
        AssetFactory()
    first = client.get(url)
    page = first.context["page"]
    assert len(page) == 50 and page.count == 58 and not page.has_previous
    assert 'rel="next"' in first.content.decode()
    second = client.get(url, {"cursor": page.next_cursor}).context["page"]
    assert len(second) == 8 and not second.has_next
    assert {a.pk for a in page} | {a.pk for a in second} == set(
        Asset.objects.values_list("pk", flat=True)
    )


def test_list_shows_value_at_stake_and_overdue(security_manager, client_as):
    top, bottom = chain(1000, 10)
    Asset.objects.filter(pk=top.pk).update(
        next_review_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    html = client_as(security_manager).get(reverse("assets:asset_list")).content.decode()
    assert "$1,010" in html
    assert "Overdue" in html


def test_list_query_count_does_not_grow(security_manager, client_as, django_assert_max_num_queries):
    s3 = AwsService.objects.get(code="s3")
    for index in range(60):
        asset = AssetFactory(owner=security_manager)
        asset.aws_services.add(s3)
        if index:
            AssetDependency.objects.create(dependent=asset, dependency_id=asset.pk - 1)
    client = client_as(security_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assets:asset_list"), {"ordering": "-value_at_stake_usd"})
    assert response.status_code == 200


# --- Create, edit, inline validation -----------------------------------------------------


def test_create_with_dependencies_and_services(security_manager, client_as):
    db = AssetFactory(value_usd=10)
    rds = AwsService.objects.get(code="rds")
    client = client_as(security_manager)
    data = {**FORM, "depends_on": db.ref, "aws_services": [rds.pk]}
    response = client.post(reverse("assets:asset_create"), data)
    asset = Asset.objects.get(name="Billing")
    assert response["Location"] == asset.get_absolute_url()
    assert asset.ref == "A-002"
    assert asset.tags == ["pci", "customer-facing"]
    assert list(asset.depends_on.all()) == [db]
    assert list(asset.aws_services.all()) == [rds]
    assert Asset.objects.get(pk=db.pk).value_at_stake_usd == Decimal("250010")
    assert asset.next_review_date == timezone.localdate() + datetime.timedelta(days=180)


def test_form_errors_show_beside_fields_and_keep_input(security_manager, client_as):
    client = client_as(security_manager)
    data = {**FORM, "category": "hardware", "value_usd": "-5", "depends_on": "A-404"}
    response = client.post(reverse("assets:asset_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"value_usd", "depends_on"}
    html = response.content.decode()
    assert 'id="id_value_usd_error"' in html
    assert "No asset has the reference A-404" in html
    assert 'value="Billing"' in html  # nothing typed is lost
    assert not Asset.objects.exists()


def test_category_of_the_wrong_class_is_an_error_on_category(security_manager, client_as):
    response = client_as(security_manager).post(
        reverse("assets:asset_create"), {**FORM, "category": "hardware"}
    )
    assert "category" in response.context["form"].errors


def test_edit_refuses_a_loop_naming_it(security_manager, client_as):
    a, b = chain(1, 2)
    data = {
        **FORM,
        "ref": b.ref,
        "name": b.name,
        "asset_class": "support",
        "category": "software",
        "depends_on": a.ref,
    }
    response = client_as(security_manager).post(reverse("assets:asset_edit", args=[b.pk]), data)
    assert response.status_code == 200
    assert f"loop: {b.ref} → {a.ref} → {b.ref}" in response.content.decode()


def test_inline_validation_returns_the_field_with_its_error(security_manager, client_as):
    client = client_as(security_manager)
    response = client.post(
        reverse("assets:asset_validate"),
        {**FORM, "value_usd": "-1", "_field": "value_usd"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div class="mb-3 required" id="id_value_usd_group">')
    assert 'aria-invalid="true"' in html
    assert "greater than or equal to 0" in html
    ok = client.post(reverse("assets:asset_validate"), {**FORM, "_field": "name"})
    assert "invalid-feedback" not in ok.content.decode()


def test_inline_validation_needs_the_right_to_edit(auditor, client_as):
    asset = AssetFactory()
    client = client_as(auditor)
    assert client.post(reverse("assets:asset_validate"), {"_field": "name"}).status_code == 403
    url = reverse("assets:asset_validate_edit", args=[asset.pk])
    assert client.post(url, {"_field": "name"}).status_code == 403


# --- Detail --------------------------------------------------------------------------------


def test_detail_draws_the_graph_and_lists_responsibilities(security_manager, client_as):
    top, middle, bottom = chain(1000, 100, 10)
    bottom.aws_services.add(AwsService.objects.get(code="rds"))
    middle.aws_services.add(AwsService.objects.get(code="s3"))
    html = client_as(security_manager).get(middle.get_absolute_url()).content.decode()
    svg = html[html.index('<svg class="asset-graph"') : html.index("</svg>")]
    assert "style=" not in html.replace("stylesheet", "")
    for asset in (top, middle, bottom):
        assert asset.ref in svg
    assert "at stake $1,100" in svg
    assert svg.count("<line") == 2
    assert "What you must secure" in html
    assert "Container services" in html and "Abstracted services" in html
    assert "Backup and disaster-recovery settings" in html  # RDS, from the dependency
    assert "Block public access" in html  # S3, its own
    assert "Infrastructure services" not in html
    assert "No live AWS resources linked yet" in html
    assert "/audit/" in html


def test_mark_reviewed(security_manager, client_as):
    asset = AssetFactory(next_review_date=timezone.localdate() - datetime.timedelta(days=1))
    client_as(security_manager).post(reverse("assets:asset_review", args=[asset.pk]))
    assert not Asset.objects.get(pk=asset.pk).overdue


def test_dependency_add_and_remove_from_the_detail_page(security_manager, client_as):
    top = AssetFactory(value_usd=100)
    bottom = AssetFactory(value_usd=1)
    client = client_as(security_manager)
    client.post(reverse("assets:asset_dependency_add", args=[top.pk]), {"ref": bottom.ref})
    assert Asset.objects.get(pk=bottom.pk).value_at_stake_usd == 101
    response = client.post(
        reverse("assets:asset_dependency_add", args=[bottom.pk]), {"ref": top.ref}, follow=True
    )
    assert "would create a loop" in response.content.decode()
    client.post(reverse("assets:asset_dependency_remove", args=[top.pk, bottom.pk]))
    assert Asset.objects.get(pk=bottom.pk).value_at_stake_usd == 1


def test_dependency_pages_refuse_readers(auditor, client_as):
    top, bottom = AssetFactory(), AssetFactory()
    client = client_as(auditor)
    url = reverse("assets:asset_dependency_add", args=[top.pk])
    assert client.post(url, {"ref": bottom.ref}).status_code == 403
    assert not AssetDependency.objects.exists()


# --- Delete and bulk edit ------------------------------------------------------------------


def test_delete_in_use_needs_confirmation(security_manager, client_as):
    top, bottom = chain(100, 10)
    client = client_as(security_manager)
    url = reverse("assets:asset_delete", args=[bottom.pk])
    page = client.get(url).content.decode()
    assert "This asset is in use" in page and top.ref in page
    refused = client.post(url)
    assert refused.status_code == 400
    assert "still in use" in refused.content.decode()
    assert Asset.objects.filter(pk=bottom.pk).exists()
    done = client.post(url, {"confirm_in_use": "on"})
    assert done.status_code == 302
    assert not Asset.objects.filter(pk=bottom.pk).exists()
    assert Asset.objects.get(pk=top.pk).value_at_stake_usd == 100


def test_delete_of_an_unused_asset(security_manager, client_as):
    asset = AssetFactory()
    response = client_as(security_manager).post(reverse("assets:asset_delete", args=[asset.pk]))
    assert response.status_code == 302
    assert not Asset.objects.exists()


def test_bulk_edit(security_manager, owner, client_as):
    a, b, c = AssetFactory(), AssetFactory(), AssetFactory()
    client = client_as(security_manager)
    response = client.post(
        reverse("assets:asset_bulk_edit"),
        {"pk": [a.pk, b.pk], "owner": owner.pk, "review_interval_days": "90"},
    )
    assert response.status_code == 302
    assert set(Asset.objects.filter(owner=owner)) == {a, b}
    assert Asset.objects.get(pk=a.pk).review_interval_days == 90
    assert Asset.objects.get(pk=c.pk).owner is None
    empty = client.post(reverse("assets:asset_bulk_edit"), {"pk": [a.pk]}, follow=True)
    assert "Nothing changed" in empty.content.decode()


def test_bulk_edit_refused_to_readers_and_owners(manager, owner, client_as):
    a = AssetFactory(owner=owner)
    for user in (manager, owner):
        response = client_as(user).post(
            reverse("assets:asset_bulk_edit"), {"pk": [a.pk], "review_interval_days": "5"}
        )
        assert response.status_code == 403
    assert Asset.objects.get(pk=a.pk).review_interval_days == 365


# --- Shared responsibility -----------------------------------------------------------------


def test_shared_responsibility_page_shows_the_estate(auditor, client_as):
    top, bottom = chain(1000, 10)
    bottom.aws_services.add(AwsService.objects.get(code="ec2"))
    html = client_as(auditor).get(reverse("assets:shared_responsibility")).content.decode()
    for text in (
        "Infrastructure services",
        "Container services",
        "Abstracted services",
        "Amazon Machine Images (AMIs)",
        "Physical security of the hardware",
        "AWS IAM",
    ):
        assert text in html
    row = re.search(r"Amazon EC2</strong>.*?</tr>", html, re.S).group(0)
    assert "$1,010" in row  # the value of everything relying on EC2


def test_detail_queries_do_not_grow_with_dependencies(
    security_manager, client_as, django_assert_max_num_queries
):
    hub = AssetFactory(value_usd=1)
    s3 = AwsService.objects.get(code="s3")
    for _ in range(25):
        above = AssetFactory(value_usd=10)
        above.aws_services.add(s3)
        AssetDependency.objects.create(dependent=above, dependency=hub)
        AssetDependency.objects.create(dependent=hub, dependency=AssetFactory())
    client = client_as(security_manager)
    with django_assert_max_num_queries(30):
        response = client.get(hub.get_absolute_url())
    assert response.status_code == 200
    # 24 per level are drawn, four to a line (issue 20.7); the rest are listed.
    assert "Not drawn: 1 more above, 1 more below" in response.content.decode()
