"""The FilterSets of management reviews and their actions, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.audits.models.reviews import (
    OPEN_STATUSES,
    ActionStatus,
    DecisionKind,
    ManagementReview,
    ReviewDecision,
)
from isms.filters import BaseFilterSet
from isms.models.approvals import ApprovalState


class ManagementReviewFilterSet(BaseFilterSet):
    """Search in the reference, title and minutes; the approval state; the year."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    approval_state = django_filters.ChoiceFilter(choices=ApprovalState.choices, label=_("State"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = ManagementReview
        fields = ["approval_state", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(minutes__icontains=value)
        )


class ReviewDecisionFilterSet(BaseFilterSet):
    """The actions decided by management reviews: status, kind, owner, overdue only."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices, label=_("Kind"))
    overdue = django_filters.BooleanFilter(method="overdue_only", label=_("Overdue"))

    class Meta:
        model = ReviewDecision
        fields = ["status", "kind", "owner"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(review__reference__icontains=value)
        )

    def overdue_only(self, queryset, name, value):
        late = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
