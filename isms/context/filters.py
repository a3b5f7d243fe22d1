"""Filter sets of the context app (one per model; the API uses them)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isms.context import choices
from isms.context.models import (
    ContextIssue,
    InterestedParty,
    Measure,
    Measurement,
    Objective,
    PartyFeedback,
    Requirement,
)
from isms.filters import BaseFilterSet


class ContextIssueFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    origin = django_filters.ChoiceFilter(choices=choices.IssueOrigin.choices)
    category = django_filters.ChoiceFilter(choices=choices.IssueCategory.choices)
    treatment = django_filters.ChoiceFilter(choices=choices.Treatment.choices)

    class Meta:
        model = ContextIssue
        fields = ["q", "origin", "category", "treatment"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class InterestedPartyFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=choices.PartyKind.choices)

    class Meta:
        model = InterestedParty
        fields = ["q", "kind"]


class ObjectiveFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(choices=choices.ObjectiveStatus.choices)

    class Meta:
        model = Objective
        fields = ["status", "owner"]


class MeasureFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=choices.MeasureKind.choices)
    frequency = django_filters.ChoiceFilter(choices=choices.Frequency.choices)

    class Meta:
        model = Measure
        fields = ["kind", "frequency"]


class MeasurementFilterSet(BaseFilterSet):
    class Meta:
        model = Measurement
        fields = ["measure"]


class RequirementFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=choices.RequirementKind.choices)
    addressed = django_filters.BooleanFilter(label=_("Addressed"))

    class Meta:
        model = Requirement
        fields = ["party", "kind", "addressed"]


class PartyFeedbackFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=choices.FeedbackKind.choices)
    closed = django_filters.BooleanFilter(label=_("Closed"))

    class Meta:
        model = PartyFeedback
        fields = ["q", "party", "kind", "closed"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(summary__icontains=value) | Q(response__icontains=value))
