"""Object-level authorisation (OWASP ASVS V8.2.2): relation fields and related records.

Three rules, each checked on every path that reaches it:

1. A field that names other records (API ids, refs typed in a form, a choice posted by
   a page) accepts only records the user may see, and refuses another owner's record
   with exactly the answer it gives for a record that does not exist.
2. A page or API answer that shows related records shows those the viewer may see: an
   owner without a role does not read other owners' assets, risks or the estate's check
   results through their own records, nor ISMS-wide figures on the dashboard.
3. One ownership-transfer rule (isms.ownership): an owner cannot hand their asset or
   their control implementation to someone else.

The personas: `owner` (no role) owns `mine` and `mine2`; `other` owns `theirs`, a
valuable asset whose ref, name and value must never reach `owner`.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from assets import services as asset_services
from assets.findings import services as finding_services
from assets.findings.evidence import _checks_by_control
from assets.forms import AssetForm
from assets.models import Asset, AssetDependency, AwsResourceLink, AwsService
from isms import dashboard, ownership
from isms.frameworks import services as framework_services
from isms.models import ControlImplementation
from risks.models import Risk
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate, stored_resource
from tests.assets.factories import AssetFactory
from tests.factories import UserFactory
from tests.isms.frameworks.conftest import load
from tests.risks.factories import approved_methodology, make_risk

pytestmark = pytest.mark.django_db

SECRET_NAME = "Payroll ledger of another owner"
SECRET_VALUE = 987_654


@pytest.fixture
def other(db):
    return UserFactory(username="other_owner")


@pytest.fixture
def mine(owner):
    return AssetFactory(owner=owner, name="Owner's shop", value_usd=100)


@pytest.fixture
def mine2(owner):
    return AssetFactory(owner=owner, name="Owner's queue", value_usd=10)


@pytest.fixture
def theirs(other):
    return AssetFactory(owner=other, name=SECRET_NAME, value_usd=SECRET_VALUE)


def missing_asset_pk() -> int:
    return (Asset.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _without(text: str, *values) -> str:
    """`text` with the values the client sent blanked, to compare two refusals."""
    for value in values:
        text = text.replace(str(value), "<sent>")
    return text


def assert_secret_absent(content: str, theirs: Asset) -> None:
    assert theirs.ref not in content
    assert SECRET_NAME not in content
    assert f"{SECRET_VALUE:,}" not in content


def _edges(asset) -> set[int]:
    return set(
        AssetDependency.objects.filter(dependent=asset).values_list("dependency_id", flat=True)
    )


# --- 1. Relation fields accept only what the user may see ----------------------------------


def _api_patch_depends_on(client, asset, value):
    response = client.patch(
        f"/api/assets/{asset.pk}/", {"depends_on": [value]}, content_type="application/json"
    )
    return response.status_code, str(response.json().get("errors", {}).get("depends_on"))


def _page_add_dependency(client, asset, value):
    response = client.post(reverse("assets:asset_dependency_add", args=[asset.pk]), {"ref": value})
    return response.status_code, str(list(get_messages(response.wsgi_request))[-1])


def _form_depends_on(client, asset, value):
    owner = client.session_user
    form = AssetForm(
        data={
            "name": asset.name,
            "asset_class": asset.asset_class,
            "category": asset.category,
            "value_usd": asset.value_usd,
            "confidentiality": asset.confidentiality,
            "integrity": asset.integrity,
            "availability": asset.availability,
            "review_interval_days": asset.review_interval_days,
            "depends_on": value,
        },
        instance=asset,
        user=owner,
        can_reassign=False,
    )
    return (200 if form.is_valid() else 400), str(form.errors.get("depends_on"))


# (path, how the other's asset is named: by "pk" or by "ref", the call)
RELATION_PATHS = [
    ("API PATCH depends_on", "pk", _api_patch_depends_on),
    ("page: add dependency by ref", "ref", _page_add_dependency),
    ("asset form: depends on refs", "ref", _form_depends_on),
]


@pytest.mark.parametrize(
    ("path", "key", "call"), RELATION_PATHS, ids=[p[0] for p in RELATION_PATHS]
)
def test_an_owner_cannot_depend_on_an_asset_they_cannot_see(
    path, key, call, owner, mine, theirs, client_as
):
    client = client_as(owner)
    client.session_user = owner
    before = Asset.objects.get(pk=theirs.pk).value_at_stake_usd
    other_value = theirs.pk if key == "pk" else theirs.ref
    missing_value = missing_asset_pk() if key == "pk" else "A-999"

    status_other, error_other = call(client, mine, other_value)
    status_missing, error_missing = call(client, mine, missing_value)

    assert _edges(mine) == set()
    # Nothing flows into the other owner's value at stake (nor into their risks' ALE).
    assert Asset.objects.get(pk=theirs.pk).value_at_stake_usd == before
    # "Not yours" and "does not exist" are one answer: nothing tells which ids exist.
    assert status_other == status_missing
    assert _without(error_other, other_value) == _without(error_missing, missing_value)
    assert error_other != "None"


def test_the_security_manager_still_links_any_asset(security_manager, mine, theirs, client_as):
    status, _ = _api_patch_depends_on(client_as(security_manager), mine, theirs.pk)
    assert status == 200
    assert _edges(mine) == {theirs.pk}


def test_an_owners_edit_keeps_the_dependencies_they_cannot_see(
    security_manager, owner, mine, mine2, theirs, client_as
):
    """An owner replaces the dependencies they see, and only those: the one a security
    manager set on another owner's asset stays, and its id is not shown to them."""
    asset_services.asset_dependency_add(dependent=mine, dependency=theirs, user=None)
    client = client_as(owner)
    response = client.patch(
        f"/api/assets/{mine.pk}/", {"depends_on": [mine2.pk]}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["depends_on"] == [mine2.pk]
    assert _edges(mine) == {mine2.pk, theirs.pk}
    assert client.get(f"/api/assets/{mine.pk}/").json()["depends_on"] == [mine2.pk]
    listed = {row["id"]: row for row in client.get("/api/assets/").json()["results"]}
    assert listed[mine.pk]["depends_on"] == [mine2.pk]
    # The page form shows and replaces the visible part only, too.
    form = AssetForm(instance=mine, user=owner, can_reassign=False)
    assert form.initial["depends_on"] == mine2.ref


def test_a_loop_through_another_owners_asset_is_refused_without_naming_it(
    owner, mine, mine2, theirs, client_as
):
    asset_services.asset_dependency_add(dependent=mine2, dependency=theirs, user=None)
    asset_services.asset_dependency_add(dependent=theirs, dependency=mine, user=None)
    status, error = _api_patch_depends_on(client_as(owner), mine, mine2.pk)
    assert status == 400
    assert "loop" in error
    assert theirs.ref not in error
    assert SECRET_NAME not in error


def test_an_owner_cannot_remove_a_dependency_they_cannot_see(owner, mine, theirs, client_as):
    asset_services.asset_dependency_add(dependent=mine, dependency=theirs, user=None)
    url = reverse("assets:asset_dependency_remove", args=[mine.pk, theirs.pk])
    assert client_as(owner).post(url).status_code == 404
    assert _edges(mine) == {theirs.pk}


@pytest.fixture
def estate(mine, theirs):
    """A resource linked to the other owner's asset, one to the owner's, and one linked
    to nobody; the owner's assets run on SQS."""
    account = AwsAccountFactory()
    sqs = "sqs"
    their_queue = stored_resource(account, sqs, "queue", "their-queue", {}, asset=theirs)
    my_queue = stored_resource(account, sqs, "queue", "my-queue", {}, asset=mine)
    loose_queue = stored_resource(account, sqs, "queue", "loose-queue", {})
    mine.aws_services.add(AwsService.objects.get(code=sqs))
    return {"theirs": their_queue, "mine": my_queue, "loose": loose_queue}


def _linked(resource) -> set[int]:
    return set(AwsResourceLink.objects.filter(resource=resource).values_list("asset_id", flat=True))


@pytest.mark.parametrize("which", ["theirs", "loose"])
def test_an_owner_cannot_link_an_aws_resource_they_cannot_see(
    which, owner, mine, mine2, estate, client_as
):
    resource = estate[which]
    before = _linked(resource)
    client = client_as(owner)
    # From the asset page: refused like a resource that does not exist.
    client.post(reverse("assets:aws_asset_link", args=[mine.pk]), {"resource": resource.pk})
    # From the resource page: "not found".
    response = client.post(
        reverse("assets:aws_resource_link", args=[resource.pk]), {"asset": mine.pk}
    )
    assert response.status_code == 404
    assert _linked(resource) == before


def test_an_owner_links_a_resource_of_theirs_to_another_of_their_assets(
    owner, mine, mine2, estate, client_as
):
    client = client_as(owner)
    client.post(reverse("assets:aws_asset_link", args=[mine2.pk]), {"resource": estate["mine"].pk})
    assert _linked(estate["mine"]) == {mine.pk, mine2.pk}


def test_the_asset_panel_offers_no_resource_the_owner_cannot_see(
    owner, security_manager, mine, estate, client_as
):
    url = reverse("assets:aws_asset_panel", args=[mine.pk])
    assert "loose-queue" in client_as(security_manager).get(url).content.decode()
    panel = client_as(owner).get(url).content.decode()
    assert "loose-queue" not in panel
    assert "their-queue" not in panel


# --- 2. Related records are shown as the viewer may see them -------------------------------


def test_the_asset_page_shows_no_other_owners_asset(
    owner, security_manager, mine, theirs, other, client_as
):
    asset_services.asset_dependency_add(dependent=mine, dependency=theirs, user=None)
    above = AssetFactory(owner=other, name=SECRET_NAME + " (above)", value_usd=SECRET_VALUE)
    asset_services.asset_dependency_add(dependent=above, dependency=mine, user=None)
    url = reverse("assets:asset_detail", args=[mine.pk])
    assert theirs.ref in client_as(security_manager).get(url).content.decode()
    page = client_as(owner).get(url).content.decode()
    assert_secret_absent(page, theirs)  # the lists and the dependency graph
    assert above.ref not in page


def test_the_risk_page_shows_no_other_owners_asset(
    owner, security_manager, manager, theirs, mine, client_as
):
    approved_methodology(author=security_manager, approver=manager)
    risk = make_risk(security_manager, assets=[mine, theirs], owner=owner)
    page = client_as(owner).get(reverse("risks:risk_detail", args=[risk.pk])).content.decode()
    assert mine.ref in page
    assert_secret_absent(page, theirs)


def test_the_risk_register_and_api_show_no_other_owners_asset(
    owner, security_manager, manager, theirs, mine, client_as
):
    approved_methodology(author=security_manager, approver=manager)
    risk = make_risk(security_manager, assets=[mine, theirs], owner=owner)
    client = client_as(owner)
    register = client.get(reverse("risks:risk_list")).content.decode()
    assert risk.ref in register
    assert mine.ref in register
    assert theirs.ref not in register
    body = client.get(f"/api/risks/{risk.pk}/").json()
    assert body["assets"] == [mine.pk]
    listed = client.get("/api/risks/").json()["results"]
    assert [row["assets"] for row in listed] == [[mine.pk]]
    manager_view = client_as(security_manager).get(f"/api/risks/{risk.pk}/").json()
    assert sorted(manager_view["assets"]) == sorted([mine.pk, theirs.pk])


@pytest.fixture
def iso(db):
    framework = load("iso27001-2022.json")
    framework_services.framework_select(selected=[framework], soa_basis=framework)
    return framework


def test_a_control_page_shows_only_the_viewers_risks(
    iso, owner, other, security_manager, manager, mine, theirs, client_as
):
    approved_methodology(author=security_manager, approver=manager)
    implementation = ControlImplementation.objects.filter(control__framework=iso).first()
    ControlImplementation.objects.filter(pk=implementation.pk).update(owner=owner)
    own_risk = make_risk(security_manager, assets=[mine], owner=owner)
    their_risk = make_risk(security_manager, assets=[theirs], owner=other, title="Their risk")
    for risk in (own_risk, their_risk):
        Risk.controls.through.objects.create(risk=risk, control_id=implementation.control_id)
    url = reverse("isms:control_detail", args=[implementation.control_id])
    assert their_risk.ref in client_as(security_manager).get(url).content.decode()
    page = client_as(owner).get(url).content.decode()
    assert own_risk.ref in page
    assert their_risk.ref not in page
    assert "Their risk" not in page


def test_a_control_page_shows_no_estate_wide_check_results_to_its_owner(
    iso, owner, security_manager, client_as
):
    account = AwsAccountFactory()
    sample_estate(account)
    finding_services.findings_evaluate(account=account)
    index = _checks_by_control()
    # A control whose checks have results on the sample estate (a security group, an
    # RDS instance, a volume): the one the access-control check evidences.
    identifier, checks = next(
        (identifier, ids)
        for (code, identifier), ids in index.items()
        if code == iso.code and "ec2-sg-open-admin-ports" in ids
    )
    implementation = ControlImplementation.objects.get(
        control__framework=iso, control__identifier=identifier
    )
    ControlImplementation.objects.filter(pk=implementation.pk).update(owner=owner)
    url = reverse("isms:control_detail", args=[implementation.control_id])
    shown = [c for c in checks if c in client_as(security_manager).get(url).content.decode()]
    assert shown  # the manager sees the automated evidence
    page = client_as(owner).get(url).content.decode()
    assert not [c for c in shown if c in page]


ISMS_WIDE = [
    r"risk\(s\) identified",
    r"risk\(s\) analysed",
    r"treatment decision",
    r"policies published",
    r"documents approved",
    r"controls decided",
    r"Approvals waiting",
    r"Reviews overdue",
    r"Total ALE.{0,400}\$[1-9]",
]


@pytest.mark.parametrize("name", ["owner", "outsider"])
def test_the_dashboard_shows_no_isms_wide_figures_without_a_role(
    name, persona, iso, security_manager, manager, other, theirs, client_as
):
    approved_methodology(author=security_manager, approver=manager)
    make_risk(security_manager, assets=[theirs], owner=other)
    manager_page = client_as(security_manager).get(reverse("dashboard")).content.decode()
    assert re.search(r"risk\(s\) identified", manager_page)
    page = client_as(persona(name)).get(reverse("dashboard")).content.decode()
    leaked = [p for p in ISMS_WIDE if re.search(p, page, flags=re.S)]
    assert leaked == []
    assert "Not shared" in page


def test_an_owners_dashboard_figures_cover_their_own_assets(owner, mine, mine2, theirs):
    figures = {f["label"]: f["value"] for f in dashboard.figures(owner)}
    assert figures["Value at stake"] == "$110"
    assert figures["Assets"] == 2


# --- 3. One ownership-transfer rule ---------------------------------------------------------


def _asset_by_page(client, owner, other, asset, implementation):
    data = {
        "name": asset.name,
        "asset_class": asset.asset_class,
        "category": asset.category,
        "value_usd": asset.value_usd,
        "owner": other.pk,
        "confidentiality": asset.confidentiality,
        "integrity": asset.integrity,
        "availability": asset.availability,
        "review_interval_days": asset.review_interval_days,
    }
    client.post(reverse("assets:asset_edit", args=[asset.pk]), data)


def _asset_by_api(client, owner, other, asset, implementation):
    client.patch(f"/api/assets/{asset.pk}/", {"owner": other.pk}, content_type="application/json")


def _implementation_by_page(client, owner, other, asset, implementation):
    client.post(
        reverse("isms:control_edit", args=[implementation.control_id]),
        {
            "applicable": "yes",
            "reasons": ["risk_treatment"],
            "status": "planned",
            "owner": other.pk,
        },
    )


def _implementation_by_service(client, owner, other, asset, implementation):
    with pytest.raises(ValidationError) as caught:
        framework_services.control_implementation_update(
            implementation=implementation, user=owner, data={"owner": other}
        )
    assert caught.value.message_dict["owner"] == [ownership.REFUSED]


TRANSFERS = [
    ("asset, page", "asset", _asset_by_page),
    ("asset, API", "asset", _asset_by_api),
    ("control implementation, page", "implementation", _implementation_by_page),
    ("control implementation, service", "implementation", _implementation_by_service),
]


@pytest.mark.parametrize(("path", "kind", "transfer"), TRANSFERS, ids=[t[0] for t in TRANSFERS])
def test_an_owner_cannot_hand_their_record_to_someone_else(
    path, kind, transfer, iso, owner, other, mine, client_as
):
    implementation = ControlImplementation.objects.filter(control__framework=iso).first()
    ControlImplementation.objects.filter(pk=implementation.pk).update(owner=owner)
    implementation.refresh_from_db()
    transfer(client_as(owner), owner, other, mine, implementation)
    record = mine if kind == "asset" else implementation
    record.refresh_from_db()
    assert record.owner == owner


def test_the_security_manager_transfers_both_kinds(iso, security_manager, owner, other, mine):
    implementation = ControlImplementation.objects.filter(control__framework=iso).first()
    ControlImplementation.objects.filter(pk=implementation.pk).update(owner=owner)
    framework_services.control_implementation_update(
        implementation=implementation, user=security_manager, data={"owner": other}
    )
    assert ControlImplementation.objects.get(pk=implementation.pk).owner == other
    assert ownership.may_transfer(security_manager, mine)
    assert not ownership.may_transfer(owner, mine)
    assert not ownership.may_transfer(owner, implementation)
