"""Filter sets of the asset inventory: one per model, shared by the list page and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.catalogue import SERVICES
from assets.choices import AssetCategory, AssetClass, ResponsibilityLayer
from assets.models import Asset, AwsService
from isms.filters import BaseFilterSet
from isms.models import User
from isms.pagination import SortKey

# Sort parameter -> (model path, may be NULL). Each column has an index on (column, id)
# (see Asset.Meta.indexes) except owner, which sorts through the user table.
SORTS = {
    "ref": ("ref", False),
    "name": ("name", False),
    "asset_class": ("asset_class", False),
    "category": ("category", False),
    "owner": ("owner__username", True),
    "business_unit": ("business_unit", False),
    "value_usd": ("value_usd", False),
    "value_at_stake_usd": ("value_at_stake_usd", False),
    "next_review_date": ("next_review_date", True),
}
DEFAULT_SORT = SortKey("ref")


class AssetFilterSet(BaseFilterSet):
    """Search, class, category, owner, business unit, AWS service, value ranges, overdue
    review and sorting; `?ordering=-value_at_stake_usd` sorts by value at stake."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    asset_class = django_filters.ChoiceFilter(choices=AssetClass.choices, label=_("Class"))
    category = django_filters.ChoiceFilter(choices=AssetCategory.choices)
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.filter(is_active=True))
    business_unit = django_filters.CharFilter(lookup_expr="iexact", label=_("Business unit"))
    # Choices from the shipped catalogue, not a query: the list page stays within budget.
    aws_service = django_filters.ChoiceFilter(
        field_name="aws_services__code",
        choices=sorted(((code, name) for code, name, *_ in SERVICES), key=lambda c: c[1]),
        label=_("AWS service"),
    )
    tag = django_filters.CharFilter(method="filter_tag", label=_("Tag"))
    value_min = django_filters.NumberFilter(
        field_name="value_usd", lookup_expr="gte", label=_("Value from ($)")
    )
    value_max = django_filters.NumberFilter(
        field_name="value_usd", lookup_expr="lte", label=_("Value to ($)")
    )
    at_stake_min = django_filters.NumberFilter(
        field_name="value_at_stake_usd", lookup_expr="gte", label=_("At stake from ($)")
    )
    at_stake_max = django_filters.NumberFilter(
        field_name="value_at_stake_usd", lookup_expr="lte", label=_("At stake to ($)")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))
    ordering = django_filters.OrderingFilter(
        fields=tuple((path, name) for name, (path, _nullable) in SORTS.items()),
        label=_("Sort by"),
        method="sort",
    )

    class Meta:
        model = Asset
        fields = ["asset_class", "category", "owner", "business_unit"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ref__icontains=value)
            | Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(business_unit__icontains=value)
            | Q(location__icontains=value)
        )

    def filter_tag(self, queryset, name, value):
        # Tags are a JSON list of strings: match one whole, quoted label.
        return queryset.filter(tags__icontains=f'"{value.strip().lower()}"')

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        if value:
            return queryset.filter(next_review_date__lt=today)
        return queryset.filter(Q(next_review_date__gte=today) | Q(next_review_date__isnull=True))

    def sort(self, queryset, name, value):
        return queryset  # applied in `qs`, from sort_key(), so pages and cursors agree

    def sort_key(self) -> SortKey:
        """The one column the list is sorted by (the first of `ordering`; ref by
        default), with ties broken by id in the same direction: a stable order that
        keyset pagination can resume from."""
        self.form.is_valid()  # as FilterSet.qs does: the valid fields apply, even if some are not
        ordering = self.form.cleaned_data.get("ordering")
        if not ordering:
            return DEFAULT_SORT
        token = ordering[0]
        path, nullable = SORTS[token.lstrip("-")]
        return SortKey(path, descending=token.startswith("-"), nullable=nullable)

    @property
    def qs(self):
        return super().qs.order_by(*self.sort_key().order_by())


class AwsServiceFilterSet(BaseFilterSet):
    layer = django_filters.ChoiceFilter(choices=ResponsibilityLayer.choices)
    code = django_filters.CharFilter()

    class Meta:
        model = AwsService
        fields = ["layer", "code"]
