"""Filter sets of frameworks, controls, implementations and SoAs: each is shared by its
list page and its API endpoint."""

import django_filters
from django.db.models import Q

from isms.filters import BaseFilterSet
from isms.models import Control, ControlImplementation, Framework, SoA
from isms.models.approvals import ApprovalState
from isms.models.soa import ImplementationStatus

APPLICABILITY = (("yes", "Applicable"), ("no", "Not applicable"), ("undecided", "Undecided"))


def _applicability(queryset, field, value):
    if value == "undecided":
        return queryset.filter(**{f"{field}__isnull": True})
    if value in ("yes", "no"):
        return queryset.filter(**{field: value == "yes"})
    return queryset


class FrameworkFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Framework
        fields = ["code", "selected", "soa_basis", "source_format"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class ControlFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    framework = django_filters.CharFilter(field_name="framework__code", label="Framework code")
    theme = django_filters.CharFilter(field_name="theme")
    status = django_filters.ChoiceFilter(
        field_name="implementation__status", choices=ImplementationStatus.choices
    )
    applicability = django_filters.ChoiceFilter(
        choices=APPLICABILITY, method="filter_applicability", label="Applicability"
    )
    withdrawn = django_filters.BooleanFilter()

    class Meta:
        model = Control
        fields = ["framework", "theme", "status", "applicability", "withdrawn"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(identifier__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
        )

    def filter_applicability(self, queryset, name, value):
        return _applicability(queryset, "implementation__applicable", value)


class ControlImplementationFilterSet(BaseFilterSet):
    framework = django_filters.CharFilter(field_name="control__framework__code")
    theme = django_filters.CharFilter(field_name="control__theme")
    control = django_filters.CharFilter(field_name="control__identifier")
    status = django_filters.ChoiceFilter(choices=ImplementationStatus.choices)
    applicability = django_filters.ChoiceFilter(
        choices=APPLICABILITY, method="filter_applicability", label="Applicability"
    )

    class Meta:
        model = ControlImplementation
        fields = ["framework", "theme", "control", "status", "applicability", "owner"]

    def filter_applicability(self, queryset, name, value):
        return _applicability(queryset, "applicable", value)


class SoAFilterSet(BaseFilterSet):
    approval_state = django_filters.ChoiceFilter(choices=ApprovalState.choices)

    class Meta:
        model = SoA
        fields = ["number", "approval_state"]
