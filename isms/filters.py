"""Filter sets of the governance core (one per model: the list page and the API share it)."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from isms.models import AuditEvent, User
from isms.models.audit import AuditAction


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    actor = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(app_label__in=("isms", "assets", "risks")).order_by(
            "app_label", "model"
        ),
        label="Record type",
    )
    source = django_filters.CharFilter(lookup_expr="startswith")
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lte")
    date_from = django_filters.DateFilter(
        field_name="timestamp__date", lookup_expr="gte", label="From"
    )
    date_to = django_filters.DateFilter(field_name="timestamp__date", lookup_expr="lte", label="To")

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "content_type", "object_id", "source"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(object_repr__icontains=value)
            | Q(actor_repr__icontains=value)
            | Q(message__icontains=value)
        )
