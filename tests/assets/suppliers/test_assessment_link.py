"""The public assessment link: answers once, until it expires, nothing else reachable,
CSRF-protected and rate-limited; then scoring, conclusion and findings raised as risks."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assets.suppliers import services
from assets.suppliers.models import Assessment, hash_token

pytestmark = pytest.mark.django_db

CONTENT = {
    "sections": [
        {
            "title": "Basics",
            "questions": [
                {"id": "enc", "text": "Encrypted?", "type": "yes_no", "weight": 3},
                {"id": "mat", "text": "Maturity", "type": "scale", "weight": 2},
                {"id": "who", "text": "Who?", "type": "text", "weight": 0},
            ],
        }
    ]
}
ANSWERS = {"enc": "yes", "mat": "0", "who": "Alice, CISO"}


@pytest.fixture
def sent():
    cache.clear()  # the rate limit's counters
    supplier = services.supplier_create(user=None, data={}, name="Acme")
    questionnaire = services.questionnaire_save(
        user=None, data={"name": "Short", "content": CONTENT}
    )
    assessment, token = services.assessment_send(
        supplier=supplier, questionnaire=questionnaire, user=None, contact_email="a@acme.test"
    )
    return assessment, token, reverse("supplier_answer", args=[token])


def test_the_token_is_stored_only_as_its_hash(sent):
    assessment, token, _ = sent
    assessment.refresh_from_db()
    assert assessment.token_hash == hash_token(token) != token
    assert token not in str(Assessment.objects.values().get())


def test_it_answers_once_and_scores(sent, client):
    assessment, token, url = sent
    page = client.get(url)
    assert page.status_code == 200 and "Encrypted?" in page.text
    assert client.post(url, ANSWERS).status_code == 200
    assessment.refresh_from_db()
    assert assessment.status == "answered" and assessment.token_hash is None
    assert assessment.score == 60  # 3 of 5 weighted points
    again = client.post(url, {**ANSWERS, "enc": "no"})
    assert again.status_code == 410 and "Encrypted" not in again.text
    assert client.get(url).status_code == 410
    assessment.refresh_from_db()
    assert assessment.answers["enc"] == "yes"


def test_an_expired_or_unknown_link_answers_410_and_reveals_nothing(sent, client):
    assessment, token, url = sent
    Assessment.objects.filter(pk=assessment.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = client.get(url)
    unknown = client.get(reverse("supplier_answer", args=["x" * 43]))
    assert expired.status_code == unknown.status_code == 410
    assert expired.content == unknown.content
    assert "Acme" not in expired.text
    assert client.post(url, ANSWERS).status_code == 410


def test_an_unanswered_assessment_expires_with_its_link_once(sent, client):
    from assets.suppliers import tasks
    from isms.models import AuditEvent

    assessment, token, url = sent
    assert services.assessments_expire() == []  # the link is still open
    Assessment.objects.filter(pk=assessment.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    tasks.assessments_expire()  # the daily beat task
    assessment.refresh_from_db()
    assert assessment.status == "expired"
    assert AuditEvent.objects.filter(object_id=str(assessment.pk), changes__has_key="status")
    assert services.assessments_expire() == []  # once
    assert client.get(url).status_code == 410


def test_invalid_answers_save_nothing(sent, client):
    assessment, token, url = sent
    response = client.post(url, {"enc": "maybe", "mat": "9"})
    assert response.status_code == 400 and "Answer yes or no." in response.text
    assessment.refresh_from_db()
    assert assessment.answers == {} and assessment.token_hash


def test_nothing_else_is_reachable_with_the_link(sent, client):
    _, _, url = sent
    client.get(url)
    for name in ("dashboard", "suppliers:supplier_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/supplier-assessments/").status_code == 401


def test_answers_need_the_csrf_token(sent):
    _, _, url = sent
    client = Client(enforce_csrf_checks=True)
    assert client.post(url, ANSWERS).status_code == 403
    page = client.get(url)
    csrf = page.cookies["csrftoken"].value
    assert client.post(url, {**ANSWERS, "csrfmiddlewaretoken": csrf}).status_code == 200


def test_it_is_rate_limited_per_ip(sent, client, settings):
    settings.SUPPLIER_LINK_RATE_LIMIT = 3
    _, _, url = sent
    bad = reverse("supplier_answer", args=["guess"])
    assert [client.get(bad).status_code for _ in range(3)] == [410] * 3
    assert client.get(url).status_code == 429


def test_conclusion_and_a_finding_raised_as_a_risk(
    sent, client, client_as, security_manager, manager
):
    from tests.risks.factories import approved_methodology

    approved_methodology(author=security_manager, approver=manager)
    assessment, token, url = sent
    api = client_as(security_manager)
    base = f"/api/supplier-assessments/{assessment.pk}/"
    early = api.post(
        base + "conclude/", {"conclusion": "acceptable"}, content_type="application/json"
    )
    assert early.status_code == 400
    client.post(url, ANSWERS)
    done = api.post(
        base + "conclude/",
        {"conclusion": "conditions", "notes": "Improve maturity"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "concluded"
    finding = api.post(
        base + "findings/", {"title": "No access reviews"}, content_type="application/json"
    ).json()
    raised = api.post(
        base + "raise/",
        {"finding": finding["id"], "follow_up": "risk"},
        content_type="application/json",
    )
    assert raised.status_code == 201, raised.json()
    from risks.models import Risk

    risk = Risk.objects.get(pk=raised.json()["raised_id"])
    assert list(risk.assets.all()) == [assessment.supplier.asset]
    nc = api.post(
        base + "raise/",
        {"finding": finding["id"], "follow_up": "nonconformity"},
        content_type="application/json",
    )
    assert nc.status_code == 400


def test_sending_through_the_api_shows_the_link_once(client_as, security_manager):
    api = client_as(security_manager)
    supplier = services.supplier_create(user=None, data={}, name="Beta")
    sent = api.post(
        "/api/supplier-assessments/",
        {
            "supplier": supplier.pk,
            "questionnaire": services.questionnaire_shipped().pk,
            "contact_email": "b@beta.test",
        },
        content_type="application/json",
    )
    assert sent.status_code == 201
    link = sent.json()["link"]
    assert "/supplier-answer/" in link
    again = api.get(f"/api/supplier-assessments/{sent.json()['id']}/").json()
    assert again["link"] is None


def test_sending_from_the_supplier_page_shows_the_link_once(client_as, security_manager):
    supplier = services.supplier_create(user=None, data={}, name="Gamma")
    client = client_as(security_manager)
    page = client.post(
        reverse("suppliers:assessment_send", args=[supplier.pk]),
        {"questionnaire": services.questionnaire_shipped().pk, "contact_email": "c@gamma.test"},
        follow=True,
    )
    assert "/supplier-answer/" in page.text
    again = client.get(reverse("suppliers:supplier_detail", args=[supplier.pk]))
    assert "/supplier-answer/" not in again.text and "SA-001" in again.text


def test_a_backup_never_carries_a_live_link(sent, tmp_path):
    from isms import backup

    _, token, _ = sent
    path = tmp_path / "backup.json"
    backup.isms_export(path=path)
    assert hash_token(token) not in path.read_text()
