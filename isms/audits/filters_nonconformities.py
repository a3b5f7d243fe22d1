"""The one FilterSet of the nonconformity register, shared by its page and
/api/nonconformities/."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.audits.models.nonconformities import (
    OPEN_ACTION_STATUSES,
    OPEN_NC_STATUSES,
    CorrectiveAction,
    NcSeverity,
    NcStatus,
    Nonconformity,
    NonconformityKind,
    Origin,
)
from isms.filters import BaseFilterSet


class NonconformityFilterSet(BaseFilterSet):
    """Search, kind, status, open or closed, origin, severity, with overdue actions."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=NonconformityKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=NcStatus.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="open_only", label=_("Open"))
    origin = django_filters.ChoiceFilter(choices=Origin.choices, label=_("Origin"))
    severity = django_filters.ChoiceFilter(choices=NcSeverity.choices, label=_("Severity"))
    overdue = django_filters.BooleanFilter(method="with_overdue", label=_("Overdue actions"))
    sort = django_filters.OrderingFilter(
        fields=(("detected_on", "detected_on"), ("number", "number"), ("due_on", "due_on")),
        label=_("Sort"),
    )

    class Meta:
        model = Nonconformity
        fields = ["kind", "status", "origin", "severity"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ref__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(requirement_ref__icontains=value)
            | Q(requirement__identifier__iexact=value)
        )

    def open_only(self, queryset, name, value):
        if value:
            return queryset.filter(status__in=OPEN_NC_STATUSES)
        return queryset.exclude(status__in=OPEN_NC_STATUSES)

    def with_overdue(self, queryset, name, value):
        late = CorrectiveAction.objects.filter(
            nonconformity=OuterRef("pk"),
            status__in=OPEN_ACTION_STATUSES,
            due_on__lt=timezone.localdate(),
        )
        queryset = queryset.filter(status__in=OPEN_NC_STATUSES) if value else queryset
        return queryset.filter(Exists(late)) if value else queryset.exclude(Exists(late))
