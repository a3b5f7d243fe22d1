"""Filter sets of governance (one per model; the list pages and the API share them)."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from isms.filters import BaseFilterSet, RecordTypeFilter
from isms.models import ApprovalRequest, Policy, PolicyVersion, ScopeVersion, User
from isms.models.approvals import ApprovalState
from isms.models.governance import Classification, PolicyKind


class PolicyFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(choices=PolicyKind.choices)
    classification = django_filters.ChoiceFilter(choices=Classification.choices)
    published = django_filters.BooleanFilter(
        field_name="published_version", lookup_expr="isnull", exclude=True, label="Published"
    )

    class Meta:
        model = Policy
        fields = ["q", "kind", "classification", "owner", "published"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))


class PolicyVersionFilterSet(BaseFilterSet):
    approval_state = django_filters.ChoiceFilter(choices=ApprovalState.choices)

    class Meta:
        model = PolicyVersion
        fields = ["policy", "approval_state"]


class ScopeVersionFilterSet(BaseFilterSet):
    approval_state = django_filters.ChoiceFilter(choices=ApprovalState.choices)

    class Meta:
        model = ScopeVersion
        fields = ["approval_state"]


def _approvable_content_types(request=None):
    from isms import approvals

    models = [kind.model for kind in approvals.registered()]
    ids = [ct.pk for ct in ContentType.objects.get_for_models(*models).values()] if models else []
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


class ApprovalRequestFilterSet(BaseFilterSet):
    state = django_filters.ChoiceFilter(choices=ApprovalState.choices)
    content_type = RecordTypeFilter(queryset=_approvable_content_types, label="Type")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")

    class Meta:
        model = ApprovalRequest
        fields = ["state", "content_type", "submitted_by", "object_id"]


class AcknowledgementFilterSet(BaseFilterSet):
    """Who has (`done`) or has not (`missing`) acknowledged a policy's published version;
    the users come annotated with `acknowledged_at` (see the acknowledgements page)."""

    show = django_filters.ChoiceFilter(
        choices=(("all", "Everyone"), ("missing", "Not yet"), ("done", "Done")),
        method="by_acknowledgement",
        label="Show",
    )

    class Meta:
        model = User
        fields = ["show"]

    def by_acknowledgement(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(acknowledged_at__isnull=value == "missing")
