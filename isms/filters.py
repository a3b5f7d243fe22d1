"""Filter sets of the governance core (one per model: the list page and the API share it),
and `BaseFilterSet`, the base of every filter set of every app."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import QueryDict
from django_filters.conf import settings as filter_settings

from isms.models import AuditEvent, User
from isms.models.audit import AuditAction
from isms.roles import isms_app_labels

ALL = "All"  # the label of a filter's empty choice: no filter


class AllNullBooleanSelect(forms.NullBooleanSelect):
    """All / Yes / No: the empty choice of a yes-or-no filter is labelled like every other
    filter's, and sends an empty value (Django's own says "Unknown" and sends `unknown`)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", ALL), ("true", "Yes"), ("false", "No"))

    def format_value(self, value):
        formatted = super().format_value(value)
        return "" if formatted == "unknown" else formatted


def without_empty(data) -> QueryDict:
    """The query data without its empty values (`status=&owner=`): what a filter form
    sends for a field left at "All"."""
    items = data.lists() if hasattr(data, "lists") else data.items()
    cleaned = QueryDict(mutable=True)
    for key, values in items:
        values = values if isinstance(values, list | tuple) else [values]
        kept = [value for value in values if value not in ("", None)]
        if kept:
            cleaned.setlist(key, kept)
    return cleaned


class BaseFilterSet(django_filters.FilterSet):
    """The base of every filter set (after NetBox's BaseFilterSet). An empty value means
    no filter, for every kind of filter, on the list pages and in the API alike.

    A browser submits every field of a GET form, the ones left at "All" too
    (`?status=&treatment=&q=R-001`). django-filter would read the empty value of a
    multiple-choice filter as the choice "" and reject it, which the risk register
    showed as "No risks match"; empty values are therefore dropped before the form
    reads them. The empty choice of every choice filter is labelled "All" (yes-or-no
    filters offer All / Yes / No), not "---------" on some pages and "Unknown" on others."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(None if data is None else without_empty(data), *args, **kwargs)
        for filter_ in self.filters.values():
            _label_all(filter_)


def _label_all(filter_) -> None:
    """Give the filter's empty choice the label "All", unless it was chosen on purpose."""
    extra = filter_.extra
    if isinstance(filter_, django_filters.BooleanFilter) and "widget" not in extra:
        extra["widget"] = AllNullBooleanSelect
    elif isinstance(filter_, django_filters.ChoiceFilter) and not isinstance(
        filter_, django_filters.OrderingFilter
    ):
        if extra.get("empty_label", filter_settings.EMPTY_CHOICE_LABEL) == (
            filter_settings.EMPTY_CHOICE_LABEL
        ):
            extra["empty_label"] = ALL
    else:
        return
    filter_.__dict__.pop("_field", None)  # the form field is built on first use, from extra


class RecordTypeField(forms.ModelChoiceField):
    """A choice of content type, shown as people name the record ("Policy version"),
    not as Django does ("ISMS governance | policy version") (issue 20.9)."""

    def label_from_instance(self, obj):
        model = obj.model_class()
        name = model._meta.verbose_name if model is not None else obj.model
        return str(name)[:1].upper() + str(name)[1:]


class RecordTypeFilter(django_filters.ModelChoiceFilter):
    """A filter on the type of record (a content type), labelled in words."""

    field_class = RecordTypeField


class AuditEventFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    actor = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    content_type = RecordTypeFilter(
        queryset=lambda request: ContentType.objects.filter(
            app_label__in=isms_app_labels()
        ).order_by("app_label", "model"),
        label="Record type",
    )
    # "Source starts with" said nothing to people: the source (web, api, a command...).
    source = django_filters.CharFilter(lookup_expr="startswith", label="Source")
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
