"""Choices of the asset inventory."""

from django.db import models


class AssetClass(models.TextChoices):
    """The two classes of assets: what the business values, and what supports it."""

    ESSENTIAL = "essential", "Essential"
    SUPPORT = "support", "Support"


class AssetCategory(models.TextChoices):
    """Each category belongs to exactly one class (see CLASS_OF_CATEGORY)."""

    BUSINESS_INFORMATION = "business_information", "Business information"
    PROCESS = "process", "Process"
    ACTIVITY = "activity", "Activity"
    HARDWARE = "hardware", "Hardware"
    SOFTWARE = "software", "Software"
    PERSONNEL = "personnel", "Personnel"
    PARTNER_ORGANIZATION = "partner_organization", "Partner organisation"


CLASS_OF_CATEGORY = {
    AssetCategory.BUSINESS_INFORMATION: AssetClass.ESSENTIAL,
    AssetCategory.PROCESS: AssetClass.ESSENTIAL,
    AssetCategory.ACTIVITY: AssetClass.ESSENTIAL,
    AssetCategory.HARDWARE: AssetClass.SUPPORT,
    AssetCategory.SOFTWARE: AssetClass.SUPPORT,
    AssetCategory.PERSONNEL: AssetClass.SUPPORT,
    AssetCategory.PARTNER_ORGANIZATION: AssetClass.SUPPORT,
}


def categories_of(asset_class: str) -> list[str]:
    """The category values that belong to `asset_class`."""
    return [c.value for c, k in CLASS_OF_CATEGORY.items() if k == asset_class]


class SecurityNeed(models.IntegerChoices):
    """How much confidentiality, integrity or availability an asset needs."""

    LOW = 1, "1 - Low"
    MEDIUM = 2, "2 - Medium"
    HIGH = 3, "3 - High"
    CRITICAL = 4, "4 - Critical"


class ResponsibilityLayer(models.TextChoices):
    """The layers of the AWS shared responsibility model (see catalogue.py)."""

    INFRASTRUCTURE = "infrastructure", "Infrastructure services"
    CONTAINER = "container", "Container services"
    ABSTRACTED = "abstracted", "Abstracted services"


# Fields a caller may set through asset_create / asset_update.
EDITABLE_FIELDS = (
    "ref",
    "name",
    "description",
    "asset_class",
    "category",
    "value_usd",
    "owner",
    "confidentiality",
    "integrity",
    "availability",
    "business_unit",
    "location",
    "tags",
    "review_interval_days",
    "next_review_date",
)


class AwsEnvironment(models.TextChoices):
    PRODUCTION = "production", "Production"
    STAGING = "staging", "Staging"
    DEVELOPMENT = "development", "Development"
    TEST = "test", "Test"
    SHARED_SERVICES = "shared_services", "Shared services"
    SECURITY = "security", "Security"


class AccountStrategy(models.TextChoices):
    """The account strategies of the seed notes: how this account fits the organisation."""

    SINGLE = "single", "Single account"
    PER_ENVIRONMENT = "per_environment", "One account per environment (prod, dev, test)"
    PER_BUSINESS_UNIT = "per_business_unit", "One account per business unit or application"
    CENTRAL_SECURITY = "central_security", "Central security account with member accounts"


class ConnectionStatus(models.TextChoices):
    UNTESTED = "untested", "Not tested"
    OK = "ok", "Connected"
    FAILED = "failed", "Failed"


class SyncStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"


class SyncTrigger(models.TextChoices):
    MANUAL = "manual", "Manual"
    SCHEDULED = "scheduled", "Scheduled"


class PartitionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class LinkSource(models.TextChoices):
    MANUAL = "manual", "By hand"
    TAG = "tag", "isms:asset tag"
    RULE = "rule", "Link rule"


class LinkRuleKind(models.TextChoices):
    TAG = "tag", "Tag key and value"
    ARN = "arn", "ARN pattern"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    MUTED = "muted", "Muted"
    NOT_EVALUATED = "not_evaluated", "Not evaluated"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    INFO = "info", "Info"


class Threat(models.TextChoices):
    """The seed's threats to data at rest, plus network exposure and credential theft."""

    DISCLOSURE = "accidental_disclosure", "Accidental information disclosure"
    INTEGRITY = "integrity_compromise", "Data integrity compromise"
    DELETION = "accidental_deletion", "Accidental deletion"
    AVAILABILITY = "loss_of_availability", "Loss of availability"
    NETWORK = "network_exposure", "Network exposure"
    CREDENTIALS = "credential_compromise", "Credential compromise"


class Result(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    NOT_EVALUATED = "not_evaluated", "Not evaluated"


class ScopeDecision(models.TextChoices):
    """A finding's place against the approved ISMS scope, decided by a person when the
    finding is in an account or region that the scope does not list."""

    UNDECIDED = "", "Not triaged"
    IN_SCOPE = "in_scope", "In scope"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"


class MembershipStatus(models.TextChoices):
    """An account's standing in its organisation, as the last discovery saw it."""

    ACTIVE = "active", "Active member"
    SUSPENDED = "suspended", "Suspended or closed"
    REMOVED = "removed", "Left the organisation"
