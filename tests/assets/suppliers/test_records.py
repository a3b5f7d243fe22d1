"""A supplier's contracts and certifications edited and deleted on the supplier's page
and through the API (audited, nothing half-saved), and a supplier registered on an
existing partner-organisation asset from the page (issue 15)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from assets.choices import AssetCategory
from assets.suppliers import services
from assets.suppliers.models import Certification, Contract, Supplier
from isms.models import AuditEvent
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2026, 1, 1)


@pytest.fixture
def supplier():
    return services.supplier_create(user=None, data={}, name="Acme Hosting")


@pytest.fixture
def certification(supplier):
    return services.certification_save(
        supplier=supplier,
        user=None,
        data={"kind": "iso27001", "issued_on": ISSUED, "expires_on": datetime.date(2029, 1, 1)},
    )


@pytest.fixture
def contract(supplier):
    return services.contract_save(
        supplier=supplier,
        user=None,
        data={"title": "Hosting", "start_date": ISSUED, "right_to_audit": False},
    )


def _events(obj, action):
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action=action,
    )


def _edit_url(record):
    name = type(record).__name__.lower()
    return reverse(f"suppliers:{name}_edit", args=[record.supplier_id, record.pk])


def _delete_url(record):
    name = type(record).__name__.lower()
    return reverse(f"suppliers:{name}_delete", args=[record.supplier_id, record.pk])


def test_the_page_edits_a_certification_and_refuses_an_expiry_before_the_issue(
    certification, security_manager, client_as
):
    client = client_as(security_manager)
    page = client.get(certification.supplier.get_absolute_url()).content.decode()
    assert _edit_url(certification) in page and _delete_url(certification) in page
    assert 'data-confirm="Delete' in page  # the project's confirmation before deleting
    form = client.get(_edit_url(certification))
    assert form.status_code == 200 and 'value="2029-01-01"' in form.content.decode()

    answer = client.post(
        _edit_url(certification),
        {"kind": "soc2", "issued_on": "2026-01-01", "expires_on": "2025-12-31", "title": "New"},
    )
    assert answer.status_code == 400
    assert "cannot expire before it was issued" in answer.content.decode()
    certification.refresh_from_db()  # nothing half-saved
    assert (certification.kind, certification.title) == ("iso27001", "")
    assert certification.expires_on == datetime.date(2029, 1, 1)

    answer = client.post(
        _edit_url(certification),
        {"kind": "soc2", "issued_on": "2026-01-01", "expires_on": "2027-06-30", "title": "Type II"},
    )
    assert answer.status_code == 302 and answer.url == certification.supplier.get_absolute_url()
    certification.refresh_from_db()
    assert (certification.kind, certification.expires_on) == ("soc2", datetime.date(2027, 6, 30))
    change = _events(certification, "update").get()
    assert set(change.changes) >= {"kind", "expires_on"} and change.actor == security_manager


def test_the_page_edits_a_contract_and_keeps_it_whole_on_bad_dates(
    contract, security_manager, client_as
):
    client = client_as(security_manager)
    answer = client.post(
        _edit_url(contract),
        {"title": "Hosting v2", "start_date": "2026-05-01", "end_date": "2026-04-01"},
    )
    assert answer.status_code == 400 and "cannot end before it starts" in answer.content.decode()
    contract.refresh_from_db()
    assert contract.title == "Hosting"
    answer = client.post(
        _edit_url(contract),
        {
            "title": "Hosting v2",
            "start_date": "2026-05-01",
            "end_date": "2028-04-30",
            "right_to_audit": "on",
            "exit_plan": "Export and delete within 30 days",
        },
    )
    assert answer.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.right_to_audit) == ("Hosting v2", True)
    assert _events(contract, "update").exists()


def test_deleting_on_the_page_is_audited_and_scoped_to_the_supplier(
    contract, certification, security_manager, client_as
):
    client = client_as(security_manager)
    other = services.supplier_create(user=None, data={}, name="Other Co")
    # A record is reached only through its own supplier.
    wrong = reverse("suppliers:contract_delete", args=[other.pk, contract.pk])
    assert client.post(wrong).status_code == 404
    assert client.get(_delete_url(contract)).status_code == 405  # POST only
    pk = contract.pk
    answer = client.post(_delete_url(contract))
    assert answer.status_code == 302 and not Contract.objects.filter(pk=pk).exists()
    contract.pk = pk
    deleted = _events(contract, "delete").get()
    assert deleted.changes["title"] == "Hosting" and deleted.actor == security_manager
    pk = certification.pk
    assert client.post(_delete_url(certification)).status_code == 302
    assert not Certification.objects.filter(pk=pk).exists()


def test_the_auditor_sees_no_edit_or_delete(certification, auditor, client_as):
    client = client_as(auditor)
    page = client.get(certification.supplier.get_absolute_url()).content.decode()
    assert _edit_url(certification) not in page and _delete_url(certification) not in page
    assert client.post(_delete_url(certification)).status_code == 403
    assert Certification.objects.filter(pk=certification.pk).exists()


def test_the_api_changes_and_deletes_contracts_and_certifications(
    contract, certification, security_manager, auditor, client_as
):
    url = f"/api/supplier-certifications/{certification.pk}/"
    assert client_as(auditor).delete(url).status_code == 403
    client = client_as(security_manager)
    answer = client.patch(url, {"expires_on": "2025-06-01"}, content_type="application/json")
    assert answer.status_code == 400 and "expires_on" in answer.json()["errors"]
    certification.refresh_from_db()
    assert certification.expires_on == datetime.date(2029, 1, 1)
    assert client.delete(url).status_code == 204
    assert not Certification.objects.filter(pk=certification.pk).exists()
    assert client.delete(f"/api/supplier-contracts/{contract.pk}/").status_code == 204
    assert not Contract.objects.filter(pk=contract.pk).exists()
    assert _events(contract, "delete").exists()


def test_a_supplier_is_registered_on_an_existing_partner_organisation(security_manager, client_as):
    partner = AssetFactory(
        name="Payroll Ltd", category=AssetCategory.PARTNER_ORGANIZATION, asset_class="support"
    )
    server = AssetFactory(name="db-1")
    taken = services.supplier_create(user=None, data={}, name="Already").asset
    client = client_as(security_manager)
    # The partner's own page offers it.
    page = client.get(partner.get_absolute_url()).content.decode()
    assert f"{reverse('suppliers:supplier_create')}?asset={partner.pk}" in page
    form = client.get(reverse("suppliers:supplier_create"), {"asset": partner.pk})
    text = form.content.decode()
    # Only partner organisations that are not a supplier yet are offered.
    assert f'value="{partner.pk}" selected' in text
    assert f'value="{taken.pk}"' not in text and f'value="{server.pk}"' not in text

    base = {"data_classification": "none", "review_interval_days": "365"}
    for data, error in (
        ({}, "Choose an existing partner organisation or name a new one."),
        ({"asset": partner.pk, "name": "New"}, "not both"),
        ({"asset": server.pk}, "Select a valid choice"),
        ({"asset": taken.pk}, "Select a valid choice"),
    ):
        answer = client.post(reverse("suppliers:supplier_create"), {**base, **data})
        assert answer.status_code == 400 and error in answer.content.decode(), data
    assert Supplier.objects.count() == 1

    answer = client.post(
        reverse("suppliers:supplier_create"),
        {**base, "asset": partner.pk, "services_provided": "Payroll"},
    )
    supplier = Supplier.objects.get(asset=partner)
    assert answer.status_code == 302 and answer.url == supplier.get_absolute_url()
    assert supplier.services_provided == "Payroll"
    page = client.get(partner.get_absolute_url()).content.decode()
    assert supplier.get_absolute_url() in page
