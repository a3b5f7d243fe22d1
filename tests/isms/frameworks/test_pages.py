"""The control browser's filters (role access to these pages: the permission matrix),
and constant query counts on the list pages."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from isms.frameworks import services
from isms.models import Control, ControlImplementation, Framework
from tests.counts import CSF_SUBCATEGORIES, ISO_CONTROLS
from tests.factories import soa_decide_all
from tests.isms.frameworks.conftest import DATA


@pytest.fixture
def soa(iso, security_manager):
    soa_decide_all(iso)
    return services.soa_freeze(user=security_manager)


def test_only_the_security_manager_freezes_selects_and_imports(iso, auditor, manager, client_as):
    for user in (auditor, manager):
        client = client_as(user)
        assert client.post(reverse("isms:soa_freeze")).status_code == 403
        assert (
            client.post(reverse("isms:framework_list"), {"selected": [iso.pk]}).status_code == 403
        )
        assert client.get(reverse("isms:framework_import")).status_code == 403


def test_choosing_frameworks(iso, csf, security_manager, client_as):
    client = client_as(security_manager)
    response = client.post(
        reverse("isms:framework_list"), {"selected": [iso.pk, csf.pk], "soa_basis": csf.pk}
    )
    assert response.status_code == 302
    assert Framework.objects.get(soa_basis=True) == csf
    assert ControlImplementation.objects.filter(control__framework=csf).count() == CSF_SUBCATEGORIES
    response = client.post(
        reverse("isms:framework_list"), {"selected": [iso.pk], "soa_basis": csf.pk}
    )
    assert response.status_code == 200
    assert "The SoA framework must be one of the selected." in response.content.decode()
    assert Framework.objects.get(soa_basis=True) == csf


def test_importing_through_the_page(db, security_manager, client_as):
    client = client_as(security_manager)
    bad = SimpleUploadedFile(
        "bad.json",
        json.dumps(
            {
                "format": "isms-catalogue/1",
                "framework": {"code": "x", "name": "X"},
                "controls": [{"id": "1", "title": "a"}, {"id": "1", "title": "b"}],
            }
        ).encode(),
    )
    response = client.post(reverse("isms:framework_import"), {"kind": "catalogue", "file": bad})
    assert response.status_code == 400
    assert "Duplicate control id &#x27;1&#x27;." in response.content.decode()
    assert not Framework.objects.exists()
    good = SimpleUploadedFile("csf.json", (DATA / "nist-csf-2.0.json").read_bytes())
    response = client.post(
        reverse("isms:framework_import"),
        {"kind": "catalogue", "file": good, "code": "nist-csf-2.0", "name": "NIST CSF 2.0"},
    )
    assert response.status_code == 302
    assert (
        Control.objects.filter(framework__code="nist-csf-2.0", withdrawn=False).count()
        == CSF_SUBCATEGORIES
    )
    wrong = SimpleUploadedFile("csf.json", (DATA / "nist-csf-2.0.json").read_bytes())
    response = client.post(reverse("isms:framework_import"), {"kind": "mapping", "file": wrong})
    assert "Not a mapping file" in response.content.decode()


def test_control_browser_search_and_filters(iso, security_manager, auditor, client_as):
    implementation = ControlImplementation.objects.get(control__identifier="8.24")
    services.control_implementation_update(
        implementation=implementation,
        user=security_manager,
        data={"applicable": True, "status": "implemented"},
    )
    client = client_as(auditor)
    url = reverse("isms:framework_detail", args=[iso.code])

    def ids(**query):
        return [c.identifier for c in client.get(url, query).context["page"]]

    assert ids(q="cryptography") == ["8.24"]
    assert len(ids(theme="people")) == 8
    assert ids(status="implemented") == ["8.24"]
    assert ids(applicability="yes") == ["8.24"]
    assert len(ids(applicability="undecided")) == 50  # first page of 92
    assert client.get(url, {"applicability": "undecided"}).context["page"].paginator.count == 92


def test_workspace_shows_progress(iso, security_manager, client_as):
    services.control_implementation_update(
        implementation=ControlImplementation.objects.get(control__identifier="5.1"),
        user=security_manager,
        data={"applicable": True},
    )
    response = client_as(security_manager).get(reverse("isms:soa"))
    progress = response.context["progress"]
    assert (progress.controls, progress.decided, progress.undecided) == (
        ISO_CONTROLS,
        1,
        ISO_CONTROLS - 1,
    )
    # Exactly what refuses freezing: 92 undecided, 5.1 applicable without a reason.
    assert progress.to_fix == ISO_CONTROLS
    assert progress.blocker_counts == [
        ("no applicability decision", 92),
        ("applicable without a reason for inclusion", 1),
    ]
    assert "5.1 Policies for information security: applicable without a reason for" in (
        response.content.decode()
    )


def test_list_pages_run_a_constant_number_of_queries(
    iso, soa, security_manager, client_as, django_assert_max_num_queries, risk_provider
):
    risk_provider({c.pk: [f"R-{c.pk:03}"] for c in iso.controls.all()})
    client = client_as(security_manager)
    for url in [
        reverse("isms:framework_list"),
        reverse("isms:framework_detail", args=[iso.code]),
        reverse("isms:soa"),
        reverse("isms:soa_detail", args=[soa.number]),
        reverse("isms:control_detail", args=[iso.controls.first().pk]),
        reverse("isms:soa_bulk_edit") + "?theme=organizational",
    ]:
        # The workspace builds the rows a freeze would take, providers included, to count
        # exactly what blocks freezing: a few queries more, still constant.
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_dashboard_steps_7_and_9(iso, security_manager, client_as):
    response = client_as(security_manager).get(reverse("dashboard"))
    states = {step.number: state for step, state in response.context["steps"]}
    assert states[7].status == "done"
    assert "SoA built on ISO/IEC 27001:2022 Annex A" in states[7].summary
    assert states[9].status == "in_progress"
    assert f"{ISO_CONTROLS} controls: no applicability decision" in states[9].missing
