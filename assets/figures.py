"""Key figures the asset inventory contributes to the dashboard."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from assets.permissions import can_view_assets, visible_assets


def dashboard_figures(user) -> list[dict]:
    """Total value at stake (every asset's own value, each counted once), the number of
    assets and of overdue reviews, over the assets `user` may see (an owner without a
    role: their own)."""
    if not can_view_assets(user):
        return []
    today = timezone.localdate()
    totals = visible_assets(user).aggregate(
        value=Sum("value_usd"),
        count=Count("id"),
        overdue=Count("id", filter=Q(next_review_date__lt=today)),
    )
    url = reverse("assets:asset_list")
    return [
        {"label": "Value at stake", "value": f"${totals['value'] or 0:,.0f}", "url": url},
        {"label": "Assets", "value": totals["count"], "url": url},
        {
            "label": "Asset reviews overdue",
            "value": totals["overdue"],
            "url": f"{url}?overdue=true",
        },
    ]
