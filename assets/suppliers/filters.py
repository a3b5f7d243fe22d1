"""The FilterSets of the supplier register, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assets.suppliers.choices import AssessmentStatus, Conclusion, DataClassification
from assets.suppliers.models import Assessment, Supplier
from isms.filters import BaseFilterSet


class SupplierFilterSet(BaseFilterSet):
    """Classification of the data shared, AWS or not, and a search in name and services."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    data_classification = django_filters.ChoiceFilter(choices=DataClassification.choices)
    is_aws = django_filters.BooleanFilter(label=_("AWS"))

    class Meta:
        model = Supplier
        fields = ["data_classification", "is_aws"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(asset__name__icontains=value) | Q(services_provided__icontains=value)
        )


class AssessmentFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)
    conclusion = django_filters.ChoiceFilter(choices=Conclusion.choices)

    class Meta:
        model = Assessment
        fields = ["supplier", "status", "conclusion"]
