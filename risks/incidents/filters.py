"""The one FilterSet of incidents, shared by the incident page and /api/incidents/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from isms.filters import BaseFilterSet
from risks.incidents.choices import (
    OPEN_STATUSES,
    IncidentCategory,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from risks.incidents.models import Incident


class IncidentFilterSet(BaseFilterSet):
    """Search, status, open or closed, kind, category, severity, asset."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    open = django_filters.BooleanFilter(method="open_only", label=_("Open"))
    kind = django_filters.ChoiceFilter(choices=IncidentKind.choices)
    category = django_filters.ChoiceFilter(choices=IncidentCategory.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    asset = django_filters.ModelChoiceFilter(
        field_name="assets", queryset=Asset.objects.all(), label=_("Asset")
    )

    class Meta:
        model = Incident
        fields = ["status", "kind", "category", "severity", "asset"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ref__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )

    def open_only(self, queryset, name, value):
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)
