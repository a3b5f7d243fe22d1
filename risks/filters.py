"""Filter sets of the risks app: one per model, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from risks.choices import CatalogueSource, RiskStatus, TreatmentOption
from risks.models import MethodologyVersion, Risk, Threat, Vulnerability
from risks.selectors import needs_review_from_findings

SORT_FIELDS = (
    ("number", "ref"),
    ("title", "title"),
    ("status", "status"),
    ("owner__username", "owner"),
    ("threat__name", "threat"),
    ("inherent_likelihood", "inherent_likelihood"),
    ("inherent_impact", "inherent_impact"),
    ("inherent_level", "inherent_level"),
    ("residual_level", "residual_level"),
    ("treatment", "treatment"),
    ("value_at_stake_usd", "value_at_stake_usd"),
    ("sle_usd", "sle_usd"),
    ("ale_usd", "ale_usd"),
    ("residual_ale_usd", "residual_ale_usd"),
    ("review_date", "review_date"),
    ("updated_at", "updated_at"),
)


class RiskFilterSet(django_filters.FilterSet):
    """Every column of the register can filter it; `sort` orders it (prefix - to reverse).
    The whole state lives in the query string, so a filtered view is saved by its URL."""

    q = django_filters.CharFilter(method="search", label="Search")
    # distinct=False: these filter the risk's own columns, no join can repeat a row.
    status = django_filters.MultipleChoiceFilter(choices=RiskStatus.choices, distinct=False)
    treatment = django_filters.MultipleChoiceFilter(
        choices=[("none", "No decision"), *TreatmentOption.choices],
        method="filter_treatment",
        distinct=False,
    )
    owner = django_filters.NumberFilter(field_name="owner", label="Owner id")
    owner_name = django_filters.CharFilter(
        field_name="owner__username", lookup_expr="iexact", label="Owner (user name)"
    )
    threat = django_filters.NumberFilter(field_name="threat", label="Threat id")
    threat_name = django_filters.CharFilter(
        field_name="threat__name", lookup_expr="icontains", label="Threat"
    )
    vulnerability = django_filters.NumberFilter(
        field_name="vulnerability", label="Vulnerability id"
    )
    vulnerability_name = django_filters.CharFilter(
        field_name="vulnerability__name", lookup_expr="icontains", label="Vulnerability"
    )
    asset = django_filters.NumberFilter(method="filter_asset", label="Asset id")
    asset_ref = django_filters.CharFilter(method="filter_asset_ref", label="Asset reference")
    inherent_level = django_filters.NumberFilter()
    residual_level = django_filters.NumberFilter()
    inherent_likelihood = django_filters.NumberFilter()
    inherent_impact = django_filters.NumberFilter()
    residual_likelihood = django_filters.NumberFilter()
    residual_impact = django_filters.NumberFilter()
    min_ale = django_filters.NumberFilter(field_name="ale_usd", lookup_expr="gte", label="ALE from")
    max_ale = django_filters.NumberFilter(field_name="ale_usd", lookup_expr="lte", label="ALE to")
    review_overdue = django_filters.BooleanFilter(method="filter_overdue", label="Review overdue")
    finding = django_filters.NumberFilter(method="filter_finding", label="Linked finding id")
    needs_review_from_findings = django_filters.BooleanFilter(
        method="filter_findings_review", label="All linked findings resolved"
    )
    sort = django_filters.OrderingFilter(fields=SORT_FIELDS, label="Sort")

    class Meta:
        model = Risk
        fields = ["status"]

    def search(self, queryset, name, value):
        """Ref or asset ref (exact), title or description (contains). The two branches
        are a UNION so that each uses its indexes (trigram on PostgreSQL, see
        migration 0003), rather than an OR that scans every row."""
        value = value.strip()
        if not value:
            return queryset
        own = (
            Risk.objects.filter(
                Q(ref=value.upper()) | Q(title__icontains=value) | Q(description__icontains=value)
            )
            .order_by()
            .values("pk")
        )
        by_asset = (
            Risk.assets.through.objects.filter(asset__ref=value.upper())
            .order_by()
            .values("risk_id")
        )
        return queryset.filter(pk__in=own.union(by_asset))

    # Assets through a subquery rather than a join: no duplicate rows, no DISTINCT.
    def filter_asset(self, queryset, name, value):
        links = Risk.assets.through.objects.filter(asset_id=value).values("risk_id")
        return queryset.filter(pk__in=links)

    def filter_asset_ref(self, queryset, name, value):
        links = Risk.assets.through.objects.filter(asset__ref__iexact=value).values("risk_id")
        return queryset.filter(pk__in=links)

    def filter_finding(self, queryset, name, value):
        links = Risk.findings.through.objects.filter(finding_id=value).values("risk_id")
        return queryset.filter(pk__in=links)

    def filter_findings_review(self, queryset, name, value):
        if value is None:
            return queryset
        condition = needs_review_from_findings()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_treatment(self, queryset, name, values):
        if not values:
            return queryset
        chosen = [v for v in values if v != "none"]
        condition = Q(treatment__in=chosen)
        if "none" in values:
            condition |= Q(treatment="")
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(review_date__lt=timezone.localdate()) & ~Q(status=RiskStatus.CLOSED)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    @property
    def qs(self):
        queryset = super().qs
        # A stable order under any sort, so pages never repeat or skip rows.
        ordering = list(queryset.query.order_by) or ["number"]
        if "number" not in ordering and "-number" not in ordering:
            ordering.append("number")
        return queryset.order_by(*ordering)


class _CatalogueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    source = django_filters.ChoiceFilter(choices=CatalogueSource.choices)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(category__icontains=value)
        )


class ThreatFilterSet(_CatalogueFilterSet):
    class Meta:
        model = Threat
        fields = ["category", "source", "is_active"]


class VulnerabilityFilterSet(_CatalogueFilterSet):
    class Meta:
        model = Vulnerability
        fields = ["category", "source", "is_active"]


class MethodologyVersionFilterSet(django_filters.FilterSet):
    class Meta:
        model = MethodologyVersion
        fields = ["approval_state", "number"]
