"""What the risks app contributes to the governance core's audit pack and reviews.

Registered in RisksConfig.ready(), so that `isms` never imports `risks`.
"""

import datetime
from collections.abc import Iterable

from django.urls import reverse

from isms.exports import xlsx_bytes
from isms.governance.audit_pack import PackFile
from isms.governance.reviews import ReviewItem, security_managers
from risks import importing
from risks.models import Risk
from risks.selectors import active_version, asset_refs


def audit_pack_files(user) -> Iterable[PackFile]:
    """The active methodology, exactly as approved, and the whole risk register (XLSX)."""
    version = active_version()
    if version is not None:
        yield PackFile(
            f"03-risk-methodology/methodology-v{version.number}.json",
            version.canonical_json().encode(),
            f"{version} — risk assessment methodology as approved (clause 6.1.2)",
        )
    queryset = (
        Risk.objects.select_related("threat", "vulnerability", "owner")
        .annotate(asset_refs=asset_refs())
        .order_by("ref")
    )
    rows = importing.export_rows(queryset, version.scale if version else None)
    yield PackFile(
        "06-risks/risk-register.xlsx",
        xlsx_bytes("Risk register", importing.EXPORT_COLUMNS, rows),
        "Risk assessment and treatment results (clauses 6.1.2, 6.1.3, 8.2, 8.3)",
    )


def due_reviews(until: datetime.date) -> Iterable[ReviewItem]:
    """Risks whose review date has come (or comes by `until`)."""
    managers = None
    for risk in Risk.objects.filter(review_date__lte=until).select_related("owner"):
        if risk.owner is None and managers is None:
            managers = list(security_managers())
        yield ReviewItem(
            obj=risk,
            kind="Risk",
            title=f"{risk.ref} {risk.title}",
            due=risk.review_date,
            owners=[risk.owner] if risk.owner else managers,
            url=reverse("risks:risk_detail", args=[risk.pk]),
        )
