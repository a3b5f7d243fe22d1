"""The audit pack: one ZIP of the ISMS's mandatory documented information as it stands.

isms adds the approved scope, the approved policies and the approval records; other
apps add theirs (methodology, risk register, SoA) by registering a provider in their
`AppConfig.ready()`::

    from isms.governance import audit_pack

    audit_pack.register(risk_files)   # risk_files(user) -> Iterable[PackFile]

`manifest.txt` lists every file with its SHA-256 and size, so an auditor can prove
later that a file is the one handed over.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from isms import audit
from isms.exports import csv_bytes
from isms.models import ApprovalRequest, PolicyVersion, Scope, ScopeVersion
from isms.models.approvals import ApprovalState
from isms.models.audit import AuditAction
from isms.registry import Registry


@dataclass(frozen=True)
class PackFile:
    """One file of the pack: its path inside the ZIP, its bytes and what it is."""

    path: str
    content: bytes
    description: str = ""


# `provider(user) -> Iterable[PackFile]`; the pack holds their files in registration order.
providers: Registry[Callable, Callable[[object], Iterable[PackFile]]] = Registry(
    "audit pack providers"
)


def register(provider: Callable[[object], Iterable[PackFile]]) -> None:
    """Add a provider of pack files (see the module docstring)."""
    providers.register(provider)


def _approved_texts(model, ids) -> dict[int, str]:
    """{version id: the content exactly as approved} (the approval requests' snapshots)."""
    content_type = ContentType.objects.get_for_model(model)
    rows = (
        ApprovalRequest.objects.filter(
            content_type=content_type,
            object_id__in=list(ids),
            state__in=(ApprovalState.APPROVED, ApprovalState.SUPERSEDED),
        )
        .order_by("decided_at")
        .values_list("object_id", "content")
    )
    return dict(rows)  # the latest decision wins


def governance_files(user) -> Iterable[PackFile]:
    """The approved scope, the approved policies and every approval record."""
    scope = Scope.objects.order_by("pk").first()
    version = scope.current_version if scope else None
    if version is not None:
        text = _approved_texts(ScopeVersion, [version.pk]).get(version.pk, "")
        yield PackFile(
            f"01-scope/scope-v{version.number}.md",
            text.encode(),
            f"ISMS scope, version {version.number} (clause 4.3)",
        )
    versions = list(
        PolicyVersion.objects.filter(approval_state=ApprovalState.APPROVED)
        .select_related("policy")
        .order_by("policy__reference")
    )
    texts = _approved_texts(PolicyVersion, [v.pk for v in versions])
    for version in versions:
        yield PackFile(
            f"02-policies/{version.policy.reference}-v{version.number}.md",
            texts.get(version.pk, "").encode(),
            f"{version.policy} (clause 5.2 / Annex A 5.1)",
        )
    yield PackFile(
        "08-approvals/approval-records.csv",
        approval_records_csv(),
        "Every approval request and decision with the SHA-256 of the approved content",
    )


APPROVAL_HEADER = [
    "request",
    "type",
    "document",
    "state",
    "submitted by",
    "submitted at (UTC)",
    "decision",
    "decided by",
    "decided at (UTC)",
    "comment",
    "content SHA-256",
]


def approval_records_csv() -> bytes:
    requests = ApprovalRequest.objects.select_related(
        "content_type", "submitted_by"
    ).prefetch_related("decisions__decided_by")
    rows = []
    utc = "%Y-%m-%d %H:%M:%S"
    for request in requests.order_by("submitted_at", "pk"):
        base = [
            request.pk,
            request.content_type.name,
            request.title,
            request.get_state_display(),
            request.submitted_by.get_username(),
            request.submitted_at.astimezone(datetime.UTC).strftime(utc),
        ]
        decisions = list(request.decisions.all())
        if not decisions:
            rows.append([*base, "", "", "", "", request.content_sha256])
        for decision in decisions:
            rows.append(
                [
                    *base,
                    decision.get_decision_display(),
                    decision.decided_by.get_username(),
                    decision.decided_at.astimezone(datetime.UTC).strftime(utc),
                    decision.comment,
                    decision.content_sha256,
                ]
            )
    return csv_bytes(APPROVAL_HEADER, rows)


def _manifest(files: list[PackFile], generated_at, user) -> bytes:
    lines = [
        f"{settings.SITE_NAME} audit pack for {settings.ORGANISATION_NAME}",
        f"Generated {generated_at:%Y-%m-%d %H:%M:%S} UTC by {user.get_username()}",
        "",
        "SHA-256                                                           bytes  file",
    ]
    for item in files:
        digest = hashlib.sha256(item.content).hexdigest()
        lines.append(f"{digest}  {len(item.content):>9}  {item.path}")
        if item.description:
            lines.append(f"{'':64}  {'':>9}  ({item.description})")
    return ("\n".join(lines) + "\n").encode()


def audit_pack_build(*, user) -> tuple[str, bytes]:
    """Build the audit pack ZIP for `user` and record the download; (file name, bytes)."""
    generated_at = timezone.now().astimezone(datetime.UTC)
    files: list[PackFile] = []
    for provider in providers:
        files.extend(provider(user))
    manifest = _manifest(files, generated_at, user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.txt", manifest)
        for item in files:
            archive.writestr(item.path, item.content)
    data = buffer.getvalue()
    filename = f"audit-pack-{generated_at:%Y%m%d-%H%M%S}.zip"
    with audit.acting_as(user), transaction.atomic():
        audit.record(
            None,
            AuditAction.DOWNLOAD,
            changes={
                "file": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
                "files": [item.path for item in files],
            },
            message="Audit pack downloaded",
        )
    return filename, data
