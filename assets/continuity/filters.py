"""The FilterSets of the BIA and continuity plans, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assets.choices import AssetClass
from assets.continuity.choices import PlanStatus
from assets.continuity.models import ContinuityPlan, RecoveryObjective
from isms.filters import BaseFilterSet


class RecoveryObjectiveFilterSet(BaseFilterSet):
    """Search in the asset's reference and name; the asset's class; own or inherited."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    asset_class = django_filters.ChoiceFilter(
        field_name="asset__asset_class", choices=AssetClass.choices, label=_("Class")
    )
    own = django_filters.BooleanFilter(method="own_only", label=_("Set by the BIA"))

    class Meta:
        model = RecoveryObjective
        fields = ["asset_class"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(asset__ref__icontains=value) | Q(asset__name__icontains=value))

    def own_only(self, queryset, name, value):
        own = (
            Q(mtd_minutes__isnull=False)
            | Q(rto_minutes__isnull=False)
            | Q(rpo_minutes__isnull=False)
        )
        return queryset.filter(own) if value else queryset.exclude(own)


class ContinuityPlanFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = ContinuityPlan
        fields = ["status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(ref__icontains=value) | Q(title__icontains=value))
