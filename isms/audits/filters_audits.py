"""The filter sets of the internal audit part, shared by its pages and its API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isms.audits.models import Audit, AuditProgramme, AuditStatus, ClauseRequirement
from isms.filters import BaseFilterSet


class ClauseFilterSet(BaseFilterSet):
    """Search the clauses; only those with mandatory documented information."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    mandatory = django_filters.BooleanFilter(
        method="mandatory_only", label=_("Mandatory documented information")
    )

    class Meta:
        model = ClauseRequirement
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(control__identifier__icontains=value) | Q(control__title__icontains=value)
        )

    def mandatory_only(self, queryset, name, value):
        if value:
            return queryset.exclude(documented_information="")
        return queryset.filter(documented_information="")


class AuditProgrammeFilterSet(BaseFilterSet):
    """Programmes by year."""

    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = AuditProgramme
        fields = ["year"]


class AuditFilterSet(BaseFilterSet):
    """Audits by search, status, programme year, auditor."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=AuditStatus.choices, label=_("Status"))
    year = django_filters.NumberFilter(field_name="programme__year", label=_("Year"))

    class Meta:
        model = Audit
        fields = ["status", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(scope__icontains=value))
