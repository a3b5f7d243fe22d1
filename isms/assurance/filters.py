"""Filter sets of control assurance (the API and any list page share them)."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.assurance.choices import Conclusion, ControlTestMethod, ResultStatus
from isms.assurance.models import ControlTest, ControlTestResult
from isms.choices import EVIDENCE_EXPIRING_DAYS, EvidenceState
from isms.filters import BaseFilterSet
from isms.models import Evidence, User


class ControlTestFilterSet(BaseFilterSet):
    """Tests by control (identifier, or implementation id as the SoA rows link), method,
    tester, due by a date, overdue, and the conclusion of the latest result ("none": never
    concluded)."""

    control = django_filters.CharFilter(
        field_name="implementation__control__identifier", label=_("Control")
    )
    method = django_filters.ChoiceFilter(choices=ControlTestMethod.choices, label=_("Method"))
    tester = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True).order_by("username"), label=_("Tester")
    )
    due_by = django_filters.DateFilter(
        field_name="next_due",
        lookup_expr="lte",
        label=_("Due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    last_conclusion = django_filters.ChoiceFilter(
        choices=[*Conclusion.choices, ("none", _("Never concluded"))],
        method="filter_last_conclusion",
        label=_("Last conclusion"),
    )

    class Meta:
        model = ControlTest
        fields = [
            "control",
            "implementation",
            "method",
            "tester",
            "active",
            "due_by",
            "overdue",
            "last_conclusion",
        ]

    def filter_overdue(self, queryset, name, value):
        lookup = {"next_due__lt": timezone.localdate()}
        return queryset.filter(**lookup) if value else queryset.exclude(**lookup)

    def filter_last_conclusion(self, queryset, name, value):
        from isms.assurance.selectors import last_done

        queryset = queryset.annotate(_last_conclusion=last_done("conclusion"))
        if value == "none":
            return queryset.filter(_last_conclusion__isnull=True)
        return queryset.filter(_last_conclusion=value)


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
