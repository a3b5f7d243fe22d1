"""Who may do what with assets: the model permissions of the roles, plus the asset
owner's right to keep their own assets current (isms/roles.py gives owners no role).

Views, the API and other apps (risks, the AWS connector) use these helpers, so the
rule lives in one place.
"""

from assets.models import Asset, AwsResource, AwsResourceLink, Finding
from isms import ownership


def can_view_assets(user) -> bool:
    """Whether `user` sees the inventory at all (every role; owners see their own)."""
    if not user.is_authenticated:
        return False
    return user.has_perm("assets.view_asset") or user.owned_assets.exists()


def visible_assets(user, queryset=None):
    """The assets `user` may read: all of them with a role, else those they own."""
    queryset = Asset.objects.all() if queryset is None else queryset
    if user.has_perm("assets.view_asset"):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(owner=user)


def visible_resources(user, queryset=None):
    """The AWS resources `user` may read: all of them for the roles that read the AWS
    inventory, else those linked to an asset they may see."""
    queryset = AwsResource.objects.all() if queryset is None else queryset
    if user.has_perm("assets.view_awsresource"):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(pk__in=_linked_resources(visible_assets(user)))


def can_view_findings(user) -> bool:
    """Whether `user` reads the security findings (and the estate-wide check results
    made of them): the roles do; an owner without a role does not."""
    return user.has_perm("assets.view_finding")


def visible_findings(user, queryset=None):
    """The security findings `user` may read: all of them or none (can_view_findings)."""
    queryset = Finding.objects.all() if queryset is None else queryset
    return queryset if can_view_findings(user) else queryset.none()


def _linked_resources(assets):
    return AwsResourceLink.objects.filter(asset__in=assets).values("resource_id")


def shown_asset_ids(user, ids: list[int]) -> list[int]:
    """The ids among `ids` of the assets `user` may see, in order: what an API answer
    shows of a record's related assets (no query for the roles, which see them all)."""
    if not ids or user.has_perm("assets.view_asset"):
        return ids
    shown = set(visible_assets(user, Asset.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    return [pk for pk in ids if pk in shown]


def hidden_dependencies(user, asset: Asset) -> list[Asset]:
    """The dependencies of `asset` that `user` may not see. An edit of the dependencies
    replaces only those the editor sees (and was shown): these stay as they are."""
    if asset.pk is None or user.has_perm("assets.view_asset"):
        return []
    return list(asset.depends_on.exclude(pk__in=visible_assets(user).values("pk")))


def can_view_asset(user, asset: Asset) -> bool:
    return user.is_authenticated and (
        user.has_perm("assets.view_asset") or asset.owner_id == user.pk
    )


def can_create_asset(user) -> bool:
    return user.has_perm("assets.add_asset")


def can_edit_asset(user, asset: Asset) -> bool:
    """Security managers edit every asset; an asset's owner edits their own."""
    return user.is_authenticated and (
        user.has_perm("assets.change_asset")
        or (asset.owner_id is not None and asset.owner_id == user.pk)
    )


def can_reassign_asset(user, asset: Asset) -> bool:
    """Changing the owner is for security managers: an owner cannot hand an asset away
    (the one ownership-transfer rule, isms.ownership)."""
    return ownership.may_transfer(user, asset)


def can_delete_asset(user, asset: Asset) -> bool:
    return user.has_perm("assets.delete_asset")


def can_bulk_edit_assets(user) -> bool:
    return user.has_perm("assets.change_asset")


def can_import_assets(user) -> bool:
    return user.has_perm("assets.add_asset") and user.has_perm("assets.change_asset")


def can_export_assets(user) -> bool:
    return user.has_perm("assets.export_asset")
