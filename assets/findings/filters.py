"""The one FilterSet of findings, shared by the findings page and /api/findings/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assets.aws.checks import Severity
from assets.aws.checks.engine import ordered
from assets.models import Asset, AwsAccount, Finding
from assets.models.findings import FindingStatus
from isms.filters import BaseFilterSet
from isms.widgets import Picker

CHECK_CHOICES = [(c.id, f"{c.id} — {c.title}") for c in ordered()]
SERVICE_CHOICES = sorted({(c.service, c.service) for c in ordered()})


class FindingFilterSet(BaseFilterSet):
    """Severity, status, check, service, account, region, asset, and a search in the
    resource's name and ARN and the finding's detail."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, widget=Picker)
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices, widget=Picker)
    check = django_filters.ChoiceFilter(field_name="check_id", choices=CHECK_CHOICES)
    service = django_filters.ChoiceFilter(choices=SERVICE_CHOICES)
    account = django_filters.ModelChoiceFilter(queryset=AwsAccount.objects.all())
    region = django_filters.CharFilter(lookup_expr="exact")
    asset = django_filters.ModelChoiceFilter(
        field_name="resource__assets", queryset=Asset.objects.all(), label=_("Asset")
    )
    resource = django_filters.NumberFilter(field_name="resource_id", label=_("Resource id"))

    class Meta:
        model = Finding
        fields = ["severity", "status", "check", "service", "account", "region", "asset"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(resource__name__icontains=value)
            | Q(resource__arn__icontains=value)
            | Q(detail__icontains=value)
        )
