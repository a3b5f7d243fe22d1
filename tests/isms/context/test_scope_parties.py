"""The scope's hashed content covers its linked interested parties (issue 14): a draft
hashes them as they are; submitting freezes them, so that changing a linked party after
approval changes neither the approved hash nor what the version shows."""

import pytest

from isms import approvals
from isms.context import services
from isms.models import ApprovalRequest, Scope, ScopeVersion
from tests.factories import PASSWORD
from tests.isms.context.factories import make_party, make_requirement

pytestmark = pytest.mark.django_db


def _draft_with_party():
    version = ScopeVersion.objects.create(scope=Scope.objects.create(), number=1, description="x")
    party = make_party(name="AWS", kind="supplier")
    make_requirement(party=party, title="Shared responsibility model", kind="contractual")
    party.scope_versions.add(version)
    return version, party


def test_a_draft_hashes_its_linked_parties_as_they_are(security_manager):
    version, party = _draft_with_party()
    text = version.canonical_text()
    assert "- AWS [supplier]" in text and "Shared responsibility model" in text
    before = approvals.content_sha256(version)
    services.record_save(user=security_manager, model=type(party), data={"name": "AWS EMEA"},
                         instance=party)  # fmt: skip
    assert approvals.content_sha256(version) != before  # a draft follows its links


def test_an_approved_version_keeps_the_parties_it_was_approved_with(
    client_as, security_manager, manager
):
    version, party = _draft_with_party()
    request = approvals.approval_request_submit(obj=version, user=security_manager)
    assert "- AWS [supplier]" in request.content
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    version.refresh_from_db()
    assert version.approval_state == "approved"
    approved_hash = ApprovalRequest.objects.get(pk=request.pk).content_sha256
    assert approvals.content_sha256(version) == approved_hash

    # The party changes after approval: renamed, a requirement added, unlinked even.
    services.record_save(user=security_manager, model=type(party), data={"name": "AWS EMEA"},
                         instance=party)  # fmt: skip
    make_requirement(party=party, title="Data residency", kind="legal")
    party.scope_versions.remove(version)

    assert approvals.content_sha256(version) == approved_hash
    assert "AWS EMEA" not in version.canonical_text()
    page = client_as(security_manager).get(f"/scope/versions/{version.pk}/").content.decode()
    assert "- AWS [supplier]" in page and "AWS EMEA" not in page
    assert "Data residency" not in page


def test_a_version_approved_before_parties_were_linked_keeps_its_hash():
    version = ScopeVersion.objects.create(
        scope=Scope.objects.create(), number=1, description="x", approval_state="approved"
    )
    text = version.canonical_text()
    make_party().scope_versions.add(version)
    assert version.canonical_text() == text
