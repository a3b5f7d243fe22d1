"""The security checks as automated evidence for framework controls (the SoA and the
control pages), registered with isms.frameworks.evidence in AssetsConfig.ready().

A control is evidenced by every check whose catalogue entry maps to it; its counts are
the pass/fail results of the latest evaluation of every account ("not evaluated"
results count as neither)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from assets.aws.checks import CATALOGUE
from assets.models import AwsAccount, PostureSnapshot
from assets.permissions import can_view_findings
from isms.frameworks.evidence import CheckEvidence, control_keys


def _checks_by_control() -> dict[tuple[str, str], list[str]]:
    index: dict[tuple[str, str], list[str]] = {}
    for check in CATALOGUE.values():
        for framework, identifiers in check.controls.items():
            for identifier in identifiers:
                index.setdefault((framework, identifier), []).append(check.id)
    return index


def latest_counts() -> dict[str, list[int]]:
    """{check id: [passed, failed, not evaluated]} over every account's latest posture."""
    latest = PostureSnapshot.objects.filter(account=OuterRef("pk")).order_by("-taken_at", "-id")
    ids = AwsAccount.objects.annotate(latest=Subquery(latest.values("pk")[:1])).values("latest")
    totals: dict[str, list[int]] = {}
    for counts in PostureSnapshot.objects.filter(pk__in=ids).values_list("checks", flat=True):
        for check_id, values in (counts or {}).items():
            total = totals.setdefault(check_id, [0, 0, 0])
            for index, value in enumerate(values[:3]):
                total[index] += value
    return totals


def findings_by_control(control_ids: list[int], viewer=None) -> dict[int, list[CheckEvidence]]:
    """The provider: {control id: [CheckEvidence per mapped check]} in two queries. The
    counts cover the whole estate: only for viewers who may read every finding (None:
    the SoA)."""
    if viewer is not None and not can_view_findings(viewer):
        return {}
    index = _checks_by_control()
    # The controls' identifiers, looked up once for every provider of the page.
    wanted = {pk: index.get(key, []) for pk, key in control_keys(control_ids).items()}
    if not any(wanted.values()):
        return {}
    counts = latest_counts()  # checks never evaluated (no account yet) evidence nothing
    base = reverse("assets:finding_list")
    result = {}
    for pk, check_ids in wanted.items():
        evidence = [
            CheckEvidence(
                check=check_id,
                passed=counts[check_id][0],
                failed=counts[check_id][1],
                url=f"{base}?{urlencode({'check': check_id})}",
            )
            for check_id in check_ids
            if check_id in counts
        ]
        if evidence:
            result[pk] = evidence
    return result
