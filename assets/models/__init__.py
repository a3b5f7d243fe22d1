"""Models of the asset inventory, one module per subdomain."""

from assets.models.inventory import Asset, AssetDependency, AwsService

__all__ = ["Asset", "AssetDependency", "AwsService"]

from assets.models.aws import (  # noqa: E402 - the AWS connector's models
    AwsAccount,
    AwsLinkRule,
    AwsOrganization,
    AwsResource,
    AwsResourceLink,
    SyncPartition,
    SyncRun,
)

__all__ += [
    "AwsAccount",
    "AwsLinkRule",
    "AwsOrganization",
    "AwsResource",
    "AwsResourceLink",
    "SyncPartition",
    "SyncRun",
]

from assets.models.findings import Finding, PostureSnapshot  # noqa: E402 - the security checks

__all__ += ["Finding", "PostureSnapshot"]
