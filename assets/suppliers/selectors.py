"""Reads of the supplier register shared by pages, the API, the dashboard and reviews."""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assets import graph, responsibility
from assets.choices import AssetCategory
from assets.models import Asset
from assets.permissions import visible_assets
from assets.suppliers.models import Certification, Supplier
from isms.governance.reviews import ReviewItem

EXPIRING_DAYS = 30


def suppliers():
    return Supplier.objects.select_related("asset", "asset__owner")


def supplier_candidates(user=None):
    """The partner-organisation assets `user` may see that are not a supplier yet: what
    a new supplier can be registered on."""
    candidates = Asset.objects.filter(
        category=AssetCategory.PARTNER_ORGANIZATION, supplier__isnull=True
    ).order_by("name", "pk")
    return visible_assets(user, candidates) if user is not None else candidates


def aws_layers():
    """The shared-responsibility layers of the AWS services in use (services with assets
    linked), with what AWS and the customer each secure: the AWS supplier's evidence."""
    return [
        layer
        for layer in responsibility.for_estate()
        if any(entry.assets for entry in layer.services)
    ]


def value_at_stake(supplier: Supplier) -> Decimal:
    """What depends on the supplier. For AWS, the assets running on AWS services and
    everything that depends on them (each counted once), on top of the asset's own."""
    if not supplier.is_aws:
        return supplier.asset.value_at_stake_usd
    on_aws = Asset.objects.filter(aws_services__isnull=False).values_list("pk", flat=True)
    ids = graph.up_closure(set(on_aws)) | graph.up_closure([supplier.asset_id])
    total = Decimal(0)
    for asset in Asset.objects.filter(pk__in=ids).only("value_usd"):
        total += asset.value_usd
    return total


def assessment_sections(assessment) -> list[dict]:
    """The reviewer's view of an answered assessment: per section, its score (as the
    whole is scored: services.score_of) and each question with its answer and comment."""
    from assets.suppliers.services import score_of

    answers = assessment.answers or {}
    sections = []
    for section in assessment.content.get("sections", []):
        sections.append(
            {
                "title": section["title"],
                "score": score_of({"sections": [section]}, answers),
                "questions": [
                    {
                        **question,
                        "answer": answers.get(question["id"], ""),
                        "comment": answers.get(f"{question['id']}__comment", ""),
                    }
                    for question in section["questions"]
                ],
            }
        )
    return sections


def expiring_certifications(today=None):
    today = today or timezone.localdate()
    return Certification.objects.filter(
        expires_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS)
    ).select_related("supplier__asset")


def figures(user) -> list[dict]:
    """Dashboard: supplier certifications expired or expiring within 30 days."""
    if not user.has_perm("suppliers.view_supplier"):
        return []
    today = timezone.localdate()
    qs = expiring_certifications(today)
    expired = qs.filter(expires_on__lt=today).count()
    return [
        {
            "label": _("Supplier certifications expiring (30 days)"),
            "value": qs.count() - expired,
            "url": reverse("suppliers:supplier_list"),
        },
        {
            "label": _("Supplier certifications expired"),
            "value": expired,
            "url": reverse("suppliers:supplier_list"),
        },
    ]


def due_reviews(until: datetime.date):
    """Suppliers whose periodic review is due on or before `until`."""
    for supplier in suppliers().filter(Q(next_review_date__lte=until)):
        yield ReviewItem(
            obj=supplier,
            kind=_("Supplier"),
            title=str(supplier),
            due=supplier.next_review_date,
            owners=[supplier.asset.owner] if supplier.asset.owner else [],
            url=supplier.get_absolute_url(),
        )


REGISTER_HEADER = [
    "ref",
    "supplier",
    "services provided",
    "data shared",
    "data classification",
    "criticality",
    "criticality override reason",
    "value at stake ($)",
    "contracts",
    "right to audit",
    "certifications",
    "next certification expiry",
    "last assessment",
    "score",
    "conclusion",
    "next review",
]


def register_rows(queryset=None):
    """One row per supplier: the register as the audit pack and exports give it."""
    queryset = (queryset if queryset is not None else suppliers()).prefetch_related(
        "contracts", "certifications", "assessments"
    )
    for supplier in queryset:
        contracts = list(supplier.contracts.all())
        certifications = list(supplier.certifications.all())
        assessment = max(supplier.assessments.all(), key=lambda a: a.number, default=None)
        yield [
            supplier.asset.ref,
            supplier.asset.name,
            supplier.services_provided,
            supplier.data_shared,
            supplier.get_data_classification_display(),
            supplier.get_criticality_display(),
            supplier.criticality_reason,
            value_at_stake(supplier),
            "; ".join(c.title for c in contracts),
            "yes" if any(c.right_to_audit for c in contracts) else "no",
            "; ".join(f"{c.get_kind_display()} (expires {c.expires_on})" for c in certifications),
            min((c.expires_on for c in certifications), default=""),
            assessment.ref if assessment else "",
            assessment.score if assessment and assessment.score is not None else "",
            assessment.get_conclusion_display() if assessment else "",
            supplier.next_review_date or "",
        ]


def audit_pack_files(user):
    """The supplier register (XLSX) for the audit pack (Annex A 5.19-5.22)."""
    from isms.exports import xlsx_bytes
    from isms.governance.audit_pack import PackFile

    yield PackFile(
        "12-suppliers/supplier-register.xlsx",
        xlsx_bytes("Supplier register", REGISTER_HEADER, register_rows()),
        "Supplier register: criticality, contracts, certifications, assessments "
        "(Annex A 5.19-5.22)",
    )
