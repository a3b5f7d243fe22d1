"""Filter sets of control assurance (the API and any list page share them)."""

import datetime

import django_filters
from django.utils import timezone

from isms.assurance.choices import Conclusion, ControlTestMethod, ResultStatus
from isms.assurance.models import ControlTest, ControlTestResult
from isms.choices import EVIDENCE_EXPIRING_DAYS, EvidenceState
from isms.filters import BaseFilterSet
from isms.models import Evidence


class ControlTestFilterSet(BaseFilterSet):
    control = django_filters.CharFilter(field_name="implementation__control__identifier")
    method = django_filters.ChoiceFilter(choices=ControlTestMethod.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")

    class Meta:
        model = ControlTest
        fields = ["control", "method", "tester", "active", "overdue"]

    def filter_overdue(self, queryset, name, value):
        lookup = {"next_due__lt": timezone.localdate()}
        return queryset.filter(**lookup) if value else queryset.exclude(**lookup)


class ControlTestResultFilterSet(BaseFilterSet):
    control = django_filters.CharFilter(field_name="test__implementation__control__identifier")
    status = django_filters.ChoiceFilter(choices=ResultStatus.choices)
    conclusion = django_filters.ChoiceFilter(choices=Conclusion.choices)

    class Meta:
        model = ControlTestResult
        fields = ["test", "control", "status", "conclusion", "tester"]


class EvidenceFilterSet(BaseFilterSet):
    control = django_filters.CharFilter(field_name="implementation__control__identifier")
    state = django_filters.ChoiceFilter(choices=EvidenceState.choices, method="filter_state")

    class Meta:
        model = Evidence
        fields = ["control", "kind", "state"]

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=EVIDENCE_EXPIRING_DAYS)
        if value == EvidenceState.EXPIRED:
            return queryset.filter(valid_until__lt=today)
        if value == EvidenceState.EXPIRING:
            return queryset.filter(valid_until__gte=today, valid_until__lte=soon)
        return queryset.exclude(valid_until__lte=soon)
