"""The supplier register: criticality from the graph, contracts, certifications and
their reminders, AWS as a supplier, questionnaire templates."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assets import services as asset_services
from assets.aws import services as aws_services
from assets.suppliers import selectors, services
from assets.suppliers.choices import Criticality
from assets.suppliers.models import Certification, Questionnaire, Supplier
from isms.models import Notification
from tests.assets.factories import AssetFactory, essential

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def make_supplier(name="Acme Hosting", **data):
    return services.supplier_create(user=None, data=data, name=name)


def test_it_derives_criticality_from_what_depends_on_the_supplier():
    supplier = make_supplier()
    assert supplier.asset.category == "partner_organization"
    assert supplier.criticality == Criticality.LOW
    process = essential(value_usd=400_000)
    asset_services.asset_dependency_add(dependent=process, dependency=supplier.asset, user=None)
    supplier.asset.refresh_from_db()
    assert supplier.criticality == Criticality.HIGH


def test_it_needs_a_reason_to_override_criticality_and_saves_nothing_without():
    supplier = make_supplier()
    with pytest.raises(ValidationError) as error:
        services.supplier_update(
            supplier=supplier, user=None, data={"criticality_override": "critical"}
        )
    assert "criticality_reason" in error.value.message_dict
    assert Supplier.objects.get(pk=supplier.pk).criticality_override == ""
    services.supplier_update(
        supplier=supplier,
        user=None,
        data={"criticality_override": "critical", "criticality_reason": "Sole payroll provider"},
    )
    assert supplier.criticality == Criticality.CRITICAL


def test_it_refuses_a_certification_expiring_before_it_was_issued():
    supplier = make_supplier()
    with pytest.raises(ValidationError) as error:
        services.certification_save(
            supplier=supplier,
            user=None,
            data={"kind": "iso27001", "issued_on": TODAY, "expires_on": TODAY},
        )
    assert "expires_on" in error.value.message_dict
    assert not Certification.objects.exists()


def test_it_reminds_once_of_certifications_about_to_expire(security_manager):
    supplier = make_supplier()
    soon = services.certification_save(
        supplier=supplier,
        user=None,
        data={
            "kind": "soc2",
            "issued_on": TODAY - datetime.timedelta(days=300),
            "expires_on": TODAY + datetime.timedelta(days=10),
        },
    )
    services.certification_save(
        supplier=supplier,
        user=None,
        data={
            "kind": "iso27001",
            "issued_on": TODAY,
            "expires_on": TODAY + datetime.timedelta(days=900),
        },
    )
    assert services.certifications_remind(today=TODAY) == [soon.pk]
    assert services.certifications_remind(today=TODAY) == []
    assert Notification.objects.filter(user=security_manager).count() == 1


def test_connecting_an_aws_account_makes_aws_a_supplier_once():
    for n in range(2):
        aws_services.aws_account_create(
            user=None,
            data={
                "name": f"prod {n}",
                "account_id": f"12345678901{n}",
                "role_arn": f"arn:aws:iam::12345678901{n}:role/isms-reader",
            },
        )
    aws = Supplier.objects.get(is_aws=True)
    assert aws.asset.name == services.AWS_NAME
    from assets.models import AwsService

    s3 = AwsService.objects.get(code="s3")
    process = essential(value_usd=2_000_000)
    bucket = AssetFactory(aws_services=[s3], value_usd=0)
    asset_services.asset_dependency_add(dependent=process, dependency=bucket, user=None)
    assert selectors.value_at_stake(aws) == Decimal("2000000")
    layers = selectors.aws_layers()
    assert [entry.service.code for layer in layers for entry in layer.services if entry.assets] == [
        "s3"
    ]


def test_the_shipped_questionnaire_round_trips_as_json():
    shipped = services.questionnaire_shipped()  # as migrated (or again after a flush)
    document = services.questionnaire_export(shipped)
    document["name"] = "Copy"
    copy = services.questionnaire_import(user=None, document=document)
    assert copy.content == shipped.content


def test_a_bad_questionnaire_is_refused_with_its_place():
    with pytest.raises(ValidationError, match="section 1, question 1"):
        services.questionnaire_import(
            user=None,
            document={"name": "Bad", "sections": [{"title": "A", "questions": [{"id": "x"}]}]},
        )
    assert not Questionnaire.objects.filter(name="Bad").exists()


def test_the_register_page_and_the_supplier_page(client_as, security_manager):
    supplier = make_supplier()
    client = client_as(security_manager)
    assert supplier.asset.name in client.get(reverse("suppliers:supplier_list")).text
    response = client.post(
        reverse("suppliers:certification_add", args=[supplier.pk]),
        {"kind": "iso27001", "issued_on": "2026-01-01", "expires_on": "2025-01-01"},
    )
    assert response.status_code == 302 and not Certification.objects.exists()
    page = client.get(reverse("suppliers:supplier_detail", args=[supplier.pk]))
    assert "cannot expire before" in page.text
    assert timezone.localdate()  # the page renders with today's dates


def test_the_audit_pack_and_the_export_carry_the_register(client_as, auditor):
    supplier = make_supplier(services_provided="Hosting")
    [pack] = list(selectors.audit_pack_files(None))
    assert pack.path.endswith("supplier-register.xlsx") and pack.content[:2] == b"PK"
    [row] = list(selectors.register_rows())
    assert row[:3] == [supplier.asset.ref, "Acme Hosting", "Hosting"]
    export = client_as(auditor).get(reverse("suppliers:supplier_list") + "?export=csv")
    assert export.status_code == 200 and b"Acme Hosting" in export.content
