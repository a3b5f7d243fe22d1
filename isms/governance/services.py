"""Services of the governance documents: scope, policies, publication, acknowledgements
and reviews. Submitting and deciding live in `isms.approvals`, shared by every app.

Each service runs in one transaction, acts as the given user for the audit trail and
records what it changed.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isms import audit, numbering
from isms.approvals import ApprovalConflict, ensure_editable
from isms.governance.policy_templates import template_for
from isms.models import Policy, PolicyAcknowledgement, PolicyVersion, Scope, ScopeVersion
from isms.models.approvals import EDITABLE_STATES, ApprovalState
from isms.models.audit import AuditAction
from isms.models.governance import add_months

SCOPE_FIELDS = (
    "description",
    "boundaries",
    "business_units",
    "locations",
    "processes",
    "essential_assets",
    "aws_accounts",
    "aws_regions",
    "exclusions",
    "dependencies",
    "change_summary",
)
POLICY_FIELDS = ("reference", "title", "kind", "owner", "classification", "review_interval_months")


def _apply(obj, data: dict, fields) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


# --- Scope ---------------------------------------------------------------------------------


def scope_get() -> Scope:
    """The installation's one ISMS scope record (created on first use)."""
    scope = Scope.objects.order_by("pk").first()
    return scope or Scope.objects.create()


def _open_version(queryset):
    return queryset.filter(approval_state__in=[*EDITABLE_STATES, ApprovalState.IN_REVIEW]).first()


@audit.acts_as_user
@transaction.atomic
def scope_version_create(*, user, data: dict | None = None) -> ScopeVersion:
    """Start a new scope version: a copy of the latest version (or `data`), as a draft.

    Only one version is open (draft, in review or sent back) at a time.
    """
    scope = Scope.objects.select_for_update().get(pk=scope_get().pk)
    existing = _open_version(scope.versions.all())
    if existing is not None:
        raise ApprovalConflict(f"{existing} is still open; finish it first.")
    latest = scope.versions.order_by("-number").first()
    version = ScopeVersion(scope=scope, created_by=user)
    if latest is not None:
        _apply(version, {f: getattr(latest, f) for f in SCOPE_FIELDS}, SCOPE_FIELDS)
        version.change_summary = ""
    _apply(version, data or {}, SCOPE_FIELDS)
    version.number = numbering.next_number(
        scope.versions.all(), sequence=f"isms.scopeversion:{scope.pk}"
    )
    version.save()
    if latest is not None:
        # Interested parties are records of the context register (issue 14), linked to
        # each version; a new version starts with the links of the one it copies.
        version.interested_party_links.set(latest.interested_party_links.all())
    audit.record_created(version)
    return version


@audit.acts_as_user
@transaction.atomic
def scope_version_update(*, version: ScopeVersion, user, data: dict) -> ScopeVersion:
    """Change a draft scope version (refused once submitted or approved)."""
    version = ScopeVersion.objects.select_for_update().get(pk=version.pk)
    ensure_editable(version)
    before = audit.snapshot(version)
    _apply(version, data, SCOPE_FIELDS)
    version.save()
    audit.record_change(version, before)
    return version


def scope_on_submitted(version: ScopeVersion, request) -> None:
    """Submission callback: the registered sections (linked interested parties) keep the
    content that was hashed, so the version in review and once approved shows it."""
    from isms.governance import scope_sections

    scope_sections.freeze_all(version)


def scope_on_approved(version: ScopeVersion, request) -> None:
    """Approval callback: the scope's next review falls due one interval from now."""
    _review_reset(Scope.objects.select_for_update().get(pk=version.scope_id))


# --- Policies --------------------------------------------------------------------------------


@audit.acts_as_user
@transaction.atomic
def policy_create(*, user, data: dict, body: str | None = None) -> Policy:
    """Create a policy and its first draft version (from the kind's template if no body)."""
    policy = Policy()
    _apply(policy, data, POLICY_FIELDS)
    policy.full_clean()
    policy.save()
    audit.record_created(policy)
    if body is None:
        body = template_for(
            policy.kind, title=policy.title, organisation=settings.ORGANISATION_NAME
        )
    version = PolicyVersion.objects.create(
        policy=policy, number=1, body=body, change_summary="First version", created_by=user
    )
    audit.record_created(version)
    return policy


@audit.acts_as_user
@transaction.atomic
def policy_update(*, policy: Policy, user, data: dict) -> Policy:
    """Change a policy's details (title, owner, classification, review interval)."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before = audit.snapshot(policy)
    _apply(policy, data, POLICY_FIELDS)
    policy.full_clean()
    policy.save()
    audit.record_change(policy, before)
    return policy


@audit.acts_as_user
@transaction.atomic
def policy_version_create(*, policy: Policy, user) -> PolicyVersion:
    """Start the next version of a policy as a draft copy of its latest version."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    existing = _open_version(policy.versions.all())
    if existing is not None:
        raise ApprovalConflict(f"{existing} is still open; finish it first.")
    number = numbering.next_number(
        policy.versions.all(), sequence=f"isms.policyversion:{policy.pk}"
    )
    body = policy.versions.order_by("-number").values_list("body", flat=True).first() or ""
    version = PolicyVersion.objects.create(policy=policy, number=number, body=body, created_by=user)
    audit.record_created(version)
    return version


@audit.acts_as_user
@transaction.atomic
def policy_version_update(*, version: PolicyVersion, user, data: dict) -> PolicyVersion:
    """Change a draft policy version's text (refused once submitted or approved)."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    ensure_editable(version)
    before = audit.snapshot(version)
    _apply(version, data, ("body", "change_summary"))
    version.save()
    audit.record_change(version, before)
    return version


def policy_on_approved(version: PolicyVersion, request) -> None:
    """Approval callback: the policy's next review falls due one interval from now."""
    _review_reset(Policy.objects.select_for_update().get(pk=version.policy_id))


@audit.acts_as_user
@transaction.atomic
def policy_publish(*, version: PolicyVersion, user) -> Policy:
    """Publish the approved version of a policy: the one staff read and acknowledge."""
    policy = Policy.objects.select_for_update().get(pk=version.policy_id)
    version = PolicyVersion.objects.get(pk=version.pk)
    if version.approval_state != ApprovalState.APPROVED:
        raise ApprovalConflict("Only the approved version in force can be published.")
    if policy.published_version_id == version.pk:
        return policy
    before = audit.snapshot(policy)
    policy.published_version = version
    policy.published_at = timezone.now()
    policy.save(update_fields=["published_version", "published_at"])
    audit.record_change(policy, before, message=f"Published {version}")
    return policy


@audit.acts_as_user
@transaction.atomic
def policy_acknowledge(*, policy: Policy, user) -> PolicyAcknowledgement:
    """Record that `user` has read the published version of `policy` (idempotent)."""
    policy = Policy.objects.get(pk=policy.pk)
    if policy.published_version_id is None:
        raise ApprovalConflict("This policy has no published version to acknowledge.")
    ack, created = PolicyAcknowledgement.objects.get_or_create(
        version_id=policy.published_version_id, user=user
    )
    if created:
        audit.record(
            policy,
            AuditAction.OTHER,
            changes={"acknowledged_version": policy.published_version_id},
            message=f"{user} acknowledged {policy.published_version}",
        )
    return ack


# --- Reviews ---------------------------------------------------------------------------------


def _review_reset(document) -> None:
    before = audit.snapshot(document)
    now = timezone.now()
    document.last_reviewed_at = now
    document.next_review_due = add_months(now.date(), document.review_interval_months)
    document.save(update_fields=["last_reviewed_at", "next_review_due"])
    audit.record_change(document, before, message="Review date reset")


@audit.acts_as_user
@transaction.atomic
def document_review_complete(*, document: Scope | Policy, user) -> Scope | Policy:
    """Record that a scope or policy was reviewed and still holds; next review moves on."""
    document = type(document).objects.select_for_update().get(pk=document.pk)
    _review_reset(document)
    return document
