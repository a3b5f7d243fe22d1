"""Input that must not be trusted as sent: redirect targets, request ids, control
characters in titles and names, spreadsheet cells that start with a line break."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from isms.exports import csv_bytes, safe_cell
from isms.frameworks.catalogue import CatalogueError, parse_catalogue
from isms.governance.notifications import notification_email_send, notify
from isms.models import Notification, Policy
from tests.risks.factories import approved_methodology

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    " //evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
@pytest.mark.parametrize(
    ("url_name", "back"),
    [("assets:asset_bulk_edit", "assets:asset_list"), ("risks:risk_bulk", "risks:risk_list")],
)
def test_bulk_edit_never_redirects_off_site(
    security_manager, manager, client_as, url_name, back, target
):
    approved_methodology(author=security_manager, approver=manager)
    response = client_as(security_manager).post(reverse(url_name), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse(back)


@pytest.mark.parametrize(
    ("url_name", "back"),
    [("assets:asset_bulk_edit", "assets:asset_list"), ("risks:risk_bulk", "risks:risk_list")],
)
def test_bulk_edit_returns_to_a_page_of_the_site(security_manager, client_as, url_name, back):
    target = reverse(back) + "?owner=me&page=2"
    response = client_as(security_manager).post(reverse(url_name), {"next": target})
    assert response["Location"] == target


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("3f2b9c4e8a1d4f6b9e0c7a5d2b1f8e3c", True),
        ("0b9e2c1a-7d4f-4a3e-9c8b-1f2e3d4c5b6a", True),
        ("abc", False),  # too short to be an id
        ("ａｂｃｄｅｆｇｈ１２", False),  # full-width letters pass str.isalnum()
        ("１２３４５６７８９", False),
        ("a" * 65, False),
        ("abc def ghi", False),
        ("../../etc/passwd", False),
    ],
)
def test_client_request_id_is_kept_only_when_plain(client_as, outsider, sent, kept):
    response = client_as(outsider).get("/", HTTP_X_REQUEST_ID=sent)
    answered = response["X-Request-ID"]
    assert (answered == sent) is kept
    assert answered.isascii() and 8 <= len(answered) <= 64


TITLES_WITH_CONTROLS = ["Crypto\npolicy", "Crypto\rpolicy", "Crypto\tpolicy", "A\x1bB", "A\u2028B"]


@pytest.mark.parametrize("title", TITLES_WITH_CONTROLS)
def test_policy_page_refuses_control_characters_in_the_title(security_manager, client_as, title):
    response = client_as(security_manager).post(
        reverse("isms:policy_create"),
        {
            "reference": "POL-77",
            "title": title,
            "kind": "cryptography",
            "classification": "internal",
            "review_interval_months": 12,
        },
    )
    assert response.status_code in (200, 400)
    assert "without line breaks" in response.content.decode()
    assert not Policy.objects.exists()


@pytest.mark.parametrize("title", TITLES_WITH_CONTROLS)
@pytest.mark.parametrize(
    ("url", "field", "payload"),
    [
        ("/api/policies/", "title", {"reference": "POL-20", "kind": "backup", "body": "x"}),
        ("/api/assets/", "name", {"asset_class": "essential", "category": "process"}),
        ("/api/threats/", "name", {}),
    ],
)
def test_api_refuses_control_characters_in_titles_and_names(
    security_manager, client_as, url, field, payload, title
):
    response = client_as(security_manager).post(
        url, {**payload, field: title}, content_type="application/json"
    )
    assert response.status_code == 400, response.json()
    assert field in str(response.json())


def test_a_stored_title_with_a_line_break_still_sends_its_e_mail(security_manager):
    security_manager.email = "sm@example.com"
    security_manager.save()
    (row,) = notify(users=[security_manager], subject="Approval requested: Crypto\npolicy")
    assert Notification.objects.get(pk=row.pk).subject == "Approval requested: Crypto policy"
    assert notification_email_send(notification_id=row.pk) is True
    assert mail.outbox[-1].subject.endswith("Approval requested: Crypto policy")


@pytest.mark.parametrize("text", ["\n=1+2", "\nplain", " \n-x"])
def test_cells_starting_with_a_line_break_are_neutralised(text):
    assert safe_cell(text) == "'" + text
    assert csv_bytes(["h"], [[text]]).decode("utf-8-sig").splitlines()[1].startswith("\"'")


@pytest.mark.parametrize("title", TITLES_WITH_CONTROLS)
def test_catalogue_titles_must_be_one_line(title):
    document = {
        "format": "isms-catalogue/1",
        "framework": {"code": "x", "name": "X"},
        "groups": [{"id": "G", "title": "Group"}],
        "controls": [{"id": "C-1", "title": title, "group": "G"}],
    }
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(json.dumps(document), "x.json")
    assert "Control 'C-1': the title must be one line." in refused.value.problems
