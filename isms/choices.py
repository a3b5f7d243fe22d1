"""Choices of the governance core (TextChoices), as NetBox keeps them: one module per app."""

from django.db import models


class ApprovalState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"
    REQUEST_CHANGES = "request_changes", "Changes requested"


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    SUBMIT = "submit", "Submitted"
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    IMPORT = "import", "Imported"
    SYNC = "sync", "Synchronised"
    OTHER = "other", "Other"


class FrameworkSource(models.TextChoices):
    CATALOGUE = "catalogue", "ISMS catalogue (JSON/YAML)"
    OSCAL = "oscal", "OSCAL catalog (JSON)"


class Classification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class PolicyKind(models.TextChoices):
    ISMS = "isms", "ISMS policy"
    ACCESS_CONTROL = "access_control", "Access control"
    CRYPTOGRAPHY = "cryptography", "Cryptography"
    BACKUP = "backup", "Backup"
    ACCEPTABLE_USE = "acceptable_use", "Acceptable use"
    SUPPLIER = "supplier", "Supplier security"
    OTHER = "other", "Other"


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PLANNED = "planned", "Planned"
    PARTIAL = "partial", "Partially implemented"
    IMPLEMENTED = "implemented", "Implemented"


class InclusionReason(models.TextChoices):
    RISK_TREATMENT = "risk_treatment", "Risk treatment"
    LEGAL = "legal", "Legal or regulatory requirement"
    CONTRACTUAL = "contractual", "Contractual obligation"
    BUSINESS = "business", "Business requirement or best practice"


class EvidenceKind(models.TextChoices):
    """What a piece of evidence is; each kind has a default validity (EVIDENCE_VALIDITY_DAYS)."""

    RECORD = "record", "Record or log extract"
    REPORT = "report", "Report"
    SCREENSHOT = "screenshot", "Screenshot or configuration export"
    CERTIFICATE = "certificate", "Certificate or attestation"
    DOCUMENT = "document", "Policy or procedure document"
    OTHER = "other", "Other"


# Default validity of evidence by kind, in days; a control's own validity overrides it.
EVIDENCE_VALIDITY_DAYS = {
    EvidenceKind.RECORD: 90,
    EvidenceKind.REPORT: 365,
    EvidenceKind.SCREENSHOT: 90,
    EvidenceKind.CERTIFICATE: 365,
    EvidenceKind.DOCUMENT: 365,
    EvidenceKind.OTHER: 365,
}
# Evidence expiring within this many days is "expiring" (and its owner is reminded).
EVIDENCE_EXPIRING_DAYS = 30


class EvidenceState(models.TextChoices):
    CURRENT = "current", "Current"
    EXPIRING = "expiring", "Expiring"
    EXPIRED = "expired", "Expired"
