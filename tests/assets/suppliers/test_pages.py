"""The supplier pages: questionnaire templates (list, detail, create and edit their
sections and questions as an outline, JSON import and export), and the reviewer's page
of an answered assessment (scores per section, conclusion, findings raised as risks)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.suppliers import services
from assets.suppliers.models import Assessment, Questionnaire
from risks.models import Risk

pytestmark = pytest.mark.django_db

CONTENT = {
    "sections": [
        {
            "title": "Encryption",
            "questions": [
                {"id": "enc", "text": "Data encrypted at rest?", "type": "yes_no", "weight": 3},
                {"id": "keys", "text": "Key management maturity", "type": "scale", "weight": 2},
            ],
        },
        {
            "title": "People",
            "questions": [
                {"id": "mfa", "text": "MFA for all staff?", "type": "yes_no", "weight": 1},
                {"id": "who", "text": "Security contact", "type": "text", "weight": 0},
            ],
        },
    ]
}
OUTLINE = """# Encryption
enc | yes_no | 3 | Data encrypted at rest?
keys | scale | 2 | Key management maturity

# People
mfa | yes_no | 1 | MFA for all staff?
who | text | 0 | Security contact"""


@pytest.fixture
def questionnaire():
    return services.questionnaire_save(
        user=None, data={"name": "Cloud vendors", "description": "Short", "content": CONTENT}
    )


@pytest.fixture
def answered(questionnaire, security_manager, manager):
    from tests.risks.factories import approved_methodology

    approved_methodology(author=security_manager, approver=manager)  # risks need one
    supplier = services.supplier_create(user=None, data={}, name="Acme Cloud")
    assessment, token = services.assessment_send(
        supplier=supplier, questionnaire=questionnaire, user=None, contact_email="a@acme.test"
    )
    services.assessment_answer(
        token=token,
        answers={"enc": "yes", "keys": "0", "mfa": "no", "who": "Bob", "mfa__comment": "2027"},
    )
    return Assessment.objects.get(pk=assessment.pk)


def test_the_outline_round_trips_the_content(questionnaire):
    assert services.questionnaire_outline(CONTENT) == OUTLINE
    assert services.outline_content(OUTLINE) == CONTENT


def test_creating_a_questionnaire_from_the_outline(security_manager, client_as):
    client = client_as(security_manager)
    assert client.get(reverse("suppliers:questionnaire_create")).status_code == 200
    response = client.post(
        reverse("suppliers:questionnaire_create"),
        {"name": "Hosting", "description": "", "outline": OUTLINE},
    )
    created = Questionnaire.objects.get(name="Hosting")
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.content == CONTENT
    page = client.get(created.get_absolute_url())
    assert "Key management maturity" in page.text and "People" in page.text


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        ("enc | yes_no | 3 | Encrypted?", "Line 1: start with a section"),
        ("# S\nenc | yes_no | Encrypted?", "Line 2: expected id | type | weight | text."),
        ("# S\nenc | maybe | 3 | Encrypted?", "section 1, question 1: unknown answer type."),
        ("# S\nenc | yes_no | 11 | Encrypted?", "the weight is a whole number from 0 to 10"),
        ("# S\na | yes_no | 1 | A?\na | yes_no | 1 | B?", "a unique id is needed"),
    ],
)
def test_a_bad_outline_is_refused_naming_the_line_and_nothing_is_saved(
    security_manager, client_as, outline, message
):
    response = client_as(security_manager).post(
        reverse("suppliers:questionnaire_create"), {"name": "Broken", "outline": outline}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["outline"])
    assert not Questionnaire.objects.filter(name="Broken").exists()


def test_editing_keeps_what_the_assessments_were_sent_with(
    answered, questionnaire, security_manager, client_as
):
    client = client_as(security_manager)
    url = reverse("suppliers:questionnaire_edit", args=[questionnaire.pk])
    assert OUTLINE in client.get(url).text
    response = client.post(
        url, {"name": "Cloud vendors v2", "outline": OUTLINE + "\nnew | yes_no | 1 | Backups?"}
    )
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.name == "Cloud vendors v2"
    assert len(list(questionnaire.questions())) == 5
    answered.refresh_from_db()
    assert answered.content == CONTENT  # the frozen copy as sent
    # A name already taken is refused on its field.
    services.questionnaire_save(user=None, data={"name": "Other", "content": CONTENT})
    taken = client.post(url, {"name": "Other", "outline": OUTLINE})
    assert taken.status_code == 400 and taken.context["form"].errors["name"]


def test_export_then_import_from_the_pages(questionnaire, security_manager, client_as):
    client = client_as(security_manager)
    before = Questionnaire.objects.count()  # the shipped template is there too
    exported = client.get(reverse("suppliers:questionnaire_export", args=[questionnaire.pk]))
    assert exported["Content-Disposition"].startswith("attachment;")
    document = json.loads(exported.content)
    assert document["sections"] == CONTENT["sections"]
    document["name"] = "Cloud vendors (copy)"
    upload = SimpleUploadedFile("copy.json", json.dumps(document).encode(), "application/json")
    response = client.post(reverse("suppliers:questionnaire_import"), {"file": upload})
    copy = Questionnaire.objects.get(name="Cloud vendors (copy)")
    assert response.url == copy.get_absolute_url()
    assert copy.content == questionnaire.content
    # Unreadable or invalid: nothing imported, the reason shown on the list.
    for body in (b"{not json", json.dumps({"name": "X", "sections": []}).encode()):
        response = client.post(
            reverse("suppliers:questionnaire_import"),
            {"file": SimpleUploadedFile("bad.json", body)},
            follow=True,
        )
        assert "Nothing imported" in response.text
    assert Questionnaire.objects.count() == before + 1


def test_the_list_and_who_may_change_templates(
    questionnaire, auditor, outsider, client_as, django_assert_max_num_queries
):
    for n in range(15):
        services.questionnaire_save(user=None, data={"name": f"Q{n}", "content": CONTENT})
    client = client_as(auditor)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("suppliers:questionnaire_list"))
    assert page.status_code == 200 and "Cloud vendors" in page.text
    assert reverse("suppliers:questionnaire_import") not in page.text  # the auditor reads only
    assert client.get(reverse("suppliers:questionnaire_create")).status_code == 403
    assert client.post(reverse("suppliers:questionnaire_import"), {"file": ""}).status_code == 403
    assert client_as(outsider).get(reverse("suppliers:questionnaire_list")).status_code == 403


def test_the_reviewer_sees_scores_per_section_concludes_and_raises_a_risk(
    answered, security_manager, client_as
):
    client = client_as(security_manager)
    url = reverse("suppliers:assessment_detail", args=[answered.pk])
    page = client.get(url)
    sections = {s["title"]: s["score"] for s in page.context["sections"]}
    assert sections == {"Encryption": 60, "People": 0}  # 3 of 5 points; 0 of 1
    assert "2027" in page.text  # the supplier's comment
    # A finding, then a risk raised from it.
    response = client.post(
        reverse("suppliers:assessment_finding_add", args=[answered.pk]),
        {"title": "No MFA for staff", "description": "Planned for 2027"},
    )
    assert response.status_code == 302
    finding = answered.findings.get()
    response = client.post(
        reverse("suppliers:assessment_finding_raise", args=[answered.pk, finding.pk]),
        {"kind": "risk"},
    )
    finding.refresh_from_db()
    risk = Risk.objects.get(pk=finding.raised_id)
    assert finding.raised_kind == "risk" and response.url == risk.get_absolute_url()
    again = client.post(
        reverse("suppliers:assessment_finding_raise", args=[answered.pk, finding.pk]),
        {"kind": "risk"},
        follow=True,
    )
    assert "already raised" in again.text and Risk.objects.count() == 1
    # The conclusion: a bad choice is refused, then recorded.
    bad = client.post(
        reverse("suppliers:assessment_conclude", args=[answered.pk]), {"conclusion": "maybe"}
    )
    assert bad.status_code == 400
    client.post(
        reverse("suppliers:assessment_conclude", args=[answered.pk]),
        {"conclusion": "conditions", "notes": "MFA by Q1"},
    )
    answered.refresh_from_db()
    assert answered.status == "concluded" and answered.reviewer == security_manager
    # Concluding twice is refused with the rule, on the page.
    twice = client.post(
        reverse("suppliers:assessment_conclude", args=[answered.pk]), {"conclusion": "acceptable"}
    )
    assert twice.status_code == 400
    assert "Only an answered assessment can be concluded." in twice.text


def test_the_auditor_reads_the_review_but_changes_nothing(answered, auditor, client_as):
    client = client_as(auditor)
    url = reverse("suppliers:assessment_detail", args=[answered.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Record the conclusion" not in page.text
    conclude = reverse("suppliers:assessment_conclude", args=[answered.pk])
    assert client.post(conclude, {"conclusion": "acceptable"}).status_code == 403


def test_editing_a_supplier_overrides_its_criticality_only_with_a_reason(
    security_manager, client_as
):
    supplier = services.supplier_create(user=None, data={}, name="Acme Mail")
    client = client_as(security_manager)
    url = reverse("suppliers:supplier_edit", args=[supplier.pk])
    assert client.get(url).status_code == 200
    data = {"data_classification": "personal", "review_interval_days": 180}
    refused = client.post(url, {**data, "criticality_override": "critical"})
    assert refused.status_code == 400 and refused.context["form"].errors["criticality_reason"]
    supplier.refresh_from_db()
    assert supplier.criticality_override == "" and supplier.data_classification == "none"
    saved = client.post(
        url, {**data, "criticality_override": "critical", "criticality_reason": "Holds payroll"}
    )
    assert saved.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.criticality, supplier.data_classification) == ("critical", "personal")
    from django.contrib.contenttypes.models import ContentType

    from isms.models.audit import AuditEvent

    entry = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(supplier), object_id=str(supplier.pk)
        )
        .order_by("-pk")
        .first()
    )
    assert "criticality_override" in entry.changes


def test_the_list_of_every_assessment_filters_by_status(
    answered, questionnaire, auditor, client_as
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = services.supplier_create(user=None, data={}, name="Beta Hosting")
    sent, _token = services.assessment_send(
        supplier=other, questionnaire=questionnaire, user=None, contact_email="b@beta.test"
    )
    client = client_as(auditor)
    url = reverse("suppliers:assessment_list")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        return page, len(captured)

    page, few = queries()
    assert answered.ref in page and sent.ref in page and "Beta Hosting" in page
    for n in range(3):
        services.assessment_send(
            supplier=other, questionnaire=questionnaire, user=None, contact_email=f"{n}@beta.test"
        )
    _page, more = queries()
    assert more == few <= 16  # the page, not the rows, decides the queries
    page = client.get(url, {"status": "sent"}).content.decode()
    assert sent.ref in page and answered.ref not in page
    assert url in client.get(reverse("suppliers:supplier_list")).content.decode()
