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
