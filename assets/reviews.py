"""The periodic review of assets, registered with the governance core's reviews
(`isms.governance.reviews`) in AssetsConfig.ready(): an asset is due on its
`next_review_date`; *Mark reviewed* on its page sets the next one."""

import datetime
from collections.abc import Iterable

from assets.models import Asset
from isms.governance.reviews import ReviewItem, security_managers


def asset_reviews(until: datetime.date) -> Iterable[ReviewItem]:
    """Assets whose next review is due on or before `until`; their owner is reminded
    (the security managers for an asset without an owner)."""
    managers = None
    for asset in Asset.objects.filter(next_review_date__lte=until).select_related("owner"):
        if asset.owner is None and managers is None:
            managers = list(security_managers())
        yield ReviewItem(
            obj=asset,
            kind="Asset",
            title=str(asset),
            due=asset.next_review_date,
            owners=[asset.owner] if asset.owner else managers,
            url=asset.get_absolute_url(),
        )
