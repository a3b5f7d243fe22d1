"""Governance pages: role access, the journeys through forms, acknowledgements,
hostile Markdown, query counts."""

import re

import pytest
from django.urls import reverse

from isms import approvals
from isms.governance import services
from isms.governance.markdown import render_markdown
from isms.models import ApprovalRequest, AuditEvent, Policy, PolicyAcknowledgement, ScopeVersion
from isms.models.approvals import ApprovalState
from tests.factories import PASSWORD, UserFactory
from tests.isms.governance.factories import make_policy, make_version


@pytest.fixture
def published(security_manager, manager):
    policy = make_policy(security_manager, body="# Be careful\n\nLock your screen.")
    version = policy.versions.get()
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    services.policy_publish(version=version, user=security_manager)
    policy.refresh_from_db()
    return policy


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["security_manager", "manager", "auditor", "owner", "outsider"])
def test_every_signed_in_user_reads_and_acknowledges_published_policies(
    request, client_as, published, role
):
    user = request.getfixturevalue(role)
    client = client_as(user)
    page = client.get(reverse("isms:policy_read_list"))
    assert published.reference in page.content.decode()
    assert client.get(reverse("isms:policy_read", args=[published.pk])).status_code == 200
    response = client.post(reverse("isms:policy_acknowledge", args=[published.pk]))
    assert response.status_code == 302
    client.post(reverse("isms:policy_acknowledge", args=[published.pk]))  # idempotent
    assert PolicyAcknowledgement.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_policy_journey_through_the_pages(client_as, security_manager, manager):
    client = client_as(security_manager)
    response = client.post(
        reverse("isms:policy_create"),
        {
            "reference": "POL-10",
            "title": "Cryptography policy",
            "kind": "cryptography",
            "classification": "internal",
            "review_interval_months": 12,
        },
    )
    policy = Policy.objects.get(reference="POL-10")
    version = policy.versions.get()
    assert response["Location"] == reverse("isms:policy_version_edit", args=[version.pk])
    assert "TLS 1.2" in version.body  # started from the cryptography template
    client.post(
        reverse("isms:policy_version_edit", args=[version.pk]),
        {"body": "# Crypto\n\nUse TLS 1.3.", "change_summary": "Tightened"},
    )
    client.post(reverse("isms:policy_version_submit", args=[version.pk]), {"comment": "ok?"})
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.IN_REVIEW
    # Locked while in review: the edit page sends back to the version.
    assert client.get(reverse("isms:policy_version_edit", args=[version.pk])).status_code == 302

    approval = ApprovalRequest.objects.get()
    # The submitter sees why they cannot decide, and a forged POST is refused.
    page = client.get(reverse("isms:approval_detail", args=[approval.pk]))
    assert "Only management" in page.content.decode()

    client = client_as(manager)
    inbox = client.get(reverse("isms:approval_inbox"))
    assert "Cryptography policy" in inbox.content.decode()
    wrong = client.post(
        reverse("isms:approval_detail", args=[approval.pk]),
        {"decision": "approve", "password": "nope", "comment": ""},
    )
    assert wrong.status_code == 400
    assert "Incorrect password" in wrong.content.decode()
    ok = client.post(
        reverse("isms:approval_detail", args=[approval.pk]),
        {"decision": "approve", "password": PASSWORD, "comment": "Good"},
    )
    assert ok.status_code == 302
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.APPROVED
    # Approved: the edit form refuses, publication works.
    client = client_as(security_manager)
    client.post(reverse("isms:policy_version_edit", args=[version.pk]), {"body": "changed"})
    version.refresh_from_db()
    assert version.body == "# Crypto\n\nUse TLS 1.3."
    client.post(reverse("isms:policy_version_publish", args=[version.pk]))
    policy.refresh_from_db()
    assert policy.published_version == version


@pytest.mark.django_db
def test_a_submitter_with_both_roles_is_refused_on_the_page_and_logged(client_as, security_manager):
    from django.contrib.auth.models import Group

    from isms import roles

    both = UserFactory(username="both", role=roles.SECURITY_MANAGER)
    both.groups.add(Group.objects.get(name=roles.MANAGEMENT))
    version = make_version(both)
    approval = approvals.approval_request_submit(obj=version, user=both)
    response = client_as(both).post(
        reverse("isms:approval_detail", args=[approval.pk]),
        {"decision": "approve", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert "someone else must decide" in response.content.decode()
    assert AuditEvent.objects.filter(actor=both, message__startswith="Refused approve").exists()


@pytest.mark.django_db
def test_scope_journey_and_exclusion_justification(client_as, security_manager, manager):
    client = client_as(security_manager)
    response = client.post(reverse("isms:scope_version_new"))
    version = ScopeVersion.objects.get()
    assert response["Location"] == reverse("isms:scope_version_edit", args=[version.pk])
    bad = client.post(
        reverse("isms:scope_version_edit", args=[version.pk]),
        {"description": "Platform", "exclusions": "Dev account"},
    )
    assert bad.status_code == 400
    assert "Line 1" in bad.content.decode()
    client.post(
        reverse("isms:scope_version_edit", args=[version.pk]),
        {"description": "Platform", "exclusions": "Dev account | synthetic data only"},
    )
    version.refresh_from_db()
    assert version.exclusions == [{"item": "Dev account", "justification": "synthetic data only"}]
    client.post(reverse("isms:scope_version_submit", args=[version.pk]))
    approval = ApprovalRequest.objects.get()
    assert "synthetic data only" in approval.content
    approvals.approval_request_approve(request=approval, user=manager, password=PASSWORD)
    page = client.get(reverse("isms:scope"))
    assert "Version 1" in page.content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "The ISMS scope is approved." in dashboard


@pytest.mark.django_db
def test_acknowledgement_report_lists_who_has_and_has_not(client_as, published, auditor, outsider):
    services.policy_acknowledge(policy=published, user=outsider)
    client = client_as(auditor)
    url = reverse("isms:policy_acknowledgements", args=[published.pk])
    missing = client.get(url, {"show": "missing"}).content.decode()
    assert "auditor" in missing and "outsider" not in missing
    csv = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    lines = {line.split(",")[0]: line for line in csv.splitlines()[1:]}
    assert ",yes," in lines["outsider"]
    assert ",no," in lines["auditor"]
    # Like every list's export, it is in the audit trail.
    assert AuditEvent.objects.filter(
        action="export", message__startswith="Policy acknowledgements CSV"
    ).exists()


HOSTILE = """# Policy

<script>alert('x')</script>
<img src=x onerror="alert(1)">
[click](javascript:alert(1))
[data](data:text/html;base64,PHNjcmlwdD4=)
<a href="https://evil.example" onclick="steal()">link</a>
<iframe src="https://evil.example"></iframe>
[ok](https://example.com)
"""


def test_hostile_markdown_is_sanitised():
    html = str(render_markdown(HOSTILE))
    tags = re.findall(r"<[a-z][^>]*>", html.lower())  # real tags; escaped text is inert
    assert {re.match(r"<(\w+)", tag).group(1) for tag in tags} <= {"h1", "p", "a"}
    for tag in tags:
        assert not re.search(r"\son\w+\s*=", tag), tag
        assert "javascript:" not in tag and "data:" not in tag, tag
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in html
    assert "<h1>Policy</h1>" in html


@pytest.mark.django_db
def test_hostile_markdown_in_a_policy_page_is_inert(client_as, security_manager):
    version = make_version(security_manager, body=HOSTILE)
    body = (
        client_as(security_manager)
        .get(reverse("isms:policy_version_detail", args=[version.pk]))
        .content.decode()
    )
    assert "<script>alert" not in body
    assert 'href="javascript:' not in body


@pytest.mark.django_db
def test_policy_list_query_count_does_not_grow(
    client_as, security_manager, django_assert_max_num_queries
):
    for _ in range(15):
        make_policy(security_manager)
    client = client_as(security_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("isms:policy_list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_inbox_query_count_does_not_grow(
    client_as, security_manager, manager, django_assert_max_num_queries
):
    for _ in range(15):
        approvals.approval_request_submit(obj=make_version(security_manager), user=security_manager)
    client = client_as(manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("isms:approval_inbox"))
    assert response.content.decode().count("/approvals/") >= 15


@pytest.mark.django_db
def test_policy_diff_shows_both_sides(client_as, security_manager, published):
    version = services.policy_version_create(policy=published, user=security_manager)
    services.policy_version_update(
        version=version, user=security_manager, data={"body": "# Be careful\n\nLock it now."}
    )
    page = client_as(security_manager).get(reverse("isms:policy_version_diff", args=[version.pk]))
    text = page.content.decode()
    assert "Lock your screen." in text and "Lock it now." in text
    assert "diff-replace" in text


WRITE_ROUTES = [
    ("isms:scope_version_new", "scope"),
    ("isms:scope_review", "scope"),
    ("isms:policy_version_new", "policy"),
    ("isms:policy_review", "policy"),
    ("isms:policy_edit", "policy"),
    ("isms:policy_version_edit", "version"),
    ("isms:policy_version_submit", "version"),
    ("isms:policy_version_publish", "version"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "auditor", "owner", "outsider"])
def test_write_routes_refuse_roles_without_write_permission(
    request, client_as, security_manager, role
):
    policy = make_policy(security_manager)
    version = policy.versions.get()
    args = {"scope": [], "policy": [policy.pk], "version": [version.pk]}
    client = client_as(request.getfixturevalue(role))
    for name, kind in WRITE_ROUTES:
        response = client.post(reverse(name, args=args[kind]), {"body": "x", "title": "x"})
        assert response.status_code == 403, name
    version.refresh_from_db()
    assert version.approval_state == ApprovalState.DRAFT and version.body != "x"
    assert not ScopeVersion.objects.exists()
