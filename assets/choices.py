"""Choices of the asset inventory."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetClass(models.TextChoices):
    """The two classes of assets: what the business values, and what supports it."""

    ESSENTIAL = "essential", _("Essential")
    SUPPORT = "support", _("Support")


class AssetCategory(models.TextChoices):
    """Each category belongs to exactly one class (see CLASS_OF_CATEGORY)."""

    BUSINESS_INFORMATION = "business_information", _("Business information")
    PROCESS = "process", _("Process")
    ACTIVITY = "activity", _("Activity")
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software")
    PERSONNEL = "personnel", _("Personnel")
    PARTNER_ORGANIZATION = "partner_organization", _("Partner organisation")


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

    LOW = 1, _("1 - Low")
    MEDIUM = 2, _("2 - Medium")
    HIGH = 3, _("3 - High")
    CRITICAL = 4, _("4 - Critical")


class ResponsibilityLayer(models.TextChoices):
    """The layers of the AWS shared responsibility model (see catalogue.py)."""

    INFRASTRUCTURE = "infrastructure", _("Infrastructure services")
    CONTAINER = "container", _("Container services")
    ABSTRACTED = "abstracted", _("Abstracted services")


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
    PRODUCTION = "production", _("Production")
    STAGING = "staging", _("Staging")
    DEVELOPMENT = "development", _("Development")
    TEST = "test", _("Test")
    SHARED_SERVICES = "shared_services", _("Shared services")
    SECURITY = "security", _("Security")


class AccountStrategy(models.TextChoices):
    """The account strategies of the seed notes: how this account fits the organisation."""

    SINGLE = "single", _("Single account")
    PER_ENVIRONMENT = "per_environment", _("One account per environment (prod, dev, test)")
    PER_BUSINESS_UNIT = "per_business_unit", _("One account per business unit or application")
    CENTRAL_SECURITY = "central_security", _("Central security account with member accounts")


class ConnectionStatus(models.TextChoices):
    UNTESTED = "untested", _("Not tested")
    OK = "ok", _("Connected")
    FAILED = "failed", _("Failed")


class SyncStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Partial")
    FAILED = "failed", _("Failed")


class SyncTrigger(models.TextChoices):
    MANUAL = "manual", _("Manual")
    SCHEDULED = "scheduled", _("Scheduled")


class PartitionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class LinkSource(models.TextChoices):
    MANUAL = "manual", _("By hand")
    TAG = "tag", _("isms:asset tag")
    RULE = "rule", _("Link rule")


class LinkRuleKind(models.TextChoices):
    TAG = "tag", _("Tag key and value")
    ARN = "arn", _("ARN pattern")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    MUTED = "muted", _("Muted")
    NOT_EVALUATED = "not_evaluated", _("Not evaluated")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    INFO = "info", _("Info")


class Threat(models.TextChoices):
    """The seed's threats to data at rest, plus network exposure and credential theft."""

    DISCLOSURE = "accidental_disclosure", _("Accidental information disclosure")
    INTEGRITY = "integrity_compromise", _("Data integrity compromise")
    DELETION = "accidental_deletion", _("Accidental deletion")
    AVAILABILITY = "loss_of_availability", _("Loss of availability")
    NETWORK = "network_exposure", _("Network exposure")
    CREDENTIALS = "credential_compromise", _("Credential compromise")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_EVALUATED = "not_evaluated", _("Not evaluated")


class ScopeDecision(models.TextChoices):
    """A finding's place against the approved ISMS scope, decided by a person when the
    finding is in an account or region that the scope does not list."""

    UNDECIDED = "", _("Not triaged")
    IN_SCOPE = "in_scope", _("In scope")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class MembershipStatus(models.TextChoices):
    """An account's standing in its organisation, as the last discovery saw it."""

    ACTIVE = "active", _("Active member")
    SUSPENDED = "suspended", _("Suspended or closed")
    REMOVED = "removed", _("Left the organisation")
