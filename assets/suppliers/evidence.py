"""The supplier register as SoA evidence for Annex A 5.19-5.23: figures registered with
isms.frameworks.evidence (counted together with the other registers' in one query).
"Failed" counts what an auditor would ask about: a review overdue, a supplier without
security terms in a contract, an assessment concluded not acceptable, a certification
expired."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.suppliers.choices import AssessmentStatus, Conclusion
from assets.suppliers.models import Assessment, Certification, Contract, Supplier
from isms.frameworks.evidence import RecordFigure

VIEW = "suppliers.view_supplier"
URL = "suppliers:supplier_list"


def _reviewed():
    today = timezone.localdate()
    return Supplier.objects.filter(
        Q(next_review_date__isnull=True) | Q(next_review_date__gte=today)
    )


def _with_terms():
    return Exists(Contract.objects.filter(supplier=OuterRef("pk")).exclude(security_clauses=""))


def _concluded():
    return Assessment.objects.filter(status=AssessmentStatus.CONCLUDED)


FIGURES = (
    RecordFigure(
        "5.19",
        _("Suppliers in the register reviewed on time"),
        passed=_reviewed,
        failed=lambda: Supplier.objects.filter(next_review_date__lt=timezone.localdate()),
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.20",
        _("Suppliers with security terms in a contract"),
        passed=lambda: Supplier.objects.filter(_with_terms()),
        failed=lambda: Supplier.objects.exclude(_with_terms()),
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.21",
        _("Supplier assessments concluded acceptable"),
        passed=lambda: _concluded().exclude(conclusion=Conclusion.UNACCEPTABLE),
        failed=lambda: _concluded().filter(conclusion=Conclusion.UNACCEPTABLE),
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.22",
        _("Supplier certifications current"),
        passed=lambda: Certification.objects.filter(expires_on__gte=timezone.localdate()),
        failed=lambda: Certification.objects.filter(expires_on__lt=timezone.localdate()),
        url=URL,
        permission=VIEW,
    ),
    RecordFigure(
        "5.23",
        _("Cloud provider (AWS) in the supplier register"),
        passed=lambda: Supplier.objects.filter(is_aws=True),
        failed=None,
        url=URL,
        permission=VIEW,
    ),
)
