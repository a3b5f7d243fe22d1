"""The supplier, incident and continuity registers as the SoA's evidence for Annex A
5.19-5.30 (and 6.8): providers registered by assets.suppliers, assets.continuity and
risks.incidents, within the SoA list's query budget."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.continuity import services as continuity
from assets.suppliers import services as suppliers
from isms.frameworks import evidence
from isms.frameworks import services as framework_services
from risks.incidents import services as incidents
from tests.assets.factories import AssetFactory, essential

pytestmark = pytest.mark.django_db


def by_identifier(iso, viewer=None):
    ids = dict(iso.controls.values_list("identifier", "pk"))
    found = evidence.for_controls(list(ids.values()), viewer)
    return {
        identifier: {(c.check, c.passed, c.failed) for c in found.get(pk, [])}
        for identifier, pk in ids.items()
    }


@pytest.fixture
def registers(security_manager):
    today = timezone.localdate()
    hosting = suppliers.supplier_create(user=security_manager, data={}, name="Hosting")
    suppliers.contract_save(
        supplier=hosting,
        user=security_manager,
        data={"title": "MSA", "start_date": today, "security_clauses": "Annex S"},
    )
    mailer = suppliers.supplier_create(
        user=security_manager,
        data={"next_review_date": today - datetime.timedelta(days=1)},
        name="Mailer",
    )
    suppliers.certification_save(
        supplier=mailer,
        user=security_manager,
        data={
            "kind": "soc2",
            "issued_on": today - datetime.timedelta(days=400),
            "expires_on": today - datetime.timedelta(days=35),
        },
    )
    server = AssetFactory(name="server")
    shop = essential(name="shop", depends_on=[server])
    essential(name="payroll")
    continuity.objective_save(asset=shop, user=security_manager, data={"rto_minutes": 60})
    incident = incidents.incident_report(
        user=security_manager, data={"title": "Phishing mail", "assets": [server]}
    )
    incidents.notification_save(
        incident=incident,
        user=security_manager,
        data={"recipient": "Regulator", "due_at": timezone.now() - datetime.timedelta(hours=1)},
    )
    incidents.incident_report(user=security_manager, data={"title": "Lost badge"})
    return hosting, mailer


def test_the_registers_evidence_their_controls(iso, registers, security_manager):
    found = by_identifier(iso)
    assert found["5.19"] == {("Suppliers in the register reviewed on time", 1, 1)}
    assert found["5.20"] == {("Suppliers with security terms in a contract", 1, 1)}
    assert found["5.22"] == {("Supplier certifications current", 0, 1)}
    assert found["5.23"] == {("Cloud provider (AWS) in the supplier register", 0, 0)}
    assert found["5.24"] == {("Security events and incidents recorded", 2, 0)}
    assert found["6.8"] == {("Security events reported by staff", 2, 0)}
    assert found["5.25"] == {("Reported events triaged", 0, 2)}
    assert found["5.26"] == {("Incident notifications on time", 0, 1)}
    assert found["5.30"] == {("Essential assets with recovery objectives (BIA)", 1, 1)}
    assert found["5.1"] == set()  # other controls: nothing from the registers
    # The SoA rows carry the figures; a failing one is an evidence conflict like a check.
    rows = {
        row["identifier"]: row
        for row in framework_services.soa_rows_build(framework_services.soa_framework())
    }
    assert rows["5.22"]["automated"] == {"checks": 1, "passed": 0, "failed": 1}


def test_a_viewer_without_the_register_sees_none_of_it(iso, registers, outsider):
    found = by_identifier(iso, outsider)
    assert not any(found[i] for i in ("5.19", "5.22", "5.25", "5.30"))


def test_soa_pages_stay_within_their_query_budget(
    iso, registers, security_manager, client_as, django_assert_max_num_queries
):
    client = client_as(security_manager)
    for url in [
        reverse("isms:framework_detail", args=[iso.code]),
        reverse("isms:soa"),
        reverse("isms:control_detail", args=[iso.controls.get(identifier="5.22").pk]),
    ]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
