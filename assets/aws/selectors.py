"""Read-side queries of the AWS connector shared by its views and template tags."""

from assets import permissions as asset_perms
from assets.models import AwsResource, AwsResourceLink

CANDIDATES_SHOWN = 50


def may_link(user, asset) -> bool:
    """Security managers link anything; an asset's owner links to their own asset the
    resources they may see (asset_perms.visible_resources)."""
    return user.has_perm("assets.add_awsresourcelink") or asset_perms.can_edit_asset(user, asset)


def may_link_any(user) -> bool:
    """Whether `user` links resources at all (a role that links, or an asset owner)."""
    return user.has_perm("assets.add_awsresourcelink") or user.owned_assets.exists()


def asset_panel(user, asset) -> dict:
    """What the asset page shows of AWS: the asset's resources (gone ones last, marked)
    and, for those who may link, the unlinked live resources of its services that
    they may see (an owner without a role: none, since unlinked resources are nobody's)."""
    resource_links = (
        AwsResourceLink.objects.filter(asset=asset)
        .select_related("resource__account", "resource__service", "rule")
        .order_by("resource__gone_since", "resource__service__code", "resource__name")
    )
    can_link = may_link(user, asset)
    services = list(asset.aws_services.all())
    candidates = []
    if can_link and services:
        candidates = list(
            asset_perms.visible_resources(user, AwsResource.objects.live())
            .filter(service__in=services, links__isnull=True)
            .select_related("service", "account")
            .order_by("service__code", "name")[:CANDIDATES_SHOWN]
        )
    return {
        "asset": asset,
        "links": list(resource_links),
        "services": services,
        "candidates": candidates,
        "can_link": can_link,
    }
