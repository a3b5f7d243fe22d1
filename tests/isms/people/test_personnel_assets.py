"""Personnel assets link to people by foreign key (issue 14): the link is set from the
asset's form and API, refused on an asset that is not personnel, shown on both sides,
and the data migration turns the old text references into links where they are
unambiguous."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assets import services
from assets.models import Asset
from tests.assets.factories import AssetFactory
from tests.isms.context.factories import make_person

pytestmark = pytest.mark.django_db


def _personnel(**fields) -> Asset:
    return AssetFactory(asset_class="support", category="personnel", **fields)


def test_a_personnel_asset_links_to_its_person_and_both_sides_show_it(client_as, security_manager):
    person = make_person(name="Ann Lee", job_title="SRE")
    asset = _personnel(name="Ann Lee")
    services.asset_update(asset=asset, user=security_manager, data={"person": person})
    asset.refresh_from_db()
    assert asset.person == person
    client = client_as(security_manager)
    detail = client.get(f"/assets/{asset.pk}/").content.decode()
    assert "Ann Lee</a>, SRE" in detail
    people = client.get("/people/").content.decode()
    assert f"{asset.ref} Ann Lee" in people
    export = client.get("/people/?export=csv").content.decode()
    assert f"{asset.ref} Ann Lee" in export


def test_only_a_personnel_asset_has_a_person(client_as, security_manager):
    person = make_person()
    server = AssetFactory(asset_class="support", category="hardware")
    response = client_as(security_manager).patch(
        f"/api/assets/{server.pk}/", {"person": person.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "personnel" in str(response.json())
    server.refresh_from_db()
    assert server.person is None


def test_the_people_list_costs_the_same_whatever_the_number_of_people(
    client_as, security_manager, django_assert_max_num_queries
):
    for n in range(8):
        _personnel(person=make_person(), name=f"Person {n}")
    client = client_as(security_manager)
    with django_assert_max_num_queries(13):
        assert client.get("/people/").status_code == 200


def test_the_migration_links_the_text_references_that_are_unambiguous():
    executor = MigrationExecutor(connection)
    before = [("assets", "0009_asset_person"), ("people", "0001_initial")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Person, OldAsset = old.get_model("people", "Person"), old.get_model("assets", "Asset")

    def asset(ref, name, category="personnel"):
        return OldAsset.objects.create(
            ref=ref, name=name, asset_class="support", category=category, value_usd=0,
            confidentiality=1, integrity=1, availability=1,
        ).pk  # fmt: skip

    by_ref = Person.objects.create(name="Ann Lee", email="ann@example.com", asset_reference="A-901")
    by_name = Person.objects.create(name="Bob Roe", email="bob@example.com")
    by_email = Person.objects.create(name="Carol", email="carol@example.com")
    Person.objects.create(name="Dan", email="dan1@example.com")
    Person.objects.create(name="Dan", email="dan2@example.com")
    ids = {
        "ref": asset("A-901", "Lead engineer"),
        "name": asset("A-902", "bob roe"),
        "email": asset("A-903", "carol@example.com"),
        "ambiguous": asset("A-904", "Dan"),
        "unknown": asset("A-905", "Erin"),
        "not_personnel": asset("A-906", "Bob Roe", category="hardware"),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    linked = dict(Asset.objects.filter(pk__in=ids.values()).values_list("pk", "person_id"))
    assert linked[ids["ref"]] == by_ref.pk
    assert linked[ids["name"]] == by_name.pk
    assert linked[ids["email"]] == by_email.pk
    assert linked[ids["ambiguous"]] is None
    assert linked[ids["unknown"]] is None
    assert linked[ids["not_personnel"]] is None


def test_an_asset_owner_without_a_role_may_not_link_people(client_as, owner):
    person = make_person(name="Zed Secret")
    asset = _personnel(name="Desk", owner=owner)
    client = client_as(owner)
    form = client.get(f"/assets/{asset.pk}/edit/").content.decode()
    assert "Zed Secret" not in form and 'name="person"' not in form
    response = client.patch(
        f"/api/assets/{asset.pk}/", {"person": person.pk}, content_type="application/json"
    )
    assert response.status_code in (400, 403)
    asset.refresh_from_db()
    assert asset.person is None
