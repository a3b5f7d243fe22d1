"""The connected AWS estate per (account, region), for the governance core's comparison
with the approved scope (`isms.governance.scope_estate`, registered in AssetsConfig.ready())."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from assets.aws.checks import Severity
from assets.models import AwsAccount, AwsResource, Finding
from assets.models.findings import FindingStatus, ScopeDecision
from isms.governance.scope_estate import EstateRow


def estate_rows() -> list[EstateRow]:
    """One row per (account, region) holding live resources or open findings, in two
    grouped queries."""
    accounts = dict(AwsAccount.objects.values_list("pk", "account_id"))
    names = dict(AwsAccount.objects.values_list("pk", "name"))
    counts: dict[tuple[int, str], dict] = defaultdict(dict)
    for account_id, region, n in (
        AwsResource.objects.live()
        .order_by()
        .values_list("account_id", "region")
        .annotate(n=Count("id"))
    ):
        counts[(account_id, region)]["resources"] = n
    for account_id, region, total, critical, untriaged in (
        Finding.objects.filter(status=FindingStatus.OPEN)
        .order_by()
        .values_list("account_id", "region")
        .annotate(
            total=Count("id"),
            critical=Count("id", filter=Q(severity=Severity.CRITICAL)),
            untriaged=Count("id", filter=Q(scope_decision=ScopeDecision.UNDECIDED)),
        )
    ):
        counts[(account_id, region)].update(
            open_findings=total, critical_findings=critical, untriaged_findings=untriaged
        )
    url = reverse("assets:finding_list")
    ordered = sorted(counts.items(), key=lambda item: (names[item[0][0]], item[0][1]))
    return [
        EstateRow(
            account_id=accounts[pk],
            account_name=names[pk],
            region=region,
            url=f"{url}?{urlencode({'account': pk, 'region': region, 'status': 'open'})}",
            **values,
        )
        for (pk, region), values in ordered
    ]
