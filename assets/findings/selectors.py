"""Reads of the security checks for the pages: findings worst first, the posture of an
account or of the whole estate, its trend. Read only; a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When
from django.utils import translation

from assets.aws.checks import SEVERITY_RANK, Severity
from assets.findings.values import union_value
from assets.models import AwsAccount, AwsResourceLink, Finding, PostureSnapshot
from assets.models.findings import FindingStatus

TREND_POINTS = 30


def with_severity_rank(queryset):
    """Annotate `severity_rank` (0 = critical) so that the worst sorts first."""
    return queryset.annotate(
        severity_rank=Case(
            *(When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()),
            output_field=IntegerField(),
        )
    )


def worst_first(queryset):
    # Unknown values (resources linked to no asset) last, on every database.
    return with_severity_rank(queryset).order_by(
        "severity_rank", F("value_at_stake_usd").desc(nulls_last=True), "id"
    )


def findings_for_list(queryset):
    return worst_first(queryset.select_related("resource", "account"))


@dataclass
class Posture:
    """Counts and value at stake of open findings, for one account or the estate."""

    by_severity: list[tuple[str, str, int]]  # (value, label, count), worst first
    by_service: list[dict]
    open: int
    muted: int
    not_evaluated: int
    resolved: int
    value_at_stake_usd: Decimal
    trend: list[tuple[str, int]] = field(default_factory=list)  # (time label, open)
    worst: list = field(default_factory=list)


def posture(*, account: AwsAccount | None = None, worst: int = 10) -> Posture:
    findings = Finding.objects.all()
    if account is not None:
        findings = findings.filter(account=account)
    status_counts = dict(
        findings.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    open_findings = findings.filter(status=FindingStatus.OPEN)
    severity_counts = dict(open_findings.order_by().values_list("severity").annotate(n=Count("id")))
    rows = (
        open_findings.order_by()
        .values("service")
        .annotate(
            total=Count("id"),
            value=Max("value_at_stake_usd"),
            **{s.value: Count("id", filter=Q(severity=s.value)) for s in Severity},
        )
    )
    by_service = sorted(
        (
            {
                **row,
                "severities": [(s.value, row[s.value]) for s in Severity],
            }
            for row in rows
        ),
        key=lambda r: tuple(-r[s.value] for s in Severity),
    )
    exposed = open_findings.order_by().values("resource_id")
    asset_ids = set(
        AwsResourceLink.objects.filter(resource_id__in=exposed).values_list("asset_id", flat=True)
    )
    return Posture(
        by_severity=[(s.value, s.label, severity_counts.get(s.value, 0)) for s in Severity],
        by_service=by_service,
        open=status_counts.get(FindingStatus.OPEN, 0),
        muted=status_counts.get(FindingStatus.MUTED, 0),
        not_evaluated=status_counts.get(FindingStatus.NOT_EVALUATED, 0),
        resolved=status_counts.get(FindingStatus.RESOLVED, 0),
        value_at_stake_usd=union_value(asset_ids),
        trend=trend(account=account),
        worst=list(findings_for_list(open_findings)[:worst]),
    )


def trend(*, account: AwsAccount | None = None, points: int = TREND_POINTS) -> list:
    """[(when, open findings)] after each of the last evaluations: for the estate, the
    sum of every account's latest posture at that moment."""
    snapshots = PostureSnapshot.objects.order_by("-taken_at", "-id")
    if account is not None:
        snapshots = snapshots.filter(account=account)
    recent = list(snapshots.values_list("account_id", "taken_at", "open_findings")[: points * 5])[
        ::-1
    ]
    latest: dict[int, int] = {}
    series = []
    for account_id, taken_at, open_findings in recent:
        latest[account_id] = open_findings
        series.append((taken_at, sum(latest.values())))
    return series[-points:]


def trend_polyline(series, *, width: int = 600, height: int = 120) -> str:
    """The SVG `points` of the trend line (the page draws it with presentation attributes)."""
    if not series:
        return ""
    top = max(value for _, value in series) or 1
    step = width / max(len(series) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - 4 - (value / top) * (height - 8), 1)}"
        for i, (_, value) in enumerate(series)
    )


def accounts_posture():
    """Each account with its open findings (worst severity counts first)."""
    counts = defaultdict(dict)
    for account_id, severity, n in (
        Finding.objects.filter(status=FindingStatus.OPEN)
        .order_by()
        .values_list("account_id", "severity")
        .annotate(n=Count("id"))
    ):
        counts[account_id][severity] = n
    accounts = list(AwsAccount.objects.order_by("name"))
    for account in accounts:
        found = counts.get(account.pk, {})
        account.severity_counts = [(s.value, found.get(s.value, 0)) for s in Severity]
        account.open_findings = sum(found.values())
    return sorted(accounts, key=lambda a: tuple(-n for _, n in a.severity_counts))


# --- For the risk register ("Create risk from findings", in risks/) ---------------------

LIKELIHOOD_SHARE = {"critical": 1.0, "high": 0.75, "medium": 0.5, "low": 0.25, "info": 0.0}


@dataclass
class RiskSuggestion:
    """What a risk built from findings would say: the assets behind their resources, the
    threat of the worst check, the misconfigurations as vulnerability, and a likelihood
    suggested from the worst severity (on whatever scale the methodology uses)."""

    finding_ids: list[int]
    asset_ids: list[int]
    threat: str
    threat_label: str
    vulnerability: str
    severity: str

    def likelihood(self, levels: int) -> int:
        """The suggested likelihood level, 1..levels (critical -> the highest)."""
        return 1 + round(LIKELIHOOD_SHARE.get(self.severity, 0.5) * (max(levels, 1) - 1))


def risk_suggestion(findings) -> RiskSuggestion | None:
    """The risk `findings` suggest (None for no finding). Two queries."""
    from assets.aws.checks import CATALOGUE, Threat

    found = list(worst_first(Finding.objects.filter(pk__in=[f.pk for f in findings])))
    if not found:
        return None
    worst = found[0]
    check = CATALOGUE.get(worst.check_id)
    threat = check.threat if check else Threat.DISCLOSURE
    asset_ids = sorted(
        set(
            AwsResourceLink.objects.filter(
                resource_id__in={f.resource_id for f in found}
            ).values_list("asset_id", flat=True)
        )
    )
    causes = []
    for finding in found:
        line = f"{finding.title}: {finding.detail}"
        if line not in causes:
            causes.append(line)
    with translation.override(None):  # matched against the threat catalogue's English names
        threat_label = str(Threat(threat).label)
    return RiskSuggestion(
        finding_ids=[f.pk for f in found],
        asset_ids=asset_ids,
        threat=threat,
        threat_label=threat_label,
        vulnerability="\n".join(causes),
        severity=worst.severity,
    )
