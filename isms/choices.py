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
