"""Filter sets of the AWS connector: one per model, shared by its list page and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from assets.catalogue import SERVICES
from assets.choices import ResponsibilityLayer
from assets.models import AwsAccount, AwsLinkRule, AwsResource, AwsResourceLink, SyncRun
from assets.models.aws import AwsEnvironment, ConnectionStatus, SyncStatus, SyncTrigger
from isms.filters import BaseFilterSet

SERVICE_CHOICES = sorted(((code, name) for code, name, *_ in SERVICES), key=lambda c: c[1])


class AwsAccountFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    environment = django_filters.ChoiceFilter(choices=AwsEnvironment.choices)
    connection_status = django_filters.ChoiceFilter(
        choices=ConnectionStatus.choices, label=_("Connection")
    )
    enabled = django_filters.BooleanFilter()

    class Meta:
        model = AwsAccount
        fields = ["environment", "connection_status", "enabled"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(account_id__startswith=value))


class SyncRunFilterSet(BaseFilterSet):
    account = django_filters.ModelChoiceFilter(queryset=AwsAccount.objects.all())
    status = django_filters.ChoiceFilter(choices=SyncStatus.choices)
    trigger = django_filters.ChoiceFilter(choices=SyncTrigger.choices)

    class Meta:
        model = SyncRun
        fields = ["account", "status", "trigger"]


class AwsResourceFilterSet(BaseFilterSet):
    """Account, region, service, type, shared-responsibility layer, linked or not, gone
    or not, and a search in name and ARN."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=AwsAccount.objects.all())
    region = django_filters.CharFilter(lookup_expr="exact")
    service = django_filters.ChoiceFilter(field_name="service__code", choices=SERVICE_CHOICES)
    resource_type = django_filters.CharFilter(lookup_expr="exact", label=_("Type"))
    layer = django_filters.ChoiceFilter(
        field_name="service__layer", choices=ResponsibilityLayer.choices
    )
    linked = django_filters.BooleanFilter(method="filter_linked", label=_("Linked to an asset"))
    gone = django_filters.BooleanFilter(method="filter_gone", label=_("Gone"))
    asset = django_filters.NumberFilter(field_name="assets", label=_("Asset id"))

    class Meta:
        model = AwsResource
        fields = ["account", "region", "resource_type"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(arn__icontains=value))

    def filter_linked(self, queryset, name, value):
        linked = Exists(AwsResourceLink.objects.filter(resource=OuterRef("pk")))
        return queryset.filter(linked) if value else queryset.exclude(linked)

    def filter_gone(self, queryset, name, value):
        return queryset.filter(gone_since__isnull=not value)


class AwsLinkRuleFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=AwsLinkRule._meta.get_field("kind").choices, label=_("Kind")
    )
    enabled = django_filters.BooleanFilter()

    class Meta:
        model = AwsLinkRule
        fields = ["kind", "enabled", "asset", "account"]
