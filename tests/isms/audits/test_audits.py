"""Internal audit: the clauses 4-10 catalogue, programmes, audits and their checklist,
independence, conclusions with evidence, completion, the approved and frozen report,
the pages, the API and what is registered (dashboard, reviews, pack, review input)."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from isms import approvals
from isms.audits import providers_audits
from isms.audits.models import (
    Audit,
    AuditConclusion,
    AuditItem,
    AuditReport,
    AuditStatus,
    ClauseRequirement,
)
from isms.audits.review_inputs import inputs
from isms.audits.services import audits as services
from isms.models import Control, ControlImplementation, Framework
from isms.models.approvals import ApprovalState, ApprovedVersionFrozen
from tests.factories import PASSWORD, UserFactory

START = datetime.date(2026, 3, 2)
END = datetime.date(2026, 3, 4)


@pytest.fixture
def clauses(db):
    return services.clauses_load()


@pytest.fixture
def annex(db, owner):
    """A tiny SoA framework: control 5.15 implemented and owned by `owner`."""
    framework = Framework.objects.create(
        code="iso-test", name="Annex A test", selected=True, soa_basis=True
    )
    control = Control.objects.create(
        framework=framework, identifier="5.15", title="Access control", sort_order=1
    )
    ControlImplementation.objects.create(control=control, applicable=True, owner=owner)
    return framework


@pytest.fixture
def lead(db):
    return UserFactory(username="lead-auditor")


@pytest.fixture
def programme(security_manager):
    return services.programme_save(
        user=security_manager, year=2026, title="Internal audits 2026",
        objectives="Check conformity", scope="The whole ISMS", frequency="Yearly",
    )  # fmt: skip


def clause(identifier):
    return Control.objects.get(framework__code=services.CLAUSES_CODE, identifier=identifier)


def plan(user, programme, auditors, criteria, **extra):
    return services.audit_create(
        user=user, programme=programme, title="ISMS core", planned_start=START,
        planned_end=END, auditors=auditors, criteria=criteria, **extra,
    )  # fmt: skip


def link(item, user):
    return services.evidence_add(user=user, item=item, title="Record", url="https://e.example/1")


# --- Clauses ------------------------------------------------------------------------------


def test_clauses_load_as_a_framework_that_is_not_an_soa_basis(clauses):
    assert clauses.code == services.CLAUSES_CODE
    assert not clauses.selected and not clauses.soa_basis
    identifiers = set(clauses.controls.values_list("identifier", flat=True))
    assert {"4.1", "4.3", "6.1.2(c)", "9.2.2", "9.3.2(d)(3)", "10.2(g)"} <= identifiers
    # Lettered items hang under their clause.
    assert clause("6.1.2(c)").parent == clause("6.1.2")
    assert clause("9.3.2(d)(3)").parent == clause("9.3.2(d)")
    # The amendment's climate sentence is in 4.1 and 4.2, in our words.
    assert "climate" in clause("4.1").description
    assert "climate" in clause("4.2").description
    marks = ClauseRequirement.objects.get(control__identifier="4.3")
    assert marks.mandatory and marks.held_in == "isms:scope"
    assert not ClauseRequirement.objects.get(control__identifier="4.4").mandatory
    assert ClauseRequirement.objects.count() == clauses.controls.count()


def test_clauses_load_is_idempotent(clauses):
    count = ClauseRequirement.objects.count()
    again = services.clauses_load()
    assert again.pk == clauses.pk
    assert ClauseRequirement.objects.count() == count
    assert Framework.objects.filter(code=services.CLAUSES_CODE).count() == 1


def test_every_mandatory_document_is_held_somewhere(clauses):
    missing = ClauseRequirement.objects.exclude(documented_information="").filter(held_in="")
    assert list(missing) == []


def test_clause_page_lists_marks_and_links(
    clauses, client_as, auditor, django_assert_max_num_queries
):
    client = client_as(auditor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audits:clause_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "6.1.2(c)" in body and "The scope of the ISMS" in body
    assert f'href="{reverse("isms:scope")}"' in body
    filtered = client.get(reverse("audits:clause_list"), {"mandatory": "true"}).content.decode()
    assert "4.3" in filtered and "4.4" not in filtered


# --- Programmes and audits ----------------------------------------------------------------


def test_audit_references_follow_the_programme_year(clauses, programme, security_manager, lead):
    first = plan(security_manager, programme, [lead], [clause("4.3")])
    second = plan(security_manager, programme, [lead], [clause("4.1")])
    assert (first.reference, second.reference) == ("A-2026-01", "A-2026-02")
    assert first.status == AuditStatus.PLANNED


def test_checklist_is_generated_from_the_criteria(
    clauses, annex, programme, security_manager, lead
):
    audit = plan(security_manager, programme, [lead], [clause("9.2.2"), clause("4.3"),
                                                      annex.controls.get()])  # fmt: skip
    assert [i.requirement.identifier for i in audit.items.order_by("sort_order")] == [
        "5.15",
        "4.3",
        "9.2.2",
    ]  # the SoA framework's controls, then the clauses, each in catalogue order
    assert audit.items.get(requirement__identifier="4.3").question == clause("4.3").description
    # Adding a criterion adds its item; removing one removes its open item.
    services.audit_update(user=security_manager, audit_obj=audit, criteria=[clause("4.3"),
                          clause("4.1")])  # fmt: skip
    assert sorted(audit.items.values_list("requirement__identifier", flat=True)) == ["4.1", "4.3"]


def test_bad_dates_and_missing_people_are_refused_naming_the_rule(
    clauses, programme, security_manager, lead
):
    with pytest.raises(ValidationError) as exc:
        services.audit_create(user=security_manager, programme=programme, title="x",
                              planned_start=END, planned_end=START, auditors=[lead],
                              criteria=[clause("4.1")])  # fmt: skip
    assert "ends before it starts" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        plan(security_manager, programme, [], [clause("4.1")])
    assert "at least one auditor" in str(exc.value)
    assert not Audit.objects.exists()


def test_programme_year_is_unique_and_fixed_once_it_has_audits(
    clauses, programme, security_manager, lead
):
    with pytest.raises(ValidationError):
        services.programme_save(user=security_manager, year=2026, title="Again",
                                objectives="o", scope="s")  # fmt: skip
    plan(security_manager, programme, [lead], [clause("4.1")])
    with pytest.raises(ValidationError) as exc:
        services.programme_save(user=security_manager, programme=programme, year=2027)
    assert "year" in exc.value.message_dict


# --- Independence -------------------------------------------------------------------------


def test_nobody_audits_a_control_they_own(clauses, annex, programme, security_manager, owner, lead):
    control = annex.controls.get()
    with pytest.raises(ValidationError) as exc:
        plan(security_manager, programme, [owner], [control])
    message = " ".join(exc.value.message_dict["auditors"])
    assert "Independence (9.2.2 b))" in message and "owner" in message and "5.15" in message
    assert not Audit.objects.exists()
    # Changing the plan to add the owner is refused the same way.
    audit = plan(security_manager, programme, [lead], [control])
    with pytest.raises(ValidationError):
        services.audit_update(user=security_manager, audit_obj=audit, auditors=[lead, owner])
    assert list(audit.auditors.all()) == [lead]


def test_nobody_audits_themselves_as_auditee(clauses, programme, security_manager, lead):
    with pytest.raises(ValidationError) as exc:
        plan(security_manager, programme, [lead], [clause("7.2")], auditees=[lead])
    assert "auditee" in str(exc.value)


def test_independence_providers_from_other_apps_are_applied(
    clauses, programme, security_manager, lead
):
    def asset_owners(controls, user_ids):
        return [(lead.pk, "owns the asset of the audited process")]

    with services.independence_checks.override():
        services.independence_checks.register(asset_owners)
        with pytest.raises(ValidationError) as exc:
            plan(security_manager, programme, [lead], [clause("8.1")])
    assert "owns the asset" in str(exc.value)


# --- Conclusions --------------------------------------------------------------------------


@pytest.fixture
def audit(clauses, programme, security_manager, lead):
    return plan(security_manager, programme, [lead], [clause("4.3"), clause("6.1.2")])


def test_a_nonconformity_needs_evidence_and_findings(audit, lead):
    item = audit.items.get(requirement__identifier="6.1.2")
    with pytest.raises(ValidationError) as exc:
        services.item_conclude(user=lead, item=item, conclusion=AuditConclusion.NC_MAJOR,
                               findings="No risk criteria")  # fmt: skip
    assert "needs evidence" in str(exc.value)
    item.refresh_from_db()
    assert item.conclusion == ""
    link(item, lead)
    with pytest.raises(ValidationError) as exc:
        services.item_conclude(user=lead, item=item, conclusion=AuditConclusion.NC_MINOR)
    assert "findings" in exc.value.message_dict
    services.item_conclude(user=lead, item=item, conclusion=AuditConclusion.NC_MINOR,
                           findings="Criteria undated")  # fmt: skip
    item.refresh_from_db()
    assert item.is_nonconformity and item.concluded_by == lead
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS  # concluding starts the audit


def test_other_conclusions_need_no_evidence(audit, lead):
    item = audit.items.get(requirement__identifier="4.3")
    services.item_conclude(user=lead, item=item, conclusion=AuditConclusion.OBSERVATION,
                           findings="Scope could name the cloud regions")  # fmt: skip
    assert AuditItem.objects.get(pk=item.pk).conclusion == AuditConclusion.OBSERVATION


def test_only_an_auditor_of_the_audit_concludes(audit, security_manager):
    item = audit.items.first()
    with pytest.raises(PermissionDenied):
        services.item_conclude(user=security_manager, item=item,
                               conclusion=AuditConclusion.CONFORMING)  # fmt: skip
    with pytest.raises(PermissionDenied):
        link(item, security_manager)


def test_evidence_is_a_link_or_a_checked_file(audit, lead):
    item = audit.items.first()
    with pytest.raises(ValidationError):
        services.evidence_add(user=lead, item=item, title="Nothing")
    with pytest.raises(ValidationError):
        services.evidence_add(user=lead, item=item, title="Bad", upload=SimpleUploadedFile(
            "x.exe", b"MZ\x90\x00"))  # fmt: skip
    stored = services.evidence_add(user=lead, item=item, title="Minutes",
                                   upload=SimpleUploadedFile("m.txt", b"minutes\n"))  # fmt: skip
    assert stored.file.name.startswith(f"audit-evidence/{audit.pk}/")
    assert item.evidence.count() == 1


def conclude_all(audit, user):
    for item in audit.items.all():
        services.item_conclude(user=user, item=item, conclusion=AuditConclusion.CONFORMING)


def test_completion_needs_every_item_and_freezes_the_audit(audit, lead, security_manager):
    with pytest.raises(ValidationError) as exc:
        services.audit_complete(user=lead, audit_obj=audit, summary="Done")
    assert "4.3" in str(exc.value)
    conclude_all(audit, lead)
    with pytest.raises(ValidationError):
        services.audit_complete(user=lead, audit_obj=audit, summary=" ")
    done = services.audit_complete(user=lead, audit_obj=audit, summary="All conforming")
    assert done.status == AuditStatus.COMPLETED and done.completed_on
    with pytest.raises(ApprovedVersionFrozen):
        services.item_conclude(user=lead, item=audit.items.first(),
                               conclusion=AuditConclusion.OBSERVATION)  # fmt: skip
    with pytest.raises(ApprovedVersionFrozen):
        services.audit_update(user=security_manager, audit_obj=audit, title="Changed")


# --- Report -------------------------------------------------------------------------------


@pytest.fixture
def completed(audit, lead):
    conclude_all(audit, lead)
    return services.audit_complete(user=lead, audit_obj=audit, summary="All conforming")


def test_report_is_approved_hashed_and_frozen(completed, lead, security_manager, manager):
    report = services.report_create(user=lead, audit_obj=completed, conclusion="Conforming ISMS")
    assert report.version == 1 and report.content["reference"] == "A-2026-01"
    request = approvals.approval_request_submit(obj=report, user=security_manager)
    # An auditor of the audit wrote it: they may not approve it.
    assert lead.pk in approvals.editors_of(report)
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    report.refresh_from_db()
    assert report.approval_state == ApprovalState.APPROVED
    assert report.approved_sha256 == approvals.content_sha256(report)
    report.conclusion = "Rewritten"
    with pytest.raises(ApprovedVersionFrozen):
        report.save()
    # PostgreSQL refuses a raw change too.
    if connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            AuditReport.objects.filter(pk=report.pk).update(conclusion="Raw")


def test_report_needs_a_completed_audit_and_a_writer(audit, completed, outsider, lead):
    with pytest.raises(PermissionDenied):
        services.report_create(user=outsider, audit_obj=completed, conclusion="x")
    with pytest.raises(ValidationError):
        services.report_create(user=lead, audit_obj=completed, conclusion="")


def test_report_pdf(completed, lead, client_as, auditor):
    report = services.report_create(user=lead, audit_obj=completed, conclusion="Conforming ISMS")
    response = client_as(auditor).get(reverse("audits:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response).startswith(b"%PDF")


# --- Pages --------------------------------------------------------------------------------


def test_pages_list_and_show(audit, client_as, auditor, django_assert_max_num_queries):
    client = client_as(auditor)
    for name in ("audits:audit_list", "audits:programme_list"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
    body = client.get(reverse("audits:audit_detail", args=[audit.pk])).content.decode()
    assert "A-2026-01" in body and "6.1.2" in body
    assert (
        client.get(reverse("audits:programme_detail", args=[audit.programme_id])).status_code == 200
    )
    # Read only: no form to plan or edit.
    assert client.get(reverse("audits:audit_edit", args=[audit.pk])).status_code == 403
    assert client.get(reverse("audits:programme_create")).status_code == 403


def test_audit_list_query_count_does_not_grow(
    clauses, programme, security_manager, lead, client_as, auditor, django_assert_max_num_queries
):
    for _ in range(5):
        plan(security_manager, programme, [lead], [clause("4.1")])
    client = client_as(auditor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audits:audit_list"))
    assert response.content.decode().count("A-2026-0") == 5


def test_forms_plan_and_refuse_a_dependent_auditor(
    clauses, annex, programme, security_manager, owner, client_as
):
    client = client_as(security_manager)
    url = reverse("audits:audit_create", args=[programme.pk])
    control = annex.controls.get()
    data = {"title": "Access", "planned_start": "2026-05-01", "planned_end": "2026-05-02",
            "criteria": [control.pk], "auditors": [owner.pk]}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Independence (9.2.2 b))" in response.content.decode()
    assert not Audit.objects.exists()
    data["auditors"] = [security_manager.pk]
    response = client.post(url, data)
    audit = Audit.objects.get()
    assert response.status_code == 302 and audit.items.count() == 1


def test_programme_form_creates(security_manager, client_as):
    response = client_as(security_manager).post(
        reverse("audits:programme_create"),
        {"year": 2027, "title": "Audits 2027", "objectives": "o", "scope": "s"},
    )
    assert response.status_code == 302


def test_item_page_concludes_and_shows_the_rule(audit, lead, client_as):
    client = client_as(lead)
    item = audit.items.get(requirement__identifier="6.1.2")
    url = reverse("audits:item_conclude", args=[item.pk])
    response = client.post(url, {"conclusion": "nc_major", "findings": "No criteria"})
    assert response.status_code == 200 and "needs evidence" in response.content.decode()
    client.post(reverse("audits:evidence_add", args=[item.pk]),
                {"title": "Screenshot", "url": "https://e.example/2"})  # fmt: skip
    response = client.post(url, {"conclusion": "nc_major", "findings": "No criteria"})
    assert response.status_code == 302
    assert AuditItem.objects.get(pk=item.pk).conclusion == "nc_major"


def test_only_auditors_open_the_item_page(audit, client_as, security_manager):
    item = audit.items.first()
    response = client_as(security_manager).get(reverse("audits:item_conclude", args=[item.pk]))
    assert response.status_code == 403


# --- API ----------------------------------------------------------------------------------


def test_api_plans_concludes_and_answers_409_when_frozen(
    clauses, programme, security_manager, lead, client_as
):
    client = client_as(security_manager)
    created = client.post(
        "/api/audits/",
        {"programme": programme.pk, "title": "API audit", "planned_start": "2026-06-01",
         "planned_end": "2026-06-02", "criteria": [clause("4.3").pk], "auditors": [lead.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == "A-2026-01" and len(body["items"]) == 1
    audit_id, item_id = body["id"], body["items"][0]["id"]
    client = client_as(lead)
    refused = client.post(f"/api/audits/{audit_id}/conclude/",
                          {"item": item_id, "conclusion": "nc_minor", "findings": "x"},
                          content_type="application/json")  # fmt: skip
    # `lead` has no role: the API needs the view permission first.
    assert refused.status_code == 403
    from django.contrib.auth.models import Group

    lead.groups.add(Group.objects.get(name="Auditor"))
    refused = client.post(f"/api/audits/{audit_id}/conclude/",
                          {"item": item_id, "conclusion": "nc_minor", "findings": "x"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and "evidence" in json.dumps(refused.json()["errors"])
    ok = client.post(f"/api/audits/{audit_id}/evidence/",
                     {"item": item_id, "title": "Doc", "url": "https://e.example/3"},
                     content_type="application/json")  # fmt: skip
    assert ok.status_code == 200
    ok = client.post(f"/api/audits/{audit_id}/conclude/",
                     {"item": item_id, "conclusion": "nc_minor", "findings": "x"},
                     content_type="application/json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["items"][0]["conclusion"] == "nc_minor"
    done = client.post(f"/api/audits/{audit_id}/complete/", {"summary": "One NC"},
                       content_type="application/json")  # fmt: skip
    assert done.json()["status"] == "completed"
    frozen = client.post(f"/api/audits/{audit_id}/conclude/",
                         {"item": item_id, "conclusion": "conforming"},
                         content_type="application/json")  # fmt: skip
    assert frozen.status_code == 409 and frozen.json()["code"] == "frozen"
    report = client.post(f"/api/audits/{audit_id}/report/", {"conclusion": "One minor NC"},
                         content_type="application/json")  # fmt: skip
    assert report.status_code == 201 and report.json()["approval_state"] == "draft"


def test_api_independence_is_a_400(clauses, annex, programme, security_manager, owner, client_as):
    response = client_as(security_manager).post(
        "/api/audits/",
        {"programme": programme.pk, "title": "A", "planned_start": "2026-06-01",
         "planned_end": "2026-06-02", "criteria": [annex.controls.get().pk],
         "auditors": [owner.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "Independence" in " ".join(response.json()["errors"]["auditors"])


def test_api_programmes_and_list_budget(
    audit, client_as, auditor, security_manager, django_assert_max_num_queries
):
    client = client_as(auditor)
    with django_assert_max_num_queries(15):
        listed = client.get("/api/audits/")
    assert listed.status_code == 200 and listed.json()["results"][0]["items"]
    assert client.get("/api/audit-programmes/").json()["results"][0]["year"] == 2026
    assert (
        client.post("/api/audit-programmes/", {}, content_type="application/json").status_code
        == 403
    )
    created = client_as(security_manager).post(
        "/api/audit-programmes/",
        {"year": 2027, "title": "2027", "objectives": "o", "scope": "s"},
        content_type="application/json",
    )
    assert created.status_code == 201


# --- Registrations ------------------------------------------------------------------------


def test_dashboard_figures_review_input_and_pack(completed, lead, security_manager, manager):
    figures = providers_audits.dashboard_figures(manager)
    assert figures[0]["value"] == completed.completed_on.isoformat()
    assert providers_audits.dashboard_figures(UserFactory(username="nobody")) == []
    collect = inputs["audit_results"].collect
    with CaptureQueriesContext(connection) as queries:
        result = collect()
    json.dumps(result)
    assert len(queries) <= 4
    assert result["rows"][0]["audit"] == "A-2026-01"
    assert {"label": "Conforming", "value": 2} in result["figures"]
    report = services.report_create(user=lead, audit_obj=completed, conclusion="Fine")
    request = approvals.approval_request_submit(obj=report, user=security_manager)
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    files = {f.path: f for f in providers_audits.pack_files(manager)}
    assert "09-performance/audit-reports/A-2026-01-v1.pdf" in files
    assert b"A-2026-01" in files["09-performance/internal-audit-programmes.csv"].content


def test_programme_review_reminder(programme, security_manager):
    services.programme_save(
        user=security_manager,
        programme=programme,
        next_review=datetime.date(2026, 1, 10),
        owner=security_manager,
    )
    due = list(providers_audits.programme_reviews(datetime.date(2026, 2, 1)))
    assert [d.obj for d in due] == [programme] and due[0].owners == [security_manager]
    assert list(providers_audits.programme_reviews(datetime.date(2025, 12, 1))) == []


def test_the_approver_reads_the_report_in_the_inbox(
    completed, lead, security_manager, manager, client_as
):
    report = services.report_create(user=lead, audit_obj=completed, conclusion="Conforming ISMS")
    request = approvals.approval_request_submit(obj=report, user=security_manager)
    response = client_as(manager).get(reverse("isms:approval_detail", args=[request.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A-2026-01" in body and "Conforming ISMS" in body and "6.1.2" in body
