"""Builders for governance tests: policies and versions in any workflow state."""

import hashlib

from django.contrib.contenttypes.models import ContentType

from isms.governance import services
from isms.models import ApprovalRequest, PolicyVersion
from isms.models.approvals import ApprovalState
from tests.factories import UserFactory

_counter = iter(range(1, 10_000))


def make_policy(author, *, body="# Access\n\nLeast privilege.", **data):
    number = next(_counter)
    data = {"reference": f"POL-{number:03}", "title": f"Policy {number}", **data}
    return services.policy_create(user=author, data=data, body=body)


def make_version(author, **kwargs) -> PolicyVersion:
    return make_policy(author, **kwargs).versions.get()


def force_state(version, state: str, *, submitter=None) -> ApprovalRequest | None:
    """Put `version` in `state` the way the workflow would have left it (for tables).

    Every state but draft has a request submitted by `submitter` in the matching state.
    """
    if state == ApprovalState.DRAFT:
        return None
    request = ApprovalRequest.objects.create(
        content_type=ContentType.objects.get_for_model(version),
        object_id=version.pk,
        title=str(version),
        submitted_by=submitter or UserFactory(),
        content=version.canonical_text(),
        content_sha256=hashlib.sha256(version.canonical_text().encode()).hexdigest(),
        state=state,
    )
    PolicyVersion.objects.filter(pk=version.pk).update(approval_state=state)
    version.refresh_from_db()
    return request
