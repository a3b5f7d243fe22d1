"""The nonconformity register wired into the rest of the product: raised from an AWS
finding, an incident's lessons learned and a supplier assessment finding; the API, the
pages, the dashboard figures, the reminders, the audit pack, the management-review
inputs and the measure "NC closure on time"."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assets.findings import services as findings_services
from assets.findings.nonconformities import finding_raise_nonconformity
from assets.models import Finding
from isms.audits import selectors_nonconformities as selectors
from isms.audits.models import Nonconformity
from isms.audits.review_inputs import inputs
from isms.audits.services import nonconformities as services
from isms.context.measures import providers as measure_providers
from isms.models import Control, Framework
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture
def clause(db):
    framework = Framework.objects.create(code="iso27001-2022-clauses", name="Clauses")
    return Control.objects.create(framework=framework, identifier="10.2", title="NC and CA")


@pytest.fixture
def finding(db):
    account = AwsAccountFactory(name="Production")
    sample_estate(account, AssetFactory(name="Customer database", value_usd=750_000))
    findings_services.findings_evaluate(account=account)
    return Finding.objects.filter(account=account, status="open").order_by("pk").first()


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def _verified(user, clause, **extra):
    nc = services.nonconformity_create(
        user=user,
        data={"title": "Backups untested", "severity": "minor", "requirement": clause,
              "root_cause": "No schedule", **extra},
    )  # fmt: skip
    action = services.action_add(
        nc=nc, user=user, data={"title": "Schedule tests", "owner": user, "due_on": TODAY()}
    )
    services.action_update(action=action, user=user, data={"status": "done"})
    services.effectiveness_check(
        nc=nc, user=user, data={"result": "effective", "notes": "Two tests passed"}
    )
    nc.refresh_from_db()
    return nc


# --- Raised from the other apps ------------------------------------------------------------------


def test_an_aws_finding_raises_one_nonconformity(finding, security_manager, client_as):
    nc = finding_raise_nonconformity(finding=finding, user=security_manager)
    assert nc.origin == "aws_finding" and nc.source_repr == str(finding)
    assert nc.requirement_id or nc.requirement_ref  # the controls the check evidences
    assert finding_raise_nonconformity(finding=finding, user=security_manager) == nc
    page = client_as(security_manager).post(
        reverse("assets:finding_raise_nonconformity", args=[finding.pk])
    )
    assert page.status_code == 302 and page.url == nc.get_absolute_url()
    api = _json(
        client_as(security_manager), "post", f"/api/findings/{finding.pk}/raise-nonconformity/"
    )
    assert api.status_code == 200 and api.json()["ref"] == nc.ref
    assert Nonconformity.objects.count() == 1


def test_the_api_raises_from_a_finding_with_201(finding, security_manager, client_as, auditor):
    assert (
        _json(
            client_as(auditor), "post", f"/api/findings/{finding.pk}/raise-nonconformity/"
        ).status_code
        == 403
    )
    api = _json(
        client_as(security_manager), "post", f"/api/findings/{finding.pk}/raise-nonconformity/"
    )
    assert api.status_code == 201, api.json()
    assert api.json()["source"]["type"] == "assets.finding"


def test_the_finding_page_offers_to_raise(finding, security_manager, auditor, client_as):
    url = reverse("assets:finding_detail", args=[finding.pk])
    assert 'id="raise-nonconformity"' in client_as(security_manager).get(url).text
    assert 'id="raise-nonconformity"' not in client_as(auditor).get(url).text


def test_an_incident_raises_a_nonconformity(security_manager):
    from risks.incidents import services as incident_services

    incident = incident_services.incident_report(
        user=security_manager, data={"title": "Laptop lost"}
    )
    incident = incident_services.incident_update(
        incident=incident, user=security_manager, data={"kind": "incident", "severity": 3}
    )
    nc = incident_services.incident_follow_up(
        incident=incident, user=security_manager, kind="nonconformity",
        data={"title": "Disk encryption not enforced", "description": "Found unencrypted"},
    )  # fmt: skip
    assert isinstance(nc, Nonconformity)
    assert (nc.origin, nc.severity) == ("incident", "major")  # a severe incident
    assert incident.ref in nc.requirement_ref and incident.ref in nc.description
    again = incident_services.incident_follow_up(
        incident=incident, user=security_manager, kind="nonconformity", data={"title": "Again"}
    )
    assert again == nc and Nonconformity.objects.count() == 1
    assert incident.entries.filter(kind="follow_up", text__contains=nc.ref).exists()


def test_a_supplier_finding_raises_a_nonconformity(security_manager):
    from assets.suppliers import services as supplier_services

    supplier = supplier_services.supplier_create(user=None, data={}, name="Acme")
    questionnaire = supplier_services.questionnaire_save(
        user=None,
        data={"name": "Q", "content": {"sections": [{"title": "S", "questions": [
            {"id": "a", "text": "A?", "type": "yes_no", "weight": 1}]}]}},
    )  # fmt: skip
    assessment, _token = supplier_services.assessment_send(
        supplier=supplier, questionnaire=questionnaire, user=None, contact_email="a@acme.test"
    )
    finding = supplier_services.assessment_finding_add(
        assessment=assessment, user=security_manager, data={"title": "No access reviews"}
    )
    nc = supplier_services.assessment_finding_raise(
        finding=finding, user=security_manager, kind="nonconformity"
    )
    assert (nc.origin, nc.severity, nc.title) == ("supplier", "minor", "No access reviews")
    assert "Acme" in nc.requirement_ref + nc.description
    finding.refresh_from_db()
    assert finding.raised_kind == "nonconformity" and finding.raised_id == str(nc.pk)


# --- API ---------------------------------------------------------------------------------------


def test_api_cycle_and_refusals(client_as, security_manager, manager, auditor, clause):
    api = client_as(security_manager)
    bad = _json(api, "post", "/api/nonconformities/", {"title": "Vague"})
    assert bad.status_code == 400 and {"severity", "requirement"} <= set(bad.json()["errors"])
    created = _json(
        api, "post", "/api/nonconformities/",
        {"title": "Logs not reviewed", "severity": "major", "requirement": clause.pk,
         "root_cause_whys": ["No owner", "No rota"]},
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    nc = created.json()
    url = f"/api/nonconformities/{nc['id']}/"
    assert nc["ref"] == "NC-001" and nc["version"] == 1
    assert _json(api, "patch", url, {"containment": "x"}).status_code == 400  # no version
    ok = _json(api, "patch", url, {"containment": "Reviewed by hand", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = _json(api, "patch", url, {"title": "Mine", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    early = _json(api, "post", url + "verify-effectiveness/", {"result": "effective", "notes": "x"})
    assert early.status_code == 400
    planned = {"title": "Assign an owner", "owner": security_manager.pk, "due_on": str(TODAY())}
    action = _json(api, "post", url + "actions/", planned)
    assert action.status_code == 201, action.json()
    done = _json(api, "patch", url + f"actions/{action.json()['id']}/", {"status": "done"})
    assert done.status_code == 200 and done.json()["done_on"] == str(timezone.localdate())
    closing = _json(api, "post", url + "close/")
    assert closing.status_code == 403  # major: Management's decision
    assert _json(client_as(manager), "post", url + "close/").status_code == 400  # not checked
    api = client_as(security_manager)  # one test client: sign the manager back in
    check = _json(api, "post", url + "verify-effectiveness/",
                  {"result": "effective", "notes": "A month of reviews sampled"})  # fmt: skip
    assert check.status_code == 201, check.json()
    assert _json(client_as(auditor), "post", url + "close/").status_code == 403
    closed = _json(client_as(manager), "post", url + "close/", {"comment": "Agreed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    read = client_as(auditor).get(url).json()
    assert read["effectiveness_checks"][0]["result"] == "effective"
    assert read["actions"][0]["status"] == "done"


def test_api_list_filters_and_query_budget(
    client_as, auditor, security_manager, clause, django_assert_max_num_queries
):
    for i in range(6):
        nc = services.nonconformity_create(
            user=security_manager,
            data={"title": f"NC {i}", "severity": "minor", "requirement": clause},
        )
        services.action_add(
            nc=nc, user=security_manager,
            data={"title": "Late", "owner": security_manager,
                  "due_on": TODAY() - datetime.timedelta(days=3)},
        )  # fmt: skip
    api = client_as(auditor)
    with django_assert_max_num_queries(14):
        listed = api.get("/api/nonconformities/?overdue=true")
    assert listed.status_code == 200 and listed.json()["count"] == 6


# --- Pages ----------------------------------------------------------------------------------------


def test_pages(client_as, security_manager, auditor, clause, django_assert_max_num_queries):
    nc = _verified(security_manager, clause)
    for i in range(5):
        services.nonconformity_create(
            user=security_manager,
            data={"title": f"Backups of {i} untested", "severity": "minor", "requirement": clause},
        )
    reader = client_as(auditor)
    with django_assert_max_num_queries(16):
        listed = reader.get(reverse("audits:nonconformity_list"))
    assert listed.status_code == 200 and nc.ref in listed.text
    detail = reader.get(nc.get_absolute_url())
    assert detail.status_code == 200 and "Two tests passed" in detail.text
    assert 'action="/audits/nonconformities/' not in detail.text  # an auditor only reads
    export = reader.get(reverse("audits:nonconformity_list") + "?export=xlsx")
    assert export.status_code == 200
    manager_page = client_as(security_manager).get(nc.get_absolute_url())
    assert "similar-candidates" in manager_page.text  # same requirement: look alike
    closed = client_as(security_manager).post(
        reverse("audits:nonconformity_close", args=[nc.pk]), {"comment": "ok"}
    )
    assert closed.status_code == 302
    nc.refresh_from_db()
    assert nc.status == "closed"


def test_the_form_shows_the_rule_and_saves_nothing(client_as, security_manager):
    page = client_as(security_manager).post(
        reverse("audits:nonconformity_create"), {"kind": "nonconformity", "title": "x",
                                                 "origin": "manual", "detected_on": str(TODAY())}
    )  # fmt: skip
    assert page.status_code == 200 and "major or minor" in page.text
    assert not Nonconformity.objects.exists()


def test_a_stale_edit_page_says_so(client_as, security_manager, clause):
    nc = services.nonconformity_create(
        user=security_manager, data={"title": "A", "severity": "minor", "requirement": clause}
    )
    services.nonconformity_update(
        nc=nc, user=security_manager, expected_version=1, data={"containment": "done"}
    )
    page = client_as(security_manager).post(
        reverse("audits:nonconformity_edit", args=[nc.pk]),
        {"title": "B", "origin": "manual", "severity": "minor", "requirement": clause.pk,
         "detected_on": str(TODAY()), "version": 1},
    )  # fmt: skip
    assert page.status_code == 200 and "changed by someone else" in page.text
    nc.refresh_from_db()
    assert nc.title == "A"


# --- Figures, reminders, audit pack, review inputs, measure --------------------------------------


def test_figures_reminders_and_pack(security_manager, auditor, clause):
    late = services.nonconformity_create(
        user=security_manager,
        data={"title": "Old", "severity": "major", "requirement": clause,
              "detected_on": TODAY() - datetime.timedelta(days=120)},
    )  # fmt: skip
    services.action_add(
        nc=late, user=security_manager,
        data={"title": "Overdue", "owner": security_manager,
              "due_on": TODAY() - datetime.timedelta(days=1)},
    )  # fmt: skip
    _verified(security_manager, clause)
    figures = {f["label"]: f["value"] for f in selectors.figures(auditor)}
    assert figures["Open nonconformities"] == 2
    assert figures["NC ageing (days open)"] == "1 · 0 · 1"
    assert figures["Overdue corrective actions"] == 1
    due = list(selectors.due_actions(TODAY()))
    assert [item.title for item in due] == [f"{late.ref}: Overdue"]
    assert due[0].owners == [security_manager]
    pack = list(selectors.audit_pack_files(auditor))
    sheet = openpyxl.load_workbook(io.BytesIO(pack[0].content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "ref" and {r[0] for r in rows[1:]} == {"NC-001", "NC-002"}


def test_review_inputs_match_the_data_in_constant_queries(security_manager, clause):
    def collect():
        with CaptureQueriesContext(connection) as ctx:
            result = inputs["nonconformities"].collect()
        return result, len(ctx.captured_queries)

    empty, queries = collect()
    assert empty["figures"][0]["value"] == 0
    for i in range(4):
        _verified(security_manager, clause, title=f"NC {i}")
    services.nonconformity_create(
        user=security_manager,
        data={"kind": "improvement", "title": "Automate", "requirement": clause},
    )
    full, more = collect()
    assert more == queries
    assert full["figures"][0]["value"] == 4  # open (verified, not closed yet)
    assert {r["ref"] for r in full["rows"]} == {"NC-001", "NC-002", "NC-003", "NC-004"}
    assert inputs["nonconformities"].clause == "9.3.2 d) 1)"
    # Closed since the last review: still listed (the review sees what was corrected).
    services.nonconformity_close(
        nc=Nonconformity.objects.get(ref="NC-001"), user=security_manager, comment="Effective."
    )
    after, same = collect()
    assert same == queries and after["figures"][0]["value"] == 3
    closed = {r["ref"]: r for r in after["rows"]}["NC-001"]
    assert closed["status"] == "Closed" and closed["closed_on"] == TODAY().isoformat()
    ofi = inputs["improvement"].collect()
    assert ofi["figures"][0]["value"] == 1 and ofi["rows"][0]["ref"] == "OFI-001"


def test_measure_nc_closure_on_time(security_manager, clause):
    measure = measure_providers["nc_closure_on_time"]
    assert measure.compute(TODAY()) is None  # nothing fell due
    on_time = _verified(security_manager, clause, due_on=TODAY())
    services.nonconformity_close(nc=on_time, user=security_manager)
    services.nonconformity_create(
        user=security_manager,
        data={"title": "Late", "severity": "minor", "requirement": clause, "due_on": TODAY(),
              "detected_on": TODAY() - datetime.timedelta(days=30)},
    )  # fmt: skip
    assert str(measure.compute(TODAY())) == "50.00"


def test_the_demo_acts_on_what_the_demo_audit_raised_once():
    from io import StringIO

    from isms.audits.demo import audits as audit_demo
    from isms.audits.demo import nonconformities as demo
    from isms.audits.models import AuditItem
    from isms.demo import frameworks, users

    out = StringIO()
    users.load(out)
    frameworks.load(out)
    audit_demo.load(out)
    demo.load(out)
    demo.load(out)
    by_ref = {nc.ref: nc for nc in Nonconformity.objects.all()}
    assert set(by_ref) == {"NC-001", "NC-002", "NC-003", "OFI-001"}
    # The audit's findings are in the register, linked to their checklist items.
    for ref, identifier in (("NC-001", "6.1.2"), ("NC-002", "8.13"), ("OFI-001", "9.2.2")):
        nc = by_ref[ref]
        assert nc.origin == "internal_audit" and nc.source_type.model_class() is AuditItem
        assert AuditItem.objects.get(pk=nc.source_id).requirement.identifier == identifier
    assert by_ref["NC-001"].status == "closed"
    assert by_ref["NC-001"].effectiveness_checks.get().result == "effective"
    assert by_ref["NC-002"].severity == "major" and by_ref["NC-002"].is_open
    assert any(a.overdue for a in by_ref["NC-002"].actions.all())
    assert by_ref["NC-003"].origin == "manual"
